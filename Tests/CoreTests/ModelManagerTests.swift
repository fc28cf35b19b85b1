import Core
import Foundation
import InferdWire
import Testing

/// The lifecycle manager on scripted traces with a fake clock, fake sizes and a fake loader.
@Suite struct ModelManagerTests {
    @Test func lruRoundRobinEvictsTheLeastRecentlyUsed() async throws {
        let (manager, loader, clock) = makeManager(files: ["a": 100, "b": 100, "c": 100], budget: 200)
        for name in ["a", "b", "c", "a"] {
            try await manager.request(name)
            clock.advance(1)
        }
        // c's load evicted a (LRU); a's reload evicted b.
        #expect(await manager.warmNames() == ["a", "c"])
        #expect(loader.loads == ["a", "b", "c", "a"])
        let status = await manager.status()
        #expect(status.counters.evictions["budget"] == 2)
        #expect(status.usedBytes <= 200)
    }

    @Test func lfuKeepsTheFrequentModel() async throws {
        let (manager, _, clock) = makeManager(files: ["a": 100, "b": 100, "c": 100], budget: 200, policy: .lfu)
        for name in ["a", "a", "a", "b", "c"] {
            try await manager.request(name)
            clock.advance(1)
        }
        // When c needed room: a had 3 requests, b 1 -> b goes, although a is older.
        #expect(await manager.warmNames() == ["a", "c"])
    }

    @Test func gdsfEvictsTheCheapLargeModelBeforeTheExpensiveSmallOne() async throws {
        let mib: Int64 = 1_048_576
        let loader = FakeLoader(sizes: ["big": 100 * mib, "small": 50 * mib, "new": 60 * mib],
                                costs: ["big": 10, "small": 100, "new": 10])
        let (manager, _, clock) = makeManager(files: ["big": 100 * mib, "small": 50 * mib, "new": 60 * mib],
                                              budget: 160 * mib, policy: .gdsf, loader: loader)
        try await manager.request("small"); clock.advance(1)
        try await manager.request("big"); clock.advance(1)
        try await manager.request("new")
        // LRU would have evicted "small" (older); GDSF evicts "big" (10 ms / 100 MiB).
        #expect(await manager.warmNames() == ["new", "small"])
    }

    @Test func keepAliveExpiresIdleModels() async throws {
        let (manager, _, clock) = makeManager(files: ["a": 10, "b": 10, "c": 10], budget: 1000, policy: .ttl)
        _ = try await manager.setKeepAlive("a", seconds: 10)
        _ = try await manager.setKeepAlive("b", seconds: -1)
        try await manager.request("a")
        try await manager.request("b")
        try await manager.request("c")   // ttl policy default: 300 s
        let until = try await manager.summary("a").expiresAt
        #expect(until != nil)
        clock.advance(9)
        await manager.tick()
        #expect(await manager.warmNames() == ["a", "b", "c"])
        clock.advance(2)
        await manager.tick()
        #expect(await manager.warmNames() == ["b", "c"])
        clock.advance(300)
        await manager.tick()
        #expect(await manager.warmNames() == ["b"])
        #expect(await manager.status().counters.evictions["ttl"] == 2)
    }

    @Test func keepAliveZeroUnloadsAfterEachRequest() async throws {
        let (manager, loader, _) = makeManager(files: ["a": 10], budget: 1000)
        _ = try await manager.setKeepAlive("a", seconds: 0)
        #expect(try await manager.request("a") == true)
        #expect(try await manager.request("a") == true)
        #expect(loader.loads(of: "a") == 2)
        #expect(await manager.warmNames().isEmpty)
    }

    @Test func pinnedModelSurvivesAndManualPolicyRefusesInsteadOfEvicting() async throws {
        let (manager, _, clock) = makeManager(files: ["p": 100, "b": 100, "c": 100], budget: 200)
        _ = try await manager.setPinned("p", true)
        for name in ["b", "c", "b", "c"] {
            try await manager.request(name)
            clock.advance(1)
        }
        #expect(await manager.warmNames().contains("p"))
        await #expect(throws: InferdError.self) { _ = try await manager.unload("p") }

        let (manual, _, _) = makeManager(files: ["a": 100, "b": 100], budget: 150, policy: .manual)
        try await manual.request("a")
        do {
            try await manual.request("b")
            Issue.record("a load that does not fit must be refused under the manual policy")
        } catch let error as InferdError {
            #expect(error.code == .insufficientMemory)
            #expect(error.httpStatus == 507)
        }
        #expect(await manual.warmNames() == ["a"])
    }

