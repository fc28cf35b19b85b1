import Core
import Foundation
import InferdStudy
import Testing

/// The simulator against independent references (libCacheSim, cachetools, a textbook GDSF) on generated
/// traces: the same loads, so the agreement the policy study rests on cannot silently regress.
@Suite struct PolicyCrossCheckTests {
    /// `.deps/python-policy` (scripts/setup.sh installs libcachesim and cachetools there).
    static let pythonPath = ProcessInfo.processInfo.environment["INFERD_POLICY_PYTHONPATH"] ?? DaemonProcess.packageRoot + "/.deps/python-policy"

    struct References: Decodable {
        var lru_libcachesim: Int
        var lru_cachetools: Int
        var ttl_cachetools: Int
        var belady_libcachesim: Int
        var gdsf_reference: Int
    }

    struct Case: Sendable, CustomStringConvertible {
        var seed: UInt64
        var models: Int
        var zipf: Double
        var arrivals: TraceGenerator.Arrivals
        var description: String { "seed \(seed), \(models) models, zipf \(zipf), \(arrivals)" }
    }

    static let cases = [
        Case(seed: 1, models: 4, zipf: 0.6, arrivals: .poisson(rate: 5)),
        Case(seed: 2, models: 8, zipf: 1.0, arrivals: .bursty(rate: 10, on: 5, off: 10)),
        Case(seed: 3, models: 12, zipf: 1.2, arrivals: .diurnal(meanRate: 4, amplitude: 0.8, period: 120)),
        Case(seed: 4, models: 20, zipf: 1.4, arrivals: .poisson(rate: 8)),
        Case(seed: 5, models: 16, zipf: 0.8, arrivals: .bursty(rate: 6, on: 3, off: 3)),
    ]

    @Test(arguments: cases)
    func theSimulatorCountsTheSameLoadsAsTheReferences(_ testCase: Case) async throws {
        let names = (0..<testCase.models).map { "m\($0)" }
        var random = SeededRandom(seed: testCase.seed)
        // Mixed sizes (1-40 MiB) for LRU, keep-alive and GDSF; GDSF costs 0.001-0.02 ms so loads take no
        // time that matters (with --speed 0.0001 requests are far apart).
        let sizes = Dictionary(uniqueKeysWithValues: names.map { ($0, Int64.random(in: 1...40, using: &random) * 1_048_576) })
        let costs = Dictionary(uniqueKeysWithValues: names.map { ($0, Double.random(in: 0.001...0.02, using: &random)) })
        let trace = TraceGenerator(models: names, popularity: .zipf(exponent: testCase.zipf), arrivals: testCase.arrivals, seed: testCase.seed)
            .generate(duration: 300)
        let total = sizes.values.reduce(0, +)
        let budget = max(sizes.values.max()!, total * 2 / 5)
        let keepAlive = 20.0

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-xcheck-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try trace.csv().write(toFile: directory + "/trace.csv", atomically: true, encoding: .utf8)
        let spec = try JSONSerialization.data(withJSONObject: ["sizes": sizes, "costs": costs])
        try spec.write(to: URL(fileURLWithPath: directory + "/sizes.json"))
        let run = try await Command.run(["python3", DaemonProcess.packageRoot + "/scripts/tests/policy_reference.py",
                                         directory + "/trace.csv", directory + "/sizes.json", "\(budget)", "\(keepAlive)"],
                                        environment: ["PYTHONPATH": Self.pythonPath], timeout: 300)
        let references = try #require(try? JSONDecoder().decode(References.self, from: Data(run.stdout.utf8)),
                                      "status \(run.status): \(run.stdout)\n\(run.stderr)")

        // The rules off (guard and recent window 0), answers taking no time: the classic cache model.
        func simulate(_ policy: SimulatedPolicy, sizes: [String: Int64], speed: Double = 1) throws -> SimulationResult {
            let profile = ModelProfile(models: Dictionary(uniqueKeysWithValues: names.map {
                ($0, ModelProfile.Costs(bytes: sizes[$0]!, loadMilliseconds: speed == 1 ? 0 : costs[$0]!, computeMilliseconds: 0))
            }))
            let configuration = LifecycleConfiguration(budget: MemoryBudget(bytes: budget, source: "test"), recentWindow: 0, minimumResidency: 0)
            return try Simulator(profile: profile, configuration: configuration, options: SimulationOptions(speed: speed)).run(trace, policy: policy)
        }
        let lru = try simulate(.lifecycle(.lru, keepAlive: nil), sizes: sizes)
        let keepAliveRun = try simulate(.lifecycle(.ttl, keepAlive: keepAlive), sizes: sizes)
        let gdsf = try simulate(.lifecycle(.gdsf, keepAlive: nil), sizes: sizes, speed: 0.0001)
        let curves = MissRatioCurves(trace: trace, sizes: sizes)
        print("cross-check \(testCase): \(trace.events.count) requests, LRU \(lru.loads) (libCacheSim \(references.lru_libcachesim), cachetools \(references.lru_cachetools)), keep-alive \(keepAliveRun.loads) (\(references.ttl_cachetools)), GDSF \(gdsf.loads) (\(references.gdsf_reference))")
        #expect(trace.events.count > 500)
        #expect(lru.loads == references.lru_libcachesim)
        #expect(lru.loads == references.lru_cachetools)
        #expect(lru.warmAnswers == curves.lruHits(budget: budget), "stack-distance curve")
        #expect(keepAliveRun.loads == references.ttl_cachetools)
        #expect(gdsf.loads == references.gdsf_reference)
        #expect(lru.warmAnswers <= curves.hitBound(budget: budget))

        // Belady on equal sizes, where it is the optimum.
        let equal = Dictionary(uniqueKeysWithValues: names.map { ($0, Int64(10 * 1_048_576)) })
        let equalBudget = Int64(max(1, testCase.models / 3)) * 10 * 1_048_576
        try JSONSerialization.data(withJSONObject: ["sizes": equal, "costs": costs]).write(to: URL(fileURLWithPath: directory + "/sizes.json"))
        let equalRun = try await Command.run(["python3", DaemonProcess.packageRoot + "/scripts/tests/policy_reference.py",
                                              directory + "/trace.csv", directory + "/sizes.json", "\(equalBudget)", "\(keepAlive)"],
                                             environment: ["PYTHONPATH": Self.pythonPath], timeout: 300)
        let equalReferences = try #require(try? JSONDecoder().decode(References.self, from: Data(equalRun.stdout.utf8)), "\(equalRun.stderr)")
        let profile = ModelProfile(models: equal.mapValues { ModelProfile.Costs(bytes: $0, loadMilliseconds: 0, computeMilliseconds: 0) })
        let configuration = LifecycleConfiguration(budget: MemoryBudget(bytes: equalBudget, source: "test"), recentWindow: 0, minimumResidency: 0)
        let oracle = try Simulator(profile: profile, configuration: configuration).run(trace, policy: .oracle)
        #expect(oracle.loads == equalReferences.belady_libcachesim)
    }
}
