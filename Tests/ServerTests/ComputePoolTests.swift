import Core
import Foundation
import InferdServer
import Testing

/// The daemon's bounded compute pool: its own threads, a bounded line per lane.
@Suite struct ComputePoolTests {
    @Test func thePoolRunsOnItsOwnThreadsAndRefusesPastItsQueue() async throws {
        let pool = ComputePool(name: "test", threads: 1, queueLimit: 0)
        let gate = AdmissionGate(name: "release", width: 1, queueLimit: 1)
        try await gate.enter(deadline: nil)
        // One job blocks the only worker until the gate opens; a second finds no queue.
        let started = AdmissionGate(name: "started", width: 1, queueLimit: 1)
        try await started.enter(deadline: nil)
        let blocker = Task {
            try await pool.run(deadline: nil) {
                started.leave()
                while gate.snapshot.holders > 0 { usleep(1000) }
                return Thread.isMainThread
            }
        }
        try await started.enter(deadline: .now + .seconds(30))
        await #expect(throws: AdmissionError.self) { try await pool.run(deadline: nil) { 1 } }
        await #expect(throws: AdmissionError.self) { try await pool.run(.offload, deadline: nil) { 1 } }
        gate.leave()
        #expect(try await blocker.value == false)
        #expect(try await pool.run(.offload, deadline: .now + .seconds(30)) { 42 } == 42)
        await pool.shutdown()
    }
}