    @Test func aModelThatCanNeverFitIsRefusedWithoutEvictingAnything() async throws {
        let (manager, loader, _) = makeManager(files: ["small": 100, "huge": 5000], budget: 1000)
        try await manager.request("small")
        do {
            try await manager.request("huge")
            Issue.record("expected 507")
        } catch let error as InferdError {
            #expect(error.code == .insufficientMemory)
            #expect(error.message.contains("cannot fit"))
        }
        #expect(await manager.warmNames() == ["small"])
        #expect(loader.loads(of: "huge") == 0)
    }

    @Test func aHighEstimateIsTriedAndAnOversizedModelIsUnloadedAfterItsRequest() async throws {
        // Learned factor 10 (from a) makes b's estimate 1000 > budget 500, but its file (100) fits: it is
        // tried. It then measures 600 > budget: it serves its request and is unloaded when idle.
        let (manager, loader, _) = makeManager(files: ["a": 10, "b": 100], sizes: ["a": 100, "b": 600], budget: 500)
        try await manager.request("a")
        #expect(try await manager.summary("b").bytes == 1000)
        #expect(try await manager.request("b") == true)
        #expect(loader.loads(of: "b") == 1)
        #expect(await manager.warmNames() == [])
        #expect(await manager.status().usedBytes <= 500)
        // Now b's measured size is certain: refused without loading.
        await #expect(throws: InferdError.self) { try await manager.request("b") }
        #expect(loader.loads(of: "b") == 1)
    }

    @Test func aModelIsChargedTheMedianOfItsLastLoads() async throws {
        let loader = SequenceLoader(sizes: [100, 300, 120, 110, 500, 115])
        var configuration = LifecycleConfiguration(budget: MemoryBudget(bytes: 10_000, source: "test"), minimumResidency: 0)
        configuration.defaultKeepAlive = 0   // unload after every request: each request measures a new load
        let manager = ModelManager<FakeModel>(catalog: fakeCatalog(["a": 100]), configuration: configuration,
                                              loader: { bundle, _ in try await loader.load(bundle) }, clock: ManualClock(), memory: FakeMemory())
        var charged: [Int64] = []
        for _ in 0..<6 {
            let lease = try await manager.acquire("a")
            charged.append(try await manager.summary("a").bytes)
            await manager.release(lease)
        }
        // Medians of [100], [100,300], [100,300,120], …, then of the last five.
        #expect(charged == [100, 300, 120, 120, 120, 120])
    }

    @Test func aFootprintIsChargedInsteadOfTheSamplesAndRechargesAWarmModel() async throws {
        // In-process samples say 100 and 150; a's footprint, measured apart from the process, says 300.
        let (manager, loader, _) = makeManager(files: ["a": 100, "b": 100], sizes: ["a": 100, "b": 150], budget: 400)
        try await manager.request("a")
        try await manager.request("b")
        #expect(await manager.status().usedBytes == 250)
        #expect(try await manager.summary("a").footprintBytes == nil)
        // It arrives while a is warm: charged at once, and idle b goes to get back under 400.
        await manager.recordFootprint("a", bytes: 300)
        #expect(try await manager.summary("a").bytes == 300)
        #expect(try await manager.summary("a").footprintBytes == 300)
        #expect(try await manager.summary("b").state != .warm)
        #expect(await manager.status().usedBytes == 300)
        // A load that already knows its footprint (a cache record) is charged it, not its sample;
        // a cold model is estimated at its footprint.
        loader.footprints["b"] = 90
        _ = try await manager.unload("a")
        try await manager.request("b")
        #expect(try await manager.summary("b").bytes == 90)
        #expect(try await manager.summary("a").bytes == 300)
        #expect(try await manager.summary("a").bytesEstimated)
    }

    @Test func aFootprintOfABundleTheCatalogReplacedIsDropped() async throws {
        let (manager, _, _) = makeManager(files: ["a": 100], budget: 1000)
        let measured = fakeCatalog(["a": 100]).bundles["a"]!
        // SIGHUP while a was being measured: its file changed (another size).
        await manager.replaceCatalog(fakeCatalog(["a": 120]))
        await manager.recordFootprint("a", bytes: 300, of: measured)
        #expect(try await manager.summary("a").footprintBytes == nil)
        let current = fakeCatalog(["a": 120]).bundles["a"]!
        await manager.recordFootprint("a", bytes: 310, of: current)
        #expect(try await manager.summary("a").footprintBytes == 310)
    }

    @Test func fileAccountingChargesTheFileAndShowsNoFootprint() async throws {
        let (manager, _, _) = makeManager(files: ["a": 100], budget: 1000) { $0.sizeAccounting = .file }
        try await manager.request("a")
        await manager.recordFootprint("a", bytes: 300)
        #expect(try await manager.summary("a").bytes == 100)   // file × the size factor (1 here)
        #expect(try await manager.summary("a").footprintBytes == nil)
    }

