import Core
import Foundation
import InferdRuntime
import InferdWire
import Synchronization
import Testing

/// The asynchronous inference path: overlapping callers run on several infer requests, a full queue
/// refuses at once, and answers match the blocking path.
@Suite struct InferRequestPoolTests {
    func pixels(_ model: LoadedModel) throws -> PixelBuffer {
        try Fixtures.decode("coffee.jpg", options: model.decodeOptions(maxPixels: DecodeOptions.defaultMaxPixels)).pixels
    }

    @Test func overlappingCallersUseSeveralInferRequestsAndAgreeWithTheBlockingPath() async throws {
        let model = try ModelLoader(engine: Fixtures.engine, options: EngineOptions(precision: .f32))
            .load(Fixtures.bundle("squeezenet"))
        #expect(model.requests.capacity >= 2)
        let image = try pixels(model)
        var timings = StepTimings()
        let expected = try model.classifyBlocking(image, top: 5, timings: &timings).map(\.index)
        let answers = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var timings = StepTimings()
                    return try await model.classify(image, top: 5, timings: &timings).map(\.index)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 8)
        #expect(answers.allSatisfy { $0 == expected })
        let status = model.requests.status
        #expect(status.peakInFlight > 1, "\(status)")
        #expect(status.requests <= status.capacity)
        #expect(status.inFlight == 0 && status.waiting == 0)
    }

    @Test func aFullQueueRefusesAtOnceAndTheWaiterIsServedInTurn() async throws {
        let compiled = try Fixtures.loaded("squeezenet").compiled
        let pool = InferRequestPool(model: compiled, capacity: 1, queueLimit: 1)
        let gate = Gate()
        let holder = Task { try await pool.withRequest { _ in await gate.wait() } }
        while pool.status.inFlight < 1 { try await Task.sleep(for: .milliseconds(5)) }
        let waiter = Task { try await pool.withRequest { _ in 42 } }
        while pool.status.waiting < 1 { try await Task.sleep(for: .milliseconds(5)) }

        await #expect(throws: InferQueueError.self) { try await pool.withRequest { _ in 0 } }
        #expect(pool.status.rejected == 1)

        gate.open()
        try await holder.value
        #expect(try await waiter.value == 42)
        #expect(pool.status.requests == 1, "one request served all three callers in turn")
        #expect(pool.status.inFlight == 0)
    }

    /// Fallbacks (work a remote failed) may fill only half of the queue; requests planned here
    /// still find the other half.
    @Test func aHalfClaimLeavesHalfOfTheQueueToTheWholeClaim() async throws {
        let pool = InferRequestPool(model: try Fixtures.loaded("squeezenet").compiled, capacity: 1, queueLimit: 4)
        let gate = Gate()
        let holder = Task { try await pool.withRequest { _ in await gate.wait() } }
        while pool.status.inFlight < 1 { try await Task.sleep(for: .milliseconds(5)) }
        let fallbacks = (0..<2).map { _ in Task { try await pool.withRequest(claim: .half) { _ in 1 } } }
        while pool.status.waiting < 2 { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: InferQueueError.self) { try await pool.withRequest(claim: .half) { _ in 0 } }
        let planned = (0..<2).map { _ in Task { try await pool.withRequest { _ in 2 } } }
        while pool.status.waiting < 4 { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: InferQueueError.self) { try await pool.withRequest { _ in 0 } }
        #expect(pool.status.rejected == 2)
        gate.open()
        try await holder.value
        for task in fallbacks { #expect(try await task.value == 1) }
        for task in planned { #expect(try await task.value == 2) }
    }

    @Test func aCancelledWaiterLeavesTheQueue() async throws {
        let pool = InferRequestPool(model: try Fixtures.loaded("squeezenet").compiled, capacity: 1, queueLimit: 4)
        let gate = Gate()
        let holder = Task { try await pool.withRequest { _ in await gate.wait() } }
        while pool.status.inFlight < 1 { try await Task.sleep(for: .milliseconds(5)) }
        let waiter = Task { try await pool.withRequest { _ in 1 } }
        while pool.status.waiting < 1 { try await Task.sleep(for: .milliseconds(5)) }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(pool.status.waiting == 0)
        gate.open()
        try await holder.value
    }
}

/// Opens once; waiters before and after go on.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
