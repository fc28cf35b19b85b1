import Foundation
@testable import InferdClient
import InferdWire
import Testing

extension DaemonTests {
    /// `inferctl classify --remote`: over TCP to a real daemon (`--listen tcp://127.0.0.1:0`), and the
    /// Open Inference path (image decoded and preprocessed here, tensor sent) against inferd's own `/v2`.
    @Suite struct RemoteClassify {
        /// The TCP address the daemon reports in `GET /v1/status` `listeners`, as `http://127.0.0.1:PORT`.
        func tcpURL(of daemon: DaemonProcess) async throws -> String {
            let status = try await RawHTTP.get(socket: daemon.socketPath, "/v1/status")
            let object = try JSONSerialization.jsonObject(with: Data(status.body)) as? [String: Any]
            let listeners = object?["listeners"] as? [String] ?? []
            let tcp = try #require(listeners.first { $0.hasPrefix("tcp://") },
                                   "GET /v1/status lists no tcp:// listener (listeners: \(listeners)); status: \(status.text.prefix(300))")
            return "http://" + tcp.dropFirst("tcp://".count)
        }

        @Test func classifyOverTCPGivesTheSameTopLabelAsOverTheSocket() async throws {
            let daemon = try await DaemonProcess.start(arguments: ["--listen", "tcp://127.0.0.1:0"])
            let url = try await tcpURL(of: daemon)
            let local = try await InferctlProcess.run(["classify", "--json", "--socket", daemon.socketPath, "samples/chelsea.jpg"])
            #expect(local.status == 0, "\(local.stderr)")
            let remote = try await InferctlProcess.run(["classify", "--json", "--remote", url, "--repeat", "2", "samples/chelsea.jpg"])
            #expect(remote.status == 0, "\(remote.stderr)")
            let localRecords = try local.classifyRecords()
            let remoteRecords = try remote.classifyRecords()
            try #require(localRecords.count == 1 && remoteRecords.count == 2)
            #expect(remoteRecords[0].labelNames.first == localRecords[0].labelNames.first,
                     "TCP \(remoteRecords[0].labelNames) vs socket \(localRecords[0].labelNames)")
            for record in remoteRecords {
                #expect(record["mode"] as? String == "remote")
                let network = try #require(record["remote"] as? [String: Any], "\(record)")
                #expect(network["protocol"] as? String == "inferd")
                #expect(network["endpoint"] as? String == url)
                for key in ["connect", "upload", "server", "download", "remote_reported", "network"] {
                    #expect((network[key] as? Double).map { $0 >= 0 } == true, "\(key): \(network)")
                }
                // The server's own total fits inside the exchange the client timed. Not inside `server`
                // alone: the client reads the clock after its last send() returns, and a client thread
                // preempted there (a loaded CI machine) starts `server` after the daemon has begun.
                let exchange = ["connect", "upload", "server", "download"].reduce(0.0) { $0 + (network[$1] as? Double ?? 0) }
                #expect((network["remote_reported"] as? Double ?? .infinity) <= exchange, "\(network)")
                #expect((network["bytes_sent"] as? Int ?? 0) > (try DaemonProcess.sampleBytes("chelsea.jpg")).count)
                #expect((network["bytes_received"] as? Int ?? 0) > 0)
            }
            // Human output shows the breakdown.
            let human = try await InferctlProcess.run(["classify", "--remote", url, "samples/chelsea.jpg"])
            #expect(human.status == 0, "\(human.stderr)")
            for column in ["connect", "upload", "server", "remote", "network", "download", "e2e"] {
                #expect(human.stdout.contains(column), "\(column) missing:\n\(human.stdout)")
            }
            #expect(human.stdout.contains("on \(url) (inferd)"), "\(human.stdout)")
            // Other commands reach the daemon over TCP too.
            let models = try await InferctlProcess.run(["models", "--json", "--remote", url])
            #expect(models.status == 0, "\(models.stderr)")
            #expect(models.stdout.contains("efficientnet-lite0"))
            #expect(try await daemon.stop() == 0)
        }

        @Test func oipProtocolGivesTheSameTopLabelAsTheClassifyRoute() async throws {
            let daemon = try await DaemonProcess.start()
            let classify = try await InferctlProcess.run(["classify", "--json", "--socket", daemon.socketPath, "samples/chelsea.jpg"])
            #expect(classify.status == 0, "\(classify.stderr)")
            let oip = try await InferctlProcess.run(["classify", "--json", "--socket", daemon.socketPath, "--remote-protocol", "oip",
                                                     "--repeat", "2", "samples/chelsea.jpg"])
            #expect(oip.status == 0, "\(oip.stderr)")
            let expected = try #require(try classify.classifyRecords().first?.labelNames.first)
            let records = try oip.classifyRecords()
            try #require(records.count == 2)
            for record in records {
                #expect(record.labelNames.first == expected, "OIP \(record.labelNames) vs classify \(expected)")
                let network = try #require(record["remote"] as? [String: Any], "\(record)")
                #expect(network["protocol"] as? String == "oip")
                // inferd's /v2 takes any size: the decoded, centre-cropped RGB image goes as UINT8 NHWC.
                let shape = network["tensor_shape"] as? [Int] ?? []
                #expect(shape.count == 4 && shape[0] == 1 && shape[3] == 3, "\(shape)")
                #expect(network["softmax_applied"] as? Bool == false, "inferd returns probabilities")
                #expect((network["remote_reported"] as? Double) != nil)
                #expect((record.milliseconds("client_decode") ?? 0) > 0)
                #expect(record.milliseconds("client_preprocess") != nil)
            }
            // With no local bundle the labels are indices, the ranking the same.
            let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-models-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: empty) }
            let indexOnly = try await InferctlProcess.run(["classify", "--json", "--socket", daemon.socketPath, "--remote-protocol", "oip",
                                                           "--models-dir", empty, "samples/chelsea.jpg"])
            #expect(indexOnly.status == 0, "\(indexOnly.stderr)")
            #expect(try indexOnly.classifyRecords().first?.labelNames.first?.hasPrefix("class ") == true, "\(indexOnly.stdout.prefix(400))")
            #expect(try await daemon.stop() == 0)
        }

        @Test func libraryFallsBackToOIPOnlyForAMissingRoute() {
            let route = ClientError(.requestFailed, "404", endpoint: "http://x:1", status: 404, body: nil)
            let tritonStyle = ClientError(.requestFailed, "404", endpoint: "http://x:1", status: 404, body: ErrorBody(error: "Not Found"))
            let unknownModel = ClientError(.requestFailed, "404", endpoint: "http://x:1", status: 404,
                                           body: ErrorBody(error: "no model", code: .unknownModel))
            let badImage = ClientError(.requestFailed, "400", endpoint: "http://x:1", status: 400, body: nil)
            #expect(RemoteClassifier.isMissingRoute(route))
            #expect(RemoteClassifier.isMissingRoute(tritonStyle))
            #expect(!RemoteClassifier.isMissingRoute(unknownModel), "an unknown model on an inferd is the answer, not a reason to switch")
            #expect(!RemoteClassifier.isMissingRoute(badImage))
            #expect(RemoteClassifier.probabilities([0.25, 0.75]).1 == false)
            let (scores, applied) = RemoteClassifier.probabilities([2, 1, 0])
            #expect(applied && abs(scores.reduce(0, +) - 1) < 1e-5 && scores[0] > scores[1])
        }
    }
}

