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
        #expect(result.coldStarts == 4 && result.hits == 0)
        #expect(result.evictions["budget"] == 2)
        // Memory held: 100 B for 1 s, then 200 B for 2 s = 500 byte-seconds.
        #expect(result.byteSeconds == 500)
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
        let simulated = try Simulator(profile: profile(sizes), configuration: configuration(budget: budget) { $0.recentWindow = 5 })
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
        #expect(simulated.coldStarts == cold, "simulated \(simulated.coldStarts), manager \(cold)")
        #expect(simulated.evictions["budget"] == (await manager.status().counters.evictions["budget"]))
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
                #expect(oracle.coldStarts <= other.coldStarts, "seed \(seed): oracle \(oracle.coldStarts) > \(policy) \(other.coldStarts)")
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
        #expect(prewarm.hits >= 33, "\(prewarm)")
        #expect(prewarm.byteSeconds < forever.byteSeconds * 0.5)
        let keepAlive30 = try simulator.run(trace, policy: .lifecycle(.ttl, keepAlive: 30))
        #expect(keepAlive30.hits == 0)
    }

    @Test func keepAliveZeroAndManualAndRefusals() throws {
        let trace = Trace(events: [TraceEvent(time: 0, model: "a"), TraceEvent(time: 1, model: "a"), TraceEvent(time: 2, model: "huge")])
        let simulator = Simulator(profile: profile(["a": 10, "huge": 10_000]), configuration: configuration(budget: 100))
        let zero = try simulator.run(trace, policy: .lifecycle(.ttl, keepAlive: 0))
        #expect(zero.coldStarts == 2 && zero.refused == 1)
        #expect(throws: TraceError.self) { try simulator.run(Trace(events: [TraceEvent(time: 0, model: "unknown")]), policy: .oracle) }
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
