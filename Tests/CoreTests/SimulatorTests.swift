import Core
import Foundation
import InferdStudy
import Testing

@Suite struct SimulatorTests {
    func profile(_ sizes: [String: Int64], load: Double = 100, compute: Double = 5) -> ModelProfile {
        ModelProfile(models: sizes.mapValues { ModelProfile.Costs(bytes: $0, loadMilliseconds: load, computeMilliseconds: compute) })
    }

    func configuration(budget: Int64, _ adjust: (inout LifecycleConfiguration) -> Void = { _ in }) -> LifecycleConfiguration {
        var configuration = LifecycleConfiguration(budget: MemoryBudget(bytes: budget, source: "test"), minimumResidency: 0)
        adjust(&configuration)
        return configuration
    }

    @Test func aHandWorkedLRUTrace() throws {
        let trace = Trace(events: ["a", "b", "c", "a"].enumerated().map { TraceEvent(time: Double($0.offset), model: $0.element) })
        let result = try Simulator(profile: profile(["a": 100, "b": 100, "c": 100]), configuration: configuration(budget: 200))
            .run(trace, policy: .lifecycle(.lru, keepAlive: nil))
        #expect(result.loads == 4 && result.warmAnswers == 0)
        #expect(result.evictions["budget"] == 2)
        // Memory held: 100 B for 1 s, then 200 B for 2 s = 500 byte-seconds.
        #expect(result.byteSeconds == 500)
        #expect(result.coldAnswers == 4 && result.byteMissRatio == 1)
        #expect(result.meanLatencyMilliseconds == 105)
    }

    /// The simulator and the daemon's ModelManager, driven through the same seeded trace on the same
    /// virtual clock, take the same decisions.
    @Test(arguments: [EvictionPolicyKind.lru, .lfu, .gdsf])
    func theSimulatorAgreesWithTheManager(kind: EvictionPolicyKind) async throws {
        let names = (0..<6).map { "m\($0)" }
        let sizes = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, Int64(100 + 20 * $0.offset)) })
        let trace = TraceGenerator(models: names, popularity: .zipf(exponent: 1.0), arrivals: .poisson(rate: 2), seed: 7)
            .generate(duration: 200)
        let budget: Int64 = 400
        // Loads of 100 ms (the GDSF cost, as the fake loader reports) on a trace stretched 1000x (speed
        // 0.001), answers taking no time: the manager's requests, also instantaneous on its fake clock.
        let simulated = try Simulator(profile: profile(sizes, compute: 0), configuration: configuration(budget: budget) { $0.recentWindow = 5 },
                                      options: SimulationOptions(speed: 0.001))
            .run(trace, policy: .lifecycle(kind, keepAlive: nil))

        let loader = FakeLoader(sizes: sizes, costs: Dictionary(uniqueKeysWithValues: names.map { ($0, 100.0) }))
        let (manager, _, clock) = makeManager(files: sizes, budget: budget, policy: kind,
                                              configure: { $0.recentWindow = 5 }, loader: loader)
        var cold = 0
        for event in trace.events {
            clock.set(event.time)
            if try await manager.request(event.model) { cold += 1 }
        }
        #expect(trace.events.count > 300)
        #expect(simulated.loads == cold, "simulated \(simulated.loads), manager \(cold)")
        #expect(simulated.evictions["budget"] == (await manager.status().counters.evictions["budget"]))
    }

    /// With concurrency, loads take time: requests arriving during a load wait for it (cold answers, not
    /// loads), answers queue on the compute servers, and a replay's slots hold requests back.
    @Test func requestsDuringALoadWaitForIt() throws {
        let trace = Trace(events: [0, 0.05, 0.08, 1.0].map { TraceEvent(time: $0, model: "a") })
        let simulator = Simulator(profile: profile(["a": 100], load: 100, compute: 10), configuration: configuration(budget: 200),
                                  options: SimulationOptions(concurrency: 4))
        let result = try simulator.run(trace, policy: .lifecycle(.lru, keepAlive: nil))
        #expect(result.loads == 1 && result.coldAnswers == 3 && result.warmAnswers == 1)
        // One server: the three answers finish at 110, 120 and 130 ms; the first, sent at 0, waited longest.
        #expect(abs(result.p99LatencyMilliseconds - 110) < 1, "\(result.p99LatencyMilliseconds)")
        let classic = try Simulator(profile: profile(["a": 100], load: 100, compute: 10), configuration: configuration(budget: 200))
            .run(trace, policy: .lifecycle(.lru, keepAlive: nil))
        #expect(classic.loads == 1 && classic.coldAnswers == 1 && classic.warmAnswers == 3)
        let serial = try Simulator(profile: profile(["a": 100], load: 100, compute: 10), configuration: configuration(budget: 200),
                                   options: SimulationOptions(concurrency: 1)).run(trace, policy: .lifecycle(.lru, keepAlive: nil))
        #expect(serial.loads == 1 && serial.coldAnswers == 1 && serial.warmAnswers == 3)
    }

    @Test func theOracleIsNeverWorseOnEqualSizes() throws {
        let names = (0..<8).map { "m\($0)" }
        let sizes = Dictionary(uniqueKeysWithValues: names.map { ($0, Int64(100)) })
        for seed in UInt64(1)...30 {
            let trace = TraceGenerator(models: names, popularity: .zipf(exponent: 0.8), arrivals: .poisson(rate: 1), seed: seed)
                .generate(duration: 150)
            let simulator = Simulator(profile: profile(sizes), configuration: configuration(budget: Int64(100 * (2 + seed % 4))))
            let oracle = try simulator.run(trace, policy: .oracle)
            for policy in ["lru", "lfu", "gdsf", "ttl:5", "prewarm"] {
                let other = try simulator.run(trace, policy: try SimulatedPolicy.parse(policy))
                #expect(oracle.loads <= other.loads, "seed \(seed): oracle \(oracle.loads) > \(policy) \(other.loads)")
            }
        }
    }

    @Test func prewarmLearnsAPeriodicModel() throws {
        // One model every 100 s: after the histogram has enough gaps, the policy unloads it between
        // requests and pre-warms it just before the next one.
        let trace = Trace(events: (0..<40).map { TraceEvent(time: Double($0) * 100, model: "a") })
        let simulator = Simulator(profile: profile(["a": 1000], load: 500), configuration: configuration(budget: 10_000))
        let prewarm = try simulator.run(trace, policy: .prewarm(PrewarmSettings()))
        let forever = try simulator.run(trace, policy: .lifecycle(.lru, keepAlive: nil))
        #expect(prewarm.prewarmLoads > 25)
        #expect(prewarm.warmAnswers >= 33, "\(prewarm)")
        #expect(prewarm.byteSeconds < forever.byteSeconds * 0.5)
        let keepAlive30 = try simulator.run(trace, policy: .lifecycle(.ttl, keepAlive: 30))
        #expect(keepAlive30.warmAnswers == 0)
    }

    @Test func keepAliveZeroAndManualAndRefusals() throws {
        let trace = Trace(events: [TraceEvent(time: 0, model: "a"), TraceEvent(time: 1, model: "a"), TraceEvent(time: 2, model: "huge")])
        let simulator = Simulator(profile: profile(["a": 10, "huge": 10_000]), configuration: configuration(budget: 100))
        let zero = try simulator.run(trace, policy: .lifecycle(.ttl, keepAlive: 0))
        #expect(zero.loads == 2 && zero.refused == 1)
        #expect(throws: TraceError.self) { try simulator.run(Trace(events: [TraceEvent(time: 0, model: "unknown")]), policy: .oracle) }
    }
}