/// `--remote` errors that need no daemon.
@Suite struct RemoteOptionTests {
    @Test func nothingListeningExitsThreeNamingTheURL() async throws {
        let run = try await InferctlProcess.run(["classify", "--remote", "http://127.0.0.1:1", "samples/chelsea.jpg"])
        #expect(run.status == 3, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("http://127.0.0.1:1"), "\(run.stderr)")
        #expect(run.stderr.contains("refused"), "\(run.stderr)")
        #expect(!run.stderr.contains("--socket"), "a remote is not started with --socket: \(run.stderr)")
        let status = try await InferctlProcess.run(["status"], environment: ["INFERD_REMOTE": "http://127.0.0.1:1"])
        #expect(status.status == 3, "\(status.stderr)")
    }

    @Test func httpsAndPathsAreUsageErrors() async throws {
        let https = try await InferctlProcess.run(["classify", "--remote", "https://127.0.0.1:8443", "samples/chelsea.jpg"])
        #expect(https.status == 2, "\(https.stderr)")
        #expect(https.stderr.contains("TLS"), "\(https.stderr)")
        let path = try await InferctlProcess.run(["models", "--remote", "http://127.0.0.1:8080/v2/models"])
        #expect(path.status == 2, "\(path.stderr)")
        let both = try await InferctlProcess.run(["status", "--remote", "http://127.0.0.1:8080", "--socket", "/tmp/x.sock"])
        #expect(both.status == 2, "\(both.stderr)")
        let noToken = try await InferctlProcess.run(["status", "--remote", "http://127.0.0.1:8080", "--token-file", "/nonexistent/token"])
        #expect(noToken.status == 2, "\(noToken.stderr)")
        let inProcess = try await InferctlProcess.run(["classify", "--in-process", "--remote", "http://127.0.0.1:8080", "samples/chelsea.jpg"])
        #expect(inProcess.status == 2, "\(inProcess.stderr)")
    }
}
