import Core
import Foundation
import Testing

extension DaemonTests {
    /// The simulator's prediction against the live daemon: one seeded trace replayed for real and
    /// simulated with the daemon's measured profile.
    @Suite struct ReplayTrust {
        @Test func simulatedColdStartsMatchTheLiveDaemonWithinTenPercent() async throws {
            // Two models that never fit together, whatever the allocator does to their measured sizes
            // (nin measures 32-46 MiB, efficientnet-lite0 29-39 MiB here): every switch is a cold start.
            let models = ["nin", "efficientnet-lite0"]
            let probe = try await DaemonProcess.start(arguments: ["--memory-budget", "2G"])
            let sizes = try await LifecycleDaemon.measureSizes(probe, models)
            var loadMs: [String: Double] = [:]
            for summary in try await API.models(probe) where models.contains(summary.name) {
                loadMs[summary.name] = summary.lastLoadMilliseconds ?? 0
            }
            #expect(try await probe.stop() == 0)
            // 1.2 x the largest size seen: each model fits alone, the two never together.
            let budget = models.map { sizes[$0]! }.max()! * 6 / 5

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-trust-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let tracePath = directory + "/trace.csv"
            let generated = try await InferctlProcess.run([
                "trace", "generate", "--models", models.joined(separator: ","), "--popularity", "zipf:0.8",
                "--arrivals", "poisson:4", "--duration", "20", "--seed", "11", "--output", tracePath])
            try #require(generated.status == 0, "\(generated.stderr)")
            let trace = try Trace.load(tracePath)
            try #require(trace.events.count > 40)

            let daemon = try await DaemonProcess.start(arguments: [
                "--memory-budget", "\(budget)", "--policy", "lru", "--min-residency", "0", "--recent-window", "0"])
            _ = try await LifecycleDaemon.measureSizes(daemon, models)
            let replay = try await InferctlProcess.run([
                "replay", tracePath, "--socket", daemon.socketPath, "--speed", "2", "--concurrency", "1",
                "--image", DaemonProcess.sample("coffee.jpg"), "--json"])
            try #require(replay.status == 0, "\(replay.stdout)\n\(replay.stderr)")
            let result = try #require(try replay.json() as? [String: Any])
            let liveColdStarts = try #require(result["cold_starts"] as? Int)
            #expect(result["errors"] as? Int == 0)
            #expect(try await daemon.stop() == 0)

            let profile = ModelProfile(models: Dictionary(uniqueKeysWithValues: models.map {
                ($0, ModelProfile.Costs(bytes: sizes[$0]!, loadMilliseconds: loadMs[$0]!, computeMilliseconds: 5))
            }))
            let configuration = LifecycleConfiguration(budget: MemoryBudget(bytes: budget, source: "test"),
                                                       recentWindow: 0, minimumResidency: 0)
            let simulated = try Simulator(profile: profile, configuration: configuration)
                .run(trace, policy: .lifecycle(.lru, keepAlive: nil))
            let gap = abs(Double(simulated.coldStarts - liveColdStarts)) / Double(max(liveColdStarts, 1))
            print("replay trust: \(trace.events.count) requests, live cold starts \(liveColdStarts), simulated \(simulated.coldStarts), gap \(String(format: "%.1f", gap * 100)) %")
            #expect(gap <= 0.10, "live \(liveColdStarts), simulated \(simulated.coldStarts)")
        }
    }
}
