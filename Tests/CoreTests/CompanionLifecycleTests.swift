import Core
import Foundation
import InferdWire
import Logging
import Testing

/// A stand-in companion slot: records what the manager tells it; a test plays the model's side.
final class FakeCompanionSlot: CompanionSlot, @unchecked Sendable {
    private let lock = NSLock()
    private var wanted: (@Sendable () -> Void)?
    private(set) var refusals = 0
    private(set) var releases = 0
    var present = false
    var idle = false
    /// The companion loader is building one for this slot now.
    var building: Bool {
        get { lock.withLock { buildingNow } }
        set { lock.withLock { buildingNow = newValue } }
    }
    private var buildingNow = false

    func whenWanted(_ request: @escaping @Sendable () -> Void) { lock.withLock { wanted = request } }
    func refused() { lock.withLock { refusals += 1 } }
    var isIdle: Bool { lock.withLock { idle && present } }
    /// Whether the companion loader built one that is not released yet.
    var isPresent: Bool { lock.withLock { present } }
    func release() { lock.withLock { present = false; releases += 1 } }
    /// The model asks for its companion, as its router does when requests overlap.
    func want() { lock.withLock { wanted }?() }
}

/// A model with a companion slot.
struct SlottedModel: ResidentModel {
    let residentBytes: Int64
    let loadMilliseconds: Double = 10
    let slot: FakeCompanionSlot
    var companionSlot: (any CompanionSlot)? { slot }
}

/// The lifecycle manager's side of throughput companions: built only when the budget has room
/// without evicting anything, charged while they exist, and given back first when memory is needed.
@Suite struct CompanionLifecycleTests {
    /// A manager over models of the given sizes whose companions measure `companionBytes` each.
    /// A build takes `buildSeconds` of real time.
    func setUp(_ sizes: [String: Int64], budget: Int64, companionBytes: Int64 = 300, failing: Bool = false,
               buildSeconds: Double = 0)
        -> (ModelManager<SlottedModel>, [String: FakeCompanionSlot], ManualClock) {
        let slots = Dictionary(uniqueKeysWithValues: sizes.keys.map { ($0, FakeCompanionSlot()) })
        let clock = ManualClock()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let manager = ModelManager<SlottedModel>(
            catalog: fakeCatalog(sizes),
            configuration: LifecycleConfiguration(budget: MemoryBudget(bytes: budget, source: "test"), minimumResidency: 0, initialSizeFactor: 1),
            loader: { bundle, _ in SlottedModel(residentBytes: sizes[bundle.name]!, slot: slots[bundle.name]!) },
            companionLoader: { model in
                model.slot.building = true
                if buildSeconds > 0 { try await Task.sleep(for: .seconds(buildSeconds)) }
                defer { model.slot.building = false }
                if failing { throw InferdError(.loadFailed, "scripted compile failure") }
                model.slot.present = true
                return companionBytes
            },
            clock: clock, memory: FakeMemory(), logger: logger)
        return (manager, slots, clock)
    }

    /// Waits (bounded) until the companion charge of `name` satisfies `condition`.
    func companionBytes(_ manager: ModelManager<SlottedModel>, _ name: String,
                        until condition: (Int64?) -> Bool) async throws -> Int64? {
        for _ in 0..<500 {
            let bytes = try await manager.summary(name).companionBytes
            if condition(bytes) { return bytes }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try await manager.summary(name).companionBytes
    }

    /// Waits (bounded: 5 s) until `condition` holds; the manager acts on the slot's wish in a task of its own.
    func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
    }

    func request(_ manager: ModelManager<SlottedModel>, _ name: String) async throws {
        let lease = try await manager.acquire(name)
        await manager.release(lease)
    }

    @Test func aCompanionThatFitsIsBuiltAndCharged() async throws {
        let (manager, slots, _) = setUp(["a": 300], budget: 1000)
        try await request(manager, "a")
        slots["a"]!.want()
        #expect(try await companionBytes(manager, "a") { $0 != nil } == 300)
        #expect(slots["a"]!.isPresent)
        #expect(try await manager.summary("a").companionBuilds == 1)
        #expect(await manager.status().usedBytes == 600)
    }

    /// Shutting down while the engine compiles a companion waits for the compile: the process must
    /// not exit under it (it crashed the daemon on SIGTERM once).
    @Test func drainWaitsForACompanionBeingBuilt() async throws {
        let (manager, slots, _) = setUp(["a": 300], budget: 1000, buildSeconds: 0.5)
        try await request(manager, "a")
        slots["a"]!.want()
        try await eventually { slots["a"]!.building }
        #expect(slots["a"]!.building)
        await manager.drain()
        #expect(!slots["a"]!.building)
        // Once draining, no new build starts.
        slots["a"]!.want()
        try await eventually { slots["a"]!.refusals > 0 }
        #expect(slots["a"]!.refusals == 1)
    }