    @Test func concurrentFirstRequestsShareOneLoad() async throws {
        let loader = FakeLoader(sizes: ["a": 10])
        loader.delay = 0.2
        let (manager, _, _) = makeManager(files: ["a": 10], budget: 1000, loader: loader)
        let colds = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 { group.addTask { try await manager.request("a") } }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(colds.count == 16)
        #expect(colds.allSatisfy { $0 })
        #expect(loader.loadCount == 1)
        let summary = try await manager.summary("a")
        #expect(summary.loads == 1 && summary.coldStarts == 1 && summary.requests == 16 && summary.inFlight == 0)
    }

    @Test func aModelInUseIsNeverEvictedUnderItsRequest() async throws {
        let (manager, _, clock) = makeManager(files: ["a": 100, "b": 100], budget: 150)
        let lease = try await manager.acquire("a")
        clock.advance(100)
        let waiting = Task { try await manager.request("b") }
        try await Task.sleep(for: .milliseconds(100))
        // b needs a's room but a is in flight: b waits, a stays.
        #expect(await manager.warmNames() == ["a"])
        #expect(try await manager.summary("a").priorityClass == .foreground)
        await manager.release(lease)
        _ = try await waiting.value
        #expect(await manager.warmNames() == ["b"])
    }

    /// The churn guard orders victims (young models last) and never blocks a load a plain policy makes.
    @Test func churnGuardOrdersVictimsAndNeverRefuses() async throws {
        let (manager, _, clock) = makeManager(files: ["a": 100, "b": 100, "c": 100], budget: 250) { $0.minimumResidency = 5 }
        try await manager.request("c")
        clock.advance(10)
        try await manager.request("a")
        clock.advance(1)
        try await manager.request("c")   // c is now the most recent, but a is younger than 5 s
        clock.advance(1)
        try await manager.request("b")
        #expect(await manager.warmNames() == ["a", "b"], "the old model goes before the guarded one, against LRU order")
        clock.advance(1)
        // Only guarded models are left to evict: the load goes ahead (no wait, no 507), the guard orders only.
        try await manager.request("c")
        #expect(await manager.warmNames().contains("c"))
        #expect(await manager.status().counters.errors == 0)
    }

    @Test func pressureLevelsEvictByClass() async throws {
        let (manager, _, clock) = makeManager(files: ["p": 100, "old": 100, "recent": 100, "busy": 100], budget: 1000) {
            $0.recentWindow = 60
            $0.pressureLowWatermark = 0
        }
        _ = try await manager.setPinned("p", true)
        try await manager.request("old")
        clock.advance(120)
        try await manager.request("recent")
        let lease = try await manager.acquire("busy")
        #expect(try await manager.summary("old").priorityClass == .cached)
        #expect(try await manager.summary("recent").priorityClass == .recent)

        #expect(await manager.respondToPressure(.moderate) == ["old"])
        #expect(await manager.warmNames() == ["busy", "p", "recent"])
        #expect(await manager.respondToPressure(.critical) == ["recent"])
        #expect(await manager.warmNames() == ["busy", "p"])
        await manager.release(lease)
        let status = await manager.status()
        #expect(status.counters.evictions["pressure-moderate"] == 1)
        #expect(status.counters.evictions["pressure-critical"] == 1)
    }

    @Test func moderatePressureEvictsInPolicyOrderOnlyUntilTheTargetIsMet() async throws {
        // Four cached models, 460 used; the low watermark is 40 % of 1000 = 400: evicting the least
        // recently used one (big, 300) meets it, so the other three stay.
        let (manager, _, clock) = makeManager(files: ["big": 300, "a": 50, "b": 60, "c": 50], budget: 1000) {
            $0.recentWindow = 10
            $0.pressureLowWatermark = 0.4
        }
        for name in ["big", "a", "b", "c"] {
            try await manager.request(name)
            clock.advance(1)
        }
        clock.advance(60)
        #expect(await manager.respondToPressure(.moderate) == ["big"])
        #expect(await manager.warmNames() == ["a", "b", "c"])
        // The target is met: pressure reported again evicts nothing more.
        #expect(await manager.respondToPressure(.moderate) == [])
        #expect(await manager.status().usedBytes == 160)
        #expect(await manager.status().pressure == .moderate)
    }

    @Test func trimEvictsOnceCountsAsManualAndLeavesNoPressureBehind() async throws {
        let (manager, _, clock) = makeManager(files: ["a": 100, "b": 100], budget: 1000) { $0.recentWindow = 10 }
        try await manager.request("a")
        try await manager.request("b")
        clock.advance(60)
        #expect(await manager.trim(.critical) == ["a", "b"])
        let status = await manager.status()
        #expect(status.pressure == .none)
        #expect(status.counters.evictions["manual"] == 2)
        #expect(status.counters.evictions["pressure-critical"] == nil)
        // Nothing sticky: the next request loads and stays.
        try await manager.request("a")
        #expect(await manager.localSituation("a")?.pressure == PressureLevel.none)
        #expect(await manager.warmNames() == ["a"])
    }

