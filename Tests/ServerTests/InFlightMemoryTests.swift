import InferdServer
import InferdWire
import Testing

/// The cap on request data in flight: room is taken before data is held, waiters are admitted in
/// order as room comes back, and a waiter that gets none in time is refused with 503 + Retry-After.
@Suite struct InFlightMemoryTests {
    @Test func aReservationPastTheCapWaitsThenIsRefusedWithRetryAfter() async throws {
        let memory = InFlightMemory(capacity: 100, wait: .milliseconds(50))
        let first = try await memory.reserve(80, for: "a body")
        #expect(memory.heldBytes == 80)
        do {
            _ = try await memory.reserve(30, for: "a body")
            Issue.record("30 more bytes fit under a cap of 100 with 80 held")
        } catch {
            #expect(error.code == .overloaded && error.httpStatus == 503 && error.retryAfter == 1)
        }
        first.release()
        #expect(memory.heldBytes == 0)
        // Nothing leaked by the refused one.
        let again = try await memory.reserve(100, for: "a body")
        again.release()
    }

    @Test func waitersAreAdmittedInOrderAsRoomComesBack() async throws {
        let memory = InFlightMemory(capacity: 100, wait: .seconds(30))
        let holder = try await memory.reserve(100, for: "a body")
        let second = Task { try await memory.reserve(60, for: "a body") }
        while memory.heldBytes != 100 { await Task.yield() }
        try await Task.sleep(for: .milliseconds(20))
        holder.release()
        let admitted = try await second.value
        #expect(memory.heldBytes == 60)
        admitted.release()
        #expect(memory.heldBytes == 0)
        // Bigger than the whole cap: clamped to it, so it runs alone instead of never.
        let huge = try await memory.reserve(1_000, for: "a body")
        #expect(huge.bytes == 100)
        huge.release()
    }
}
