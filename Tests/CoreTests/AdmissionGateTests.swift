import Core
import Foundation
import Testing

/// The admission gate in front of the compute pool and each remote: bounded holders, a bounded line,
/// deadlines, cancellation — and the pool built on it.
@Suite struct AdmissionGateTests {
    /// Holds the gate's slots until `release` is called.
    final class Holders: Sendable {
        let gate: AdmissionGate
        init(_ gate: AdmissionGate) { self.gate = gate }

        func fill(_ count: Int) async throws {
            for _ in 0..<count { try await gate.enter(deadline: nil) }
        }

        func release(_ count: Int) {
            for _ in 0..<count { gate.leave() }
        }
    }

    @Test func admitsUpToItsWidthThenQueuesThenRefusesAtOnce() async throws {
        let gate = AdmissionGate(name: "test", width: 2, queueLimit: 1)
        try await Holders(gate).fill(2)
        let waiter = Task { try await gate.enter(deadline: nil) }
        while gate.snapshot.waiting < 1 { await Task.yield() }
        await #expect(throws: AdmissionError.self) { try await gate.enter(deadline: nil) }
        #expect(gate.snapshot.rejected == 1)
        gate.leave()  // the waiter takes the slot given back
        try await waiter.value
        let counts = gate.snapshot
        #expect(counts.holders == 2 && counts.waiting == 0 && counts.admitted == 3 && counts.rejected == 1 && counts.expired == 0)
        gate.leave()
        gate.leave()
        #expect(gate.snapshot.holders == 0)
    }

    @Test func aWaiterGivesUpAtItsDeadline() async throws {
        let gate = AdmissionGate(name: "test", width: 1, queueLimit: 4)
        try await gate.enter(deadline: nil)
        do {
            try await gate.enter(deadline: .now + .milliseconds(50))
            Issue.record("admitted while the only slot was held")
        } catch {
            #expect(error.code == .deadlineExceeded, "\(error)")
        }
        #expect(gate.snapshot.expired == 1 && gate.snapshot.waiting == 0)
        // A deadline already past is refused without waiting.
        await #expect(throws: AdmissionError(.deadlineExceeded, "no free slot in test before the request's deadline")) {
            try await gate.enter(deadline: .now - .seconds(1))
        }
        gate.leave()
        try await gate.withPermit(deadline: .now + .seconds(5)) {}
        #expect(gate.snapshot.holders == 0)
    }

    @Test func aCancelledWaiterLeavesTheLine() async throws {
        let gate = AdmissionGate(name: "test", width: 1, queueLimit: 4)
        try await gate.enter(deadline: nil)
        let waiter = Task { try await gate.enter(deadline: nil) }
        while gate.snapshot.waiting < 1 { await Task.yield() }
        waiter.cancel()
        await #expect(throws: AdmissionError.self) { try await waiter.value }
        #expect(gate.snapshot.waiting == 0)
        gate.leave()
        #expect(gate.snapshot.holders == 0, "the cancelled waiter was not handed the slot")
    }
}
