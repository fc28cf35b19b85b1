import Foundation
import Testing

extension DaemonTests {
    /// docs/openapi.yaml against the real daemon over TCP loopback: typical answers validated against
    /// their schemas, then schemathesis fuzzes every operation from the spec (no 5xx, every status,
    /// content type and body as documented) and the daemon still classifies afterwards.
    /// `scripts/tests/api_contract.py` does the Python side with `.deps/python-schemathesis`.
    @Suite struct APIContract {
        /// Where setup installs schemathesis (not optional: CI installs it, so a missing one fails here).
        static var pythonPath: String { DaemonProcess.packageRoot + "/.deps/python-schemathesis" }

        static func contract(_ arguments: [String]) async throws -> Command {
            try await Command.run(["python3", DaemonProcess.packageRoot + "/scripts/tests/api_contract.py"] + arguments,
                                  environment: ["PYTHONPATH": Self.pythonPath], timeout: 600)
        }

        @Test func liveAnswersMatchTheSpecAndFuzzingFindsNoServerError() async throws {
            let daemon = try await DaemonProcess.start(arguments: ["--listen", "tcp://127.0.0.1:0"])
            let status = try await RawHTTP.get(socket: daemon.socketPath, "/v1/status").object()
            let tcp = try #require((status["listeners"] as? [String])?.first { $0.hasPrefix("tcp://") })
            let base = "http://" + tcp.dropFirst("tcp://".count)

            let validated = try await Self.contract(["validate", base, DaemonProcess.sample("coffee.jpg")])
            #expect(validated.status == 0, "\(validated.stdout)\n\(validated.stderr)")
            // It made the calls it lists (cold and warm states, errors, both protocols).
            for call in ["GET /v1/status 200", "POST /v1/models/squeezenet/classify?top=3 200", "GET /v1/models/no-such-model 404",
                         "GET /v2/models/squeezenet/ready 400", "GET /v2/models/squeezenet/ready 200", "POST /v2/models/squeezenet/infer 200",
                         "GET /metrics 200"] {
                #expect(validated.stdout.contains(call), "\(call) missing: \(validated.stdout)")
            }

            let fuzzed = try await Self.contract(["fuzz", base, "5"])
            #expect(fuzzed.status == 0, "schemathesis:\n\(fuzzed.stdout.suffix(6000))\n\(fuzzed.stderr.suffix(2000))")
            // It did run: every operation tested, hundreds of cases, all passing.
            let summary = try #require(fuzzed.stdout.firstMatch(of: /(\d+) generated, (\d+) passed/), "\(fuzzed.stdout.suffix(3000))")
            #expect(Int(summary.1)! >= 100 && summary.1 == summary.2, "\(summary.0)")
            #expect(!daemon.stderrLog.contains("answered 5"), "a 5xx was logged:\n\(daemon.stderrLog.suffix(3000))")
            try await API.expectServing(daemon, after: "the fuzz run")
            #expect(try await daemon.stop() == 0)
        }
    }
}