/// The defaults (recent window 60 s, churn guard off) against the plain policies, on traces of several
/// shapes: never a refusal the plain policy would not make, never more than a few percent more loads,
/// and the policies still told apart. A 5 s churn guard never refuses either.
@Suite struct DefaultRulesTests {
    @Test(arguments: [(UInt64(1), 6, 0.6), (2, 10, 1.0), (3, 20, 1.4), (4, 4, 0.8)])
    func defaultsProtectWithoutRefusing(seed: UInt64, models: Int, zipf: Double) throws {
        let names = (0..<models).map { "m\($0)" }
        var random = SeededRandom(seed: seed)
        let sizes = Dictionary(uniqueKeysWithValues: names.map { ($0, Int64.random(in: 10...80, using: &random) * 1_048_576) })
        let profile = ModelProfile(models: sizes.mapValues { ModelProfile.Costs(bytes: $0, loadMilliseconds: 200, computeMilliseconds: 10) })
        let arrivals: [TraceGenerator.Arrivals] = [.poisson(rate: 4), .bursty(rate: 12, on: 5, off: 15), .diurnal(meanRate: 3, amplitude: 0.8, period: 300)]
        for shape in arrivals {
            let trace = TraceGenerator(models: names, popularity: .zipf(exponent: zipf), arrivals: shape, seed: seed).generate(duration: 600)
            let total = sizes.values.reduce(0, +)
            for share in [0.4, 0.6] {
                let budget = MemoryBudget(bytes: max(sizes.values.max()!, Int64(Double(total) * share)), source: "test")
                var loads: [String: Int] = [:]
                for kind in [EvictionPolicyKind.lru, .lfu, .gdsf] {
                    let plain = try Simulator(profile: profile, configuration: LifecycleConfiguration(budget: budget, recentWindow: 0, minimumResidency: 0))
                        .run(trace, policy: .lifecycle(kind, keepAlive: nil))
                    let defaults = try Simulator(profile: profile, configuration: LifecycleConfiguration(budget: budget))
                        .run(trace, policy: .lifecycle(kind, keepAlive: nil))
                    #expect(defaults.refused <= plain.refused, "\(kind) \(shape): defaults refused \(defaults.refused), plain \(plain.refused)")
                    let guarded = try Simulator(profile: profile, configuration: LifecycleConfiguration(budget: budget, minimumResidency: 5))
                        .run(trace, policy: .lifecycle(kind, keepAlive: nil))
                    #expect(guarded.refused <= plain.refused, "\(kind) \(shape): a 5 s guard refused \(guarded.refused), plain \(plain.refused)")
                    // What the guard costs as an ordering (docs/LIFECYCLE.md quotes the range).
                    let cost = String(format: "%+.1f", (Double(guarded.loads) / Double(max(plain.loads, 1)) - 1) * 100)
                    print("guard cost: seed \(seed), \(models) models, zipf \(zipf), \(shape), share \(share), \(kind): 5 s guard \(cost) % loads against plain")
                    #expect(Double(defaults.loads) <= Double(plain.loads) * 1.05 + 3, "\(kind) \(shape) \(share): defaults \(defaults.loads) loads, plain \(plain.loads)")
                    loads[kind.rawValue] = defaults.loads
                }
                if share == 0.4, models >= 6 {
                    #expect(Set(loads.values).count > 1, "lru, lfu and gdsf told apart: \(loads)")
                }
            }
        }
    }
}