    @Test func noRoomWithoutEvictingMeansNoCompanionAndNoEviction() async throws {
        let (manager, slots, _) = setUp(["a": 300, "b": 300], budget: 800)
        try await request(manager, "a")
        try await request(manager, "b")
        slots["a"]!.want()
        try await eventually { slots["a"]!.refusals > 0 }
        #expect(slots["a"]!.refusals == 1)
        #expect(!slots["a"]!.isPresent)
        #expect(await manager.summaries().filter { $0.state == .warm }.count == 2)
        #expect(try await manager.summary("a").companionBytes == nil)
    }

    @Test func aFailedBuildIsRefusedAndUncharged() async throws {
        let (manager, slots, _) = setUp(["a": 300], budget: 1000, failing: true)
        try await request(manager, "a")
        slots["a"]!.want()
        try await eventually { slots["a"]!.refusals > 0 }
        #expect(slots["a"]!.refusals == 1)
        #expect(await manager.status().usedBytes == 300)
    }

    @Test func aCompanionMeasuredOverTheBudgetIsReleased() async throws {
        let (manager, slots, _) = setUp(["a": 300], budget: 1000, companionBytes: 800)
        try await request(manager, "a")
        slots["a"]!.want()
        try await eventually { slots["a"]!.releases > 0 }
        #expect(slots["a"]!.releases == 1)
        #expect(slots["a"]!.refusals == 1)
        #expect(await manager.status().usedBytes == 300)
    }

    @Test func pressureTakesCompanionsBeforeAnyModel() async throws {
        let (manager, slots, _) = setUp(["a": 300], budget: 1000)
        try await request(manager, "a")
        slots["a"]!.want()
        _ = try await companionBytes(manager, "a") { $0 != nil }
        // Moderate pressure's target (half the budget) is met by the companion alone.
        #expect(await manager.respondToPressure(.moderate) == [])
        #expect(slots["a"]!.releases == 1)
        #expect(try await manager.summary("a").state == .warm)
        #expect(await manager.status().usedBytes == 300)
        // Under pressure no companion is built.
        slots["a"]!.want()
        try await eventually { slots["a"]!.refusals > 0 }
        #expect(slots["a"]!.refusals == 1)
    }

    @Test func aLoadThatNeedsRoomTakesTheCompanionBeforeEvictingAModel() async throws {
        let (manager, slots, _) = setUp(["a": 300, "b": 300], budget: 800)
        try await request(manager, "a")
        slots["a"]!.want()
        _ = try await companionBytes(manager, "a") { $0 != nil }
        try await request(manager, "b")
        #expect(slots["a"]!.releases == 1)
        #expect(await manager.summaries().filter { $0.state == .warm }.count == 2)
        #expect(await manager.status().usedBytes == 600)
    }

    @Test func anIdleCompanionIsReleasedOnTheKeepAliveSweep() async throws {
        let (manager, slots, _) = setUp(["a": 300], budget: 1000)
        try await request(manager, "a")
        slots["a"]!.want()
        _ = try await companionBytes(manager, "a") { $0 != nil }
        await manager.tick()
        #expect(slots["a"]!.releases == 0)
        slots["a"]!.idle = true
        await manager.tick()
        #expect(slots["a"]!.releases == 1)
        #expect(try await manager.summary("a").companionBytes == nil)
        #expect(try await manager.summary("a").state == .warm)
    }

    @Test func evictingTheModelDropsItsCompanionCharge() async throws {
        let (manager, slots, _) = setUp(["a": 300], budget: 1000)
        try await request(manager, "a")
        slots["a"]!.want()
        _ = try await companionBytes(manager, "a") { $0 != nil }
        _ = try await manager.unload("a")
        #expect(await manager.status().usedBytes == 0)
        #expect(try await manager.summary("a").companionBytes == nil)
    }
}

extension CompanionLifecycleTests {
    @Test func aFootprintThatPutsChargesOverTheBudgetTakesTheCompanionBeforeAModel() async throws {
        let (manager, slots, _) = setUp(["a": 300, "b": 300], budget: 1000)
        try await request(manager, "a")
        try await request(manager, "b")
        slots["a"]!.want()
        _ = try await companionBytes(manager, "a") { $0 != nil }
        // b's footprint, measured apart, is larger than its load measured: 300 + 300 + 450 > 1000.
        await manager.recordFootprint("b", bytes: 450)
        #expect(slots["a"]!.releases == 1)
        #expect(await manager.summaries().filter { $0.state == .warm }.count == 2)
        #expect(await manager.status().usedBytes == 750)
    }
}
