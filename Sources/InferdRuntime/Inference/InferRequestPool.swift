import InferdWire
import Synchronization

/// A compiled model's infer requests and the bounded queue of callers waiting for one.
///
/// The pool holds at most ``capacity`` requests (OpenVINO's `OPTIMAL_NUMBER_OF_INFER_REQUESTS` for
/// the compiled model, at least two: see ``InferenceQueue``), created on first use and reused
/// (creating one allocates its input and output buffers). A caller that finds them all busy waits in
/// FIFO order; at most ``queueLimit`` callers wait, and the next one is refused at once with
/// ``InferQueueError`` (the API answers 503 with `Retry-After`) rather than queueing without bound.
public final class InferRequestPool: Sendable {
    /// Requests this pool may hold (and so inferences in flight on the model at once).
    public let capacity: Int
    /// Callers that may wait for a request; one more is refused.
    public let queueLimit: Int
    private let model: CompiledModel
    private let state: Mutex<State>

    private struct State {
        var idle: [InferRequest] = []
        var created = 0
        var waiters: [(id: UInt64, continuation: CheckedContinuation<InferRequest?, Never>)] = []
        var nextWaiter: UInt64 = 0
        var counters = InferenceQueueStatus()
    }

    /// - Parameters:
    ///   - capacity: infer requests to hold (at least 1).
    ///   - queueLimit: callers that may wait when all are busy (0: none wait).
    ///   - prepared: requests already made (and warmed up) on `model`, idle from the start; at most `capacity` are kept.
    public init(model: CompiledModel, capacity: Int, queueLimit: Int, prepared: [InferRequest] = []) {
        self.model = model
        self.capacity = max(1, capacity)
        self.queueLimit = max(0, queueLimit)
        var initial = State()
        initial.idle = Array(prepared.prefix(self.capacity))
        initial.created = initial.idle.count
        state = Mutex(initial)
    }

    /// How busy the pool is and has been.
    public var status: InferenceQueueStatus {
        state.withLock { state in
            var status = state.counters
            status.requests = state.created
            status.capacity = capacity
            status.queueLimit = queueLimit
            status.waiting = state.waiters.count
            return status
        }
    }

    /// How much of the queue a caller may find before it is refused.
    public enum Claim: Sendable {
        /// The whole queue: requests planned here.
        case whole
        /// Only while fewer than half of ``queueLimit`` wait: work a remote failed (fallbacks), so a
        /// burst of them — a hung remote timing out hundreds of requests at once — leaves the other
        /// half of the queue to requests planned here.
        case half
    }

    /// Runs `body` with an infer request no one else is using, waiting for one when all are busy,
    /// then returns it to the pool (or hands it straight to the next waiter).
    ///
    /// - Parameter claim: how much of the queue the caller may use.
    /// - Throws: ``InferQueueError`` when the queue (or the caller's share of it) is full;
    ///   `CancellationError` when the task is cancelled while waiting; whatever `body` throws.
    public func withRequest<T>(claim: Claim = .whole, _ body: (InferRequest) async throws -> T) async throws -> T {
        let request = try await acquire(claim)
        defer { release(request) }
        return try await body(request)
    }

    /// Runs `body` synchronously with an idle request, or a new one when none is idle (never waits,
    /// never refuses): for tools, tests and the load's own measurements, not for serving.
    public func withIdleRequest<T>(_ body: (InferRequest) throws -> T) throws -> T {
        let idle = state.withLock { state -> InferRequest? in
            state.counters.started()
            if let request = state.idle.popLast() { return request }
            guard state.created < capacity else { return nil }
            state.created += 1
            return try? model.makeInferRequest()
        }
        let request = try idle ?? model.makeInferRequest()
        defer {
            if idle != nil { release(request) } else { state.withLock { $0.counters.finished() } }
        }
        return try body(request)
    }

    private enum Grant {
        case ready(InferRequest)
        case create
        case wait(UInt64)
        case refused(InferQueueError)
    }

    private func acquire(_ claim: Claim) async throws -> InferRequest {
        let limit = claim == .whole ? queueLimit : queueLimit / 2
        let grant: Grant = state.withLock { state in
            if let request = state.idle.popLast() {
                state.counters.started(); return .ready(request)
            }
            if state.created < capacity {
                state.created += 1
                state.counters.started(); return .create
            }
            guard state.waiters.count < limit else {
                state.counters.rejected += 1
                let waiting = claim == .whole ? "\(queueLimit) callers already wait"
                    : "\(state.waiters.count) callers already wait (a request a remote failed may use half of the queue's \(queueLimit))"
                return .refused(InferQueueError(
                    .full, "all \(capacity) infer requests are busy and \(waiting): try again shortly",
                    retryAfterSeconds: 1))
            }
            state.nextWaiter += 1
            return .wait(state.nextWaiter)
        }
        switch grant {
        case .ready(let request):
            return request
        case .create:
            do {
                return try model.makeInferRequest()
            } catch {
                state.withLock { state in
                    state.created -= 1
                    state.counters.finished()
                }
                throw error
            }
        case .refused(let error):
            throw error
        case .wait(let id):
            let handed = await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<InferRequest?, Never>) in
                    let cancelled = state.withLock { state in
                        if Task.isCancelled { return true }
                        state.waiters.append((id, continuation))
                        state.counters.peakWaiting = max(state.counters.peakWaiting, state.waiters.count)
                        return false
                    }
                    if cancelled { continuation.resume(returning: nil) }
                }
            } onCancel: {
                let removed = state.withLock { state -> CheckedContinuation<InferRequest?, Never>? in
                    guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.waiters.remove(at: index).continuation
                }
                removed?.resume(returning: nil)
            }
            guard let handed else { throw CancellationError() }
            return handed
        }
    }

    private func release(_ request: InferRequest) {
        let next = state.withLock { state -> CheckedContinuation<InferRequest?, Never>? in
            state.counters.finished()
            guard !state.waiters.isEmpty else {
                state.idle.append(request)
                return nil
            }
            state.counters.started()
            return state.waiters.removeFirst().continuation
        }
        next?.resume(returning: request)
    }
}

/// A model's inference queue is full: the caller should try again after ``retryAfterSeconds``.
public struct InferQueueError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable { case full }
    public let code: Code
    public let message: String
    /// What the API puts in `Retry-After`.
    public let retryAfterSeconds: Int

    public init(_ code: Code, _ message: String, retryAfterSeconds: Int) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { message }
}