@Suite struct RoomMakerTests {
    let rules = LifecycleRules(configuration: LifecycleConfiguration(budget: MemoryBudget(bytes: 300, source: "test"), minimumResidency: 5))

    func model(_ name: String, lastUsed: Double, loadedAt: Double, sequence: UInt64, inFlight: Int = 0) -> ResidentState {
        ResidentState(name: name, bytes: 100, loadCost: 10, inFlight: inFlight, lastUsed: lastUsed, loadedAt: loadedAt, lastAccess: sequence)
    }

    @Test func justEnoughVictimsInPolicyOrderGuardedLast() {
        let maker = RoomMaker(rules: rules)
        let residents = [model("young", lastUsed: 10, loadedAt: 9, sequence: 1), model("old", lastUsed: 10, loadedAt: 0, sequence: 2),
                         model("older", lastUsed: 10, loadedAt: 0, sequence: 3)]
        let need = RoomMaker.Need(bytes: 100, certainBytes: 100, certainIsCharge: true)
        // Equal clock readings: request order decides (old before older), the guarded model last.
        #expect(maker.decide(for: "new", need: need, usedBytes: 300, residents: residents, policy: LRUPolicy(), now: 11) == .load(evicting: ["old"]))
        let big = RoomMaker.Need(bytes: 300, certainBytes: 300, certainIsCharge: true)
        #expect(maker.decide(for: "new", need: big, usedBytes: 300, residents: residents, policy: LRUPolicy(), now: 11)
                == .load(evicting: ["old", "older", "young"]))
        #expect(maker.decide(for: "new", need: RoomMaker.Need(bytes: 400, certainBytes: 301, certainIsCharge: false), usedBytes: 0,
                             residents: [], policy: LRUPolicy(), now: 0) == .neverFits(certainBytes: 301))
        let busy = [model("busy", lastUsed: 0, loadedAt: 0, sequence: 1, inFlight: 1), model("idle", lastUsed: 0, loadedAt: 0, sequence: 2)]
        #expect(maker.decide(for: "new", need: big, usedBytes: 300, residents: busy + [model("x", lastUsed: 0, loadedAt: 0, sequence: 3)],
                             policy: LRUPolicy(), now: 11) == .blocked(evicting: ["idle", "x"]))
        #expect(maker.decide(for: "new", need: need, usedBytes: 300, residents: residents, policy: ManualPolicy(), now: 11) == .noRoomManual)
    }

    @Test func sizeSamplesRejectCorruptMeasurements() {
        var samples = SizeSamples()
        #expect(samples.add(0, fileBytes: 1000) != nil)
        #expect(samples.add(-5, fileBytes: 1000) != nil)
        #expect(samples.add(100, fileBytes: 1000) != nil)
        #expect(samples.median == nil)
        #expect(samples.add(1500, fileBytes: 1000) == nil)
        #expect(samples.add(1400, fileBytes: 1000) == nil)
        #expect(samples.add(0, fileBytes: 1000) != nil)
        #expect(samples.median == 1500)
    }

    @Test func stackDistancesGiveLRUAtEveryBudget() throws {
        let names = (0..<6).map { "m\($0)" }
        let sizes = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, Int64(50 + 30 * $0.offset)) })
        let trace = TraceGenerator(models: names, popularity: .zipf(exponent: 0.9), arrivals: .poisson(rate: 2), seed: 9).generate(duration: 300)
        let curves = MissRatioCurves(trace: trace, sizes: sizes)
        let profile = ModelProfile(models: sizes.mapValues { ModelProfile.Costs(bytes: $0, loadMilliseconds: 0, computeMilliseconds: 0) })
        for budget in stride(from: Int64(200), through: 800, by: 100) {
            let configuration = LifecycleConfiguration(budget: MemoryBudget(bytes: budget, source: "test"), recentWindow: 0, minimumResidency: 0)
            let simulator = Simulator(profile: profile, configuration: configuration)
            let lru = try simulator.run(trace, policy: .lifecycle(.lru, keepAlive: nil))
            #expect(lru.warmAnswers == curves.lruHits(budget: budget), "budget \(budget)")
            for policy in ["lfu", "gdsf", "oracle"] {
                #expect(try simulator.run(trace, policy: SimulatedPolicy.parse(policy)).warmAnswers <= curves.hitBound(budget: budget))
            }
        }
    }
}