    @Test func unloadWaitsForTheInFlightRequestWithoutPolling() async throws {
        let (manager, _, _) = makeManager(files: ["a": 100], budget: 1000)
        let lease = try await manager.acquire("a")
        let unload = Task { try await manager.unload("a") }
        // The unload is parked on the actor; the manager keeps answering meanwhile.
        #expect(try await manager.summary("a").state == .warm)
        await manager.release(lease)
        let summary = try await unload.value
        #expect(summary.state == .cold)
        #expect(await manager.status().counters.evictions["manual"] == 1)
    }

    @Test func aFailedLoadIsReportedAndRetriedOnTheNextRequest() async throws {
        let loader = FakeLoader(sizes: ["a": 10])
        loader.failing = ["a"]
        let (manager, _, _) = makeManager(files: ["a": 10], budget: 1000, loader: loader)
        await #expect(throws: InferdError.self) { try await manager.request("a") }
        let failed = try await manager.summary("a")
        #expect(failed.state == .failed)
        #expect(failed.failure?.contains("scripted failure") == true)
        loader.failing = []
        #expect(try await manager.request("a") == true)
        #expect(try await manager.summary("a").state == .warm)
    }

    @Test func theSizeEstimateLearnsFromMeasuredLoads() async throws {
        let (manager, _, _) = makeManager(files: ["a": 100, "b": 200], sizes: ["a": 300, "b": 600], budget: 10_000)
        #expect(try await manager.summary("b").bytes == 200)   // initial factor 1 in tests
        try await manager.request("a")                          // measured: 3 x its file
        let b = try await manager.summary("b")
        #expect(b.bytes == 600 && b.bytesEstimated)
        #expect(try await manager.summary("a").bytes == 300)
    }

    @Test func unknownModelsAndDrainingAreClearErrors() async throws {
        let (manager, _, _) = makeManager(files: ["a": 10], budget: 1000)
        do {
            try await manager.request("nope")
        } catch let error as InferdError {
            #expect(error.code == .unknownModel && error.httpStatus == 404)
            #expect(error.message.contains("available: a"))
        }
        await manager.drain()
        do {
            try await manager.request("a")
        } catch let error as InferdError {
            #expect(error.code == .shuttingDown && error.httpStatus == 503)
        }
    }

    @Test func reloadKeepsWarmModelsThatStillExist() async throws {
        let (manager, _, _) = makeManager(files: ["a": 10, "b": 10], budget: 1000)
        try await manager.request("a")
        try await manager.request("b")
        await manager.replaceCatalog(fakeCatalog(["a": 10, "c": 10]))
        #expect(await manager.warmNames() == ["a"])
        #expect(await manager.summaries().map(\.name) == ["a", "c"])
    }
}

@Suite struct LifecycleConfigurationTests {
    let limit: (bytes: Int64, source: String) = (8 << 30, "test limit")

    @Test func budgetsParse() throws {
        #expect(try MemoryBudget.parse("2G", limit: limit).bytes == 2 << 30)
        #expect(try MemoryBudget.parse("512M", limit: limit).bytes == 512 << 20)
        #expect(try MemoryBudget.parse("1.5GiB", limit: limit).bytes == 3 << 29)
        #expect(try MemoryBudget.parse("1048576", limit: limit).bytes == 1 << 20)
        #expect(try MemoryBudget.parse("25%", limit: limit).bytes == 2 << 30)
    }

    @Test(arguments: ["-1G", "0", "abc", "150%", "0%", "", "G"])
    func badBudgetsAreClearErrors(text: String) {
        #expect(throws: ConfigurationError.self) { try MemoryBudget.parse(text, limit: limit) }
    }

    @Test func theDefaultBudgetIsAShareOfARealLimit() {
        let limit = MemoryBudget.detectLimit()
        #expect(limit.bytes > 0)
        #expect(MemoryBudget.defaultBudget(limit: limit).bytes == limit.bytes / 2)
    }

    @Test func badLifecycleValuesAreRejected() {
        var configuration = LifecycleConfiguration(budget: MemoryBudget(bytes: 100, source: "t"))
        configuration.pressureLowWatermark = 2
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration = LifecycleConfiguration(budget: MemoryBudget(bytes: 100, source: "t"), defaultKeepAlive: -5)
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }
}

/// A loader whose successive loads measure the given sizes, in turn.
final class SequenceLoader: @unchecked Sendable {
    private let lock = NSLock()
    private var sizes: [Int64]

    init(sizes: [Int64]) { self.sizes = sizes }

    func load(_ bundle: ModelBundle) async throws -> FakeModel {
        let size = lock.withLock { sizes.removeFirst() }
        return FakeModel(name: bundle.name, residentBytes: size, loadMilliseconds: 10)
    }
}
