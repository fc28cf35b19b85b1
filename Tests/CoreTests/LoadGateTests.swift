@testable import Core
import InferdWire
import Testing

/// The load slot: a first load runs alone, loads of models whose footprint is known share it up to
/// the limit, arrival order is kept, and only a load that ran alone throughout gives a size sample.
@Suite struct LoadGateTests {
    func admitted(_ entry: LoadGate.Entry) -> LoadGate.Ticket? {
        if case .admitted(let ticket) = entry { return ticket }
        return nil
    }

    @Test func sharedLoadsRunUpToTheLimitAndNoneRanAlone() {
        var gate = LoadGate()
        let first = admitted(gate.enter(shared: true, limit: 2))
        let second = admitted(gate.enter(shared: true, limit: 2))
        #expect(first != nil && second != nil)
        #expect(admitted(gate.enter(shared: true, limit: 2)) == nil)
        #expect(gate.loadsRunning == 2)
        #expect(!gate.ranAlone(first!))
        #expect(!gate.ranAlone(second!))
    }

    @Test func anExclusiveLoadRunsAloneAndIsNotOvertaken() {
        var gate = LoadGate()
        let shared = admitted(gate.enter(shared: true, limit: 2))!
        // The exclusive load waits for the shared one; a shared load behind it waits too.
        guard case .queued = gate.enter(shared: false, limit: 2) else { Issue.record("exclusive admitted beside a load"); return }
        guard case .queued = gate.enter(shared: true, limit: 2) else { Issue.record("a later load overtook"); return }
        #expect(gate.loadsRunning == 1)
        gate.leave(limit: 2)
        // The exclusive one runs now, alone.
        #expect(gate.loadsRunning == 1)
        gate.leave(limit: 2)
        #expect(gate.loadsRunning == 1)
        gate.leave(limit: 2)
        #expect(gate.loadsRunning == 0)
        #expect(!gate.ranAlone(shared))
    }

    @Test func aLoneLoadGivesASampleUnlessAnotherJoinsIt() {
        var gate = LoadGate()
        let alone = admitted(gate.enter(shared: false, limit: 2))!
        #expect(gate.ranAlone(alone))
        gate.leave(limit: 2)
        let first = admitted(gate.enter(shared: true, limit: 2))!
        #expect(gate.ranAlone(first))
        _ = gate.enter(shared: true, limit: 2)
        #expect(!gate.ranAlone(first))
    }

    @Test func aLimitOfOneRunsEveryLoadAlone() {
        var gate = LoadGate()
        #expect(admitted(gate.enter(shared: true, limit: 1)) != nil)
        #expect(admitted(gate.enter(shared: true, limit: 1)) == nil)
    }
}

/// The manager's side: models whose footprint is known load at once; first loads never overlap.
@Suite struct ParallelLoadTests {
    let mib: Int64 = 1_048_576

    /// Requests `names` at once; returns the most loads that ran at the same time.
    func loadAtOnce(_ names: [String], footprints: Bool, parallelLoads: Int = 2) async throws -> (Int, [ModelSummary]) {
        let files = Dictionary(uniqueKeysWithValues: names.map { ($0, 10 * mib) })
        let loader = FakeLoader(sizes: files)
        loader.delay = 0.2
        let (manager, _, _) = makeManager(files: files, budget: 1000 * mib, configure: { $0.parallelLoads = parallelLoads },
                                          loader: loader)
        if footprints {
            for name in names { await manager.recordFootprint(name, bytes: 12 * mib) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in names { group.addTask { try await manager.request(name) } }
            try await group.waitForAll()
        }
        return (loader.mostAtOnce, await manager.summaries())
    }

    @Test func modelsWithKnownFootprintsLoadTogether() async throws {
        let (most, summaries) = try await loadAtOnce(["a", "b", "c"], footprints: true)
        #expect(most == 2)
        #expect(summaries.allSatisfy { $0.state == .warm && $0.bytes == 12 * mib })
    }

    @Test func firstLoadsRunOneAtATime() async throws {
        let (most, summaries) = try await loadAtOnce(["a", "b", "c"], footprints: false)
        #expect(most == 1)
        #expect(summaries.allSatisfy { $0.state == .warm })
    }

    @Test func oneParallelLoadMeansOneAtATime() async throws {
        let (most, _) = try await loadAtOnce(["a", "b"], footprints: true, parallelLoads: 1)
        #expect(most == 1)
    }
}