@Suite struct TraceTests {
    @Test func csvAndJSONLinesRoundTrip() throws {
        let trace = Trace(events: [TraceEvent(time: 0.5, model: "a", image: "x.jpg"), TraceEvent(time: 1.25, model: "b")])
        #expect(try Trace.parse(trace.csv(), jsonLines: false) == trace)
        #expect(try Trace.parse(trace.jsonLines(), jsonLines: true) == trace)
        #expect(try Trace.parse("2,b\n1,a\n", jsonLines: false).events.map(\.model) == ["a", "b"])
    }

    @Test func badLinesNameTheLine() {
        do {
            _ = try Trace.parse("time,model\n1,a\nx,b\n", jsonLines: false)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("line 3"))
        }
        #expect(throws: TraceError.self) { try Trace.parse("{\"time\": \"soon\"}", jsonLines: true) }
        #expect(throws: TraceError.self) { try Trace.parse("-1,a", jsonLines: false) }
    }

    @Test func generatorsAreSeededAndShaped() {
        let models = ["a", "b", "c", "d"]
        let zipf = TraceGenerator(models: models, popularity: .zipf(exponent: 1.2), arrivals: .poisson(rate: 10), seed: 42)
        let trace = zipf.generate(duration: 600)
        #expect(trace == zipf.generate(duration: 600))
        #expect(trace != TraceGenerator(models: models, popularity: .zipf(exponent: 1.2), arrivals: .poisson(rate: 10), seed: 43).generate(duration: 600))
        let counts = models.map { name in trace.events.filter { $0.model == name }.count }
        #expect(counts == counts.sorted(by: >), "\(counts)")
        #expect(abs(Double(trace.events.count) - 6000) < 400)

        let bursty = TraceGenerator(models: models, popularity: .uniform, arrivals: .bursty(rate: 5, on: 10, off: 20), seed: 1)
            .generate(duration: 300)
        #expect(bursty.events.allSatisfy { $0.time.truncatingRemainder(dividingBy: 30) < 10 })

        let diurnal = TraceGenerator(models: models, popularity: .uniform, arrivals: .diurnal(meanRate: 5, amplitude: 0.9, period: 200), seed: 1)
            .generate(duration: 2000)
        let peak = diurnal.events.filter { $0.time.truncatingRemainder(dividingBy: 200) < 100 }.count
        #expect(peak > (diurnal.events.count - peak) * 2)
    }

    @Test func azureFunctionsCSVImports() throws {
        let csv = """
            HashOwner,HashApp,HashFunction,Trigger,1,2,3
            o1,a1,quiet,http,0,1,0
            o2,a2,busy,timer,5,0,2
            o3,a3,mid,queue,1,1,1
            """
        let trace = try AzureFunctionsTrace.importCSV(csv, models: ["x", "y"], maxFunctions: 3)
        #expect(trace.events.count == 11)
        // busiest (busy) -> x, then mid -> y, then quiet -> x.
        #expect(trace.events.filter { $0.model == "x" }.count == 8)
        #expect(trace.events.allSatisfy { $0.time >= 0 && $0.time < 180 })
        #expect(throws: TraceError.self) { try AzureFunctionsTrace.importCSV("a,b\n1,2", models: ["x"]) }
    }
}
