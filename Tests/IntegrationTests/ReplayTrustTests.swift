import Core
import Foundation
import InferdStudy
import Testing

extension DaemonTests {
    /// The simulator's prediction against the live daemon: one seeded trace replayed for real and
    /// simulated with the same sizes, budget and policy.
    @Suite struct ReplayTrust {
        @Test func simulatedColdStartsMatchTheLiveDaemonWithinTenPercent() async throws {
            let models = LifecycleDaemon.trio
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

            // Sizes charged as file size x 1.5 (`--size-accounting file`): measured resident sizes vary by
            // several MiB between loads, which would test the allocator rather than the policy. The budget
            // holds the two larger models but not all three.
            let catalog = try ModelCatalog.scan(DaemonProcess.modelsDirectory)
            let charged = Dictionary(uniqueKeysWithValues: models.map { ($0, Int64(Double(catalog[$0]!.fileBytes) * 1.5)) })
            let sorted = charged.values.sorted()
            let budget = sorted[1] + sorted[2] + sorted[0] / 2

            let daemon = try await DaemonProcess.start(arguments: [
                "--memory-budget", "\(budget)", "--policy", "lru", "--min-residency", "0", "--recent-window", "0",
                "--size-accounting", "file"])
            let replay = try await InferctlProcess.run([
                "replay", tracePath, "--socket", daemon.socketPath, "--speed", "2", "--concurrency", "1",
                "--image", DaemonProcess.sample("coffee.jpg"), "--json"])
            try #require(replay.status == 0, "\(replay.stdout)\n\(replay.stderr)")
            let result = try #require(try replay.json() as? [String: Any])
            let liveColdStarts = try #require(result["cold_starts"] as? Int)
            #expect(result["errors"] as? Int == 0)
            for summary in try await API.models(daemon) where models.contains(summary.name) && summary.state == .warm {
                #expect(summary.bytes == charged[summary.name])
            }
            #expect(try await daemon.stop() == 0)

            let profile = ModelProfile(models: charged.mapValues {
                ModelProfile.Costs(bytes: $0, loadMilliseconds: 100, computeMilliseconds: 5)
            })
            let configuration = LifecycleConfiguration(budget: MemoryBudget(bytes: budget, source: "test"),
                                                       recentWindow: 0, minimumResidency: 0)
            let simulated = try Simulator(profile: profile, configuration: configuration)
                .run(trace, policy: .lifecycle(.lru, keepAlive: nil))
            let gap = abs(Double(simulated.coldStarts - liveColdStarts)) / Double(max(liveColdStarts, 1))
            print("replay trust: \(trace.events.count) requests, live cold starts \(liveColdStarts), simulated \(simulated.coldStarts), gap \(String(format: "%.1f", gap * 100)) %")
            #expect(simulated.evictions["budget", default: 0] > 5, "the budget must actually bind")
            #expect(gap <= 0.10, "live \(liveColdStarts), simulated \(simulated.coldStarts)")
        }
    }
}
