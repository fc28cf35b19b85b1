import Core
import Foundation
import InferdWire
import Testing

extension DaemonTests {
    /// The real daemon's throughput companion: overlapping requests on a model compiled with the
    /// latency hint bring a second compiled form with the throughput hint, which serves them and is
    /// charged against the budget; no room under the budget, or the switch off, means none.
    @Suite struct AdaptiveStreams {
        let queue = InferenceQueue()

        /// Bursts of overlapping requests (bounded) until `done` holds for squeezenet's summary.
        func burstUntil(_ socket: String, _ done: (ModelSummary) -> Bool) async throws -> (ModelSummary, [Int]) {
            var statuses: [Int] = []
            var summary = try await RawHTTP.get(socket: socket, "/v1/models/squeezenet").json(ModelSummary.self)
            for _ in 0..<40 where !done(summary) {
                statuses += try await queue.burst(socket, count: 12, side: 224).map(\.status)
                summary = try await RawHTTP.get(socket: socket, "/v1/models/squeezenet").json(ModelSummary.self)
            }
            return (summary, statuses)
        }

        @Test func overlappingRequestsRunOnACompanionTheBudgetPaysFor() async throws {
            let daemon = try await DaemonProcess.start(arguments: ["--preload", "squeezenet", "--performance-hint", "latency"])
            let socket = daemon.socketPath
            let before = try await RawHTTP.get(socket: socket, "/v1/models/squeezenet").json(ModelSummary.self)
            #expect(before.inference?.companion == "absent")
            #expect(before.companionBytes == nil)
            let (summary, statuses) = try await burstUntil(socket) { ($0.inference?.companionInferences ?? 0) > 0 }
            #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses)")
            let inference = try #require(summary.inference)
            #expect(inference.companionInferences > 0, "\(inference)")
            #expect(summary.companionBuilds == 1)
            // Released only when idle for its keep time (30 s), under pressure or for room: still here.
            #expect(inference.companion == "ready")
            let companionBytes = try #require(summary.companionBytes)
            #expect(companionBytes > 0)
            let status = try await RawHTTP.get(socket: socket, "/v1/status").json(StatusResponse.self)
            #expect(status.usedBytes == summary.bytes + companionBytes)
            // The model's performance hint is still the one it was loaded with.
            #expect(summary.performanceHint == "latency")
            let metrics = try await Metrics.scrape(socket)
            #expect(metrics["inferd_model_companion_bytes", ["model": "squeezenet"]] == Double(companionBytes))
            #expect(metrics["inferd_model_companion_builds_total", ["model": "squeezenet"]] == 1)
            let table = try await InferctlProcess.run(["models", "--socket", socket])
            #expect(table.stdout.contains("+companion"), "\(table.stdout)")
            // A trim gives the companion back before any model.
            let trimmed = try await RawHTTP.send(socket: socket, method: "POST", path: "/v1/trim?level=moderate")
            #expect(trimmed.status == 200)
            let after = try await RawHTTP.get(socket: socket, "/v1/models/squeezenet").json(ModelSummary.self)
            #expect(after.companionBytes == nil)
            #expect(after.inference?.companion == "absent")
            #expect(try await daemon.stop() == 0)
        }

        @Test func noRoomUnderTheBudgetMeansNoCompanionAndEveryRequestServed() async throws {
            // File accounting charges squeezenet its file size x 1.5 and its companion as much again:
            // a budget of 1.7 charges holds the model and not the companion.
            let fileBytes = try #require(try FileManager.default.attributesOfItem(
                atPath: DaemonProcess.modelsDirectory + "/squeezenet/model.onnx")[.size] as? Int)
            let budget = Int(Double(fileBytes) * 1.5 * 1.7)
            let daemon = try await DaemonProcess.start(arguments: [
                "--preload", "squeezenet", "--size-accounting", "file", "--memory-budget", "\(budget)",
            ])
            let socket = daemon.socketPath
            var statuses: [Int] = []
            for _ in 0..<6 { statuses += try await queue.burst(socket, count: 12, side: 224).map(\.status) }
            #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses)")
            let summary = try await RawHTTP.get(socket: socket, "/v1/models/squeezenet").json(ModelSummary.self)
            #expect(summary.state == .warm)
            #expect(summary.companionBuilds == 0)
            #expect(summary.companionBytes == nil)
            #expect(summary.inference?.companionInferences == 0)
            #expect((summary.inference?.peakInFlight ?? 0) >= 2)
            #expect(try await daemon.stop() == 0)
            #expect(daemon.stderrLog.contains("no companion for squeezenet"), "\(daemon.stderrLog.suffix(2000))")
        }

        @Test func switchedOffOrCompiledForThroughputMeansNoCompanion() async throws {
            let daemon = try await DaemonProcess.start(arguments: [
                "--preload", "squeezenet,efficientnet-lite0", "--adaptive-streams", "off",
                "--model-performance-hint", "efficientnet-lite0=throughput",
            ])
            let socket = daemon.socketPath
            let statuses = try await queue.burst(socket, count: 12, side: 224).map(\.status)
            #expect(statuses.allSatisfy { $0 == 200 })
            for name in ["squeezenet", "efficientnet-lite0"] {
                let summary = try await RawHTTP.get(socket: socket, "/v1/models/\(name)").json(ModelSummary.self)
                #expect(summary.inference?.companion == nil, "\(name)")
                #expect(summary.companionBuilds == 0)
            }
            #expect(try await daemon.stop() == 0)
        }
    }
}
