import Synchronization

/// A bounded admission gate: at most ``width`` holders at once, at most ``queueLimit`` waiting in
/// line (first come, first served), and a waiter gives up at its deadline. Nothing ever waits
/// without a bound: past the queue's bound work is refused at once, and past its deadline it is
/// refused with ``AdmissionError/Code/deadlineExceeded``.
///
/// The one shape of back-pressure in the daemon: it stands in front of the compute pool
/// (``ComputePool``), in front of each offload remote (its concurrency limit), and is meant for any
/// other bounded resource (a model's infer requests). Waiting is by continuations (no polling); a
/// waiter with a deadline has one timer task that is cancelled when it is admitted.
public final class AdmissionGate: Sendable {
    /// Named in messages ("compute", "remote http://…").
    public let name: String
    /// How many may hold the gate at once.
    public let width: Int
    /// How many may wait for a slot; more are refused at once.
    public let queueLimit: Int

    /// Counters since start, for status and tests.
    public struct Snapshot: Sendable, Equatable {
        /// Holding a slot now.
        public var holders = 0
        /// Waiting for a slot now.
        public var waiting = 0
        /// Admitted since start.
        public var admitted = 0
        /// Refused because the queue was full.
        public var rejected = 0
        /// Gave up at their deadline.
        public var expired = 0
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var counts = Snapshot()
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
        /// Ids between taking a number and joining (or being admitted).
        var joining: Set<UInt64> = []
        /// Of those, the ones whose task was cancelled meanwhile.
        var cancelled: Set<UInt64> = []
    }

    private let state = Mutex(State())

    /// - Parameters:
    ///   - width: concurrent holders, at least 1.
    ///   - queueLimit: waiters beyond the holders, at least 0.
    public init(name: String, width: Int, queueLimit: Int) {
        self.name = name
        self.width = max(1, width)
        self.queueLimit = max(0, queueLimit)
    }

    /// The counters now.
    public var snapshot: Snapshot { state.withLock { $0.counts } }

    /// Waits for a slot (at once when one is free and nobody is in line), until `deadline` at most.
    /// Every successful `enter` must be followed by one ``leave()``; prefer ``withPermit(deadline:_:)``.
    ///
    /// - Throws: ``AdmissionError``: `.queueFull` at once when ``queueLimit`` are already waiting,
    ///   `.deadlineExceeded` when `deadline` passes first, `.cancelled` when the task is cancelled.
    public func enter(deadline: ContinuousClock.Instant?) async throws(AdmissionError) {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            state.joining.insert(state.nextID)
            return state.nextID
        }
        let timer = deadline.map { deadline in
            Task { [weak self] in
                guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil, let self else { return }
                self.remove(id, AdmissionError(.deadlineExceeded, "no free slot in \(self.name) before the request's deadline"))
            }
        }
        defer { timer?.cancel() }
        do {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    switch self.join(id, deadline: deadline, continuation) {
                    case .admitted: continuation.resume()
                    case .queued: break
                    case .refused(let error): continuation.resume(throwing: error)
                    }
                }
            } onCancel: {
                guard !self.remove(id, AdmissionError(.cancelled, "cancelled while waiting for \(self.name)")) else { return }
                self.state.withLock { state in
                    if state.joining.contains(id) { state.cancelled.insert(id) }
                }
            }
        } catch let error as AdmissionError {
            throw error
        } catch {
            throw AdmissionError(.cancelled, "\(error)")
        }
    }

    private enum Outcome {
        case admitted, queued
        case refused(AdmissionError)
    }

    /// Admits waiter `id`, puts it in line, or refuses it — one decision under the lock.
    private func join(_ id: UInt64, deadline: ContinuousClock.Instant?, _ continuation: CheckedContinuation<Void, any Error>) -> Outcome {
        state.withLock { state in
            state.joining.remove(id)
            if state.cancelled.remove(id) != nil {
                return .refused(AdmissionError(.cancelled, "cancelled while waiting for \(name)"))
            }
            if state.counts.holders < width, state.waiters.isEmpty {
                state.counts.holders += 1
                state.counts.admitted += 1
                return .admitted
            }
            if let deadline, deadline <= .now {
                state.counts.expired += 1
                return .refused(AdmissionError(.deadlineExceeded, "no free slot in \(name) before the request's deadline"))
            }
            guard state.waiters.count < queueLimit else {
                state.counts.rejected += 1
                return .refused(AdmissionError(.queueFull, "\(name) is busy: \(state.counts.holders) running and \(state.waiters.count) waiting, the most allowed"))
            }
            state.waiters.append(Waiter(id: id, continuation: continuation))
            state.counts.waiting = state.waiters.count
            return .queued
        }
    }

    /// Gives a slot back: the first waiter in line gets it.
    public func leave() {
        let next: CheckedContinuation<Void, any Error>? = state.withLock { state in
            guard !state.waiters.isEmpty else {
                state.counts.holders = max(0, state.counts.holders - 1)
                return nil
            }
            let waiter = state.waiters.removeFirst()
            state.counts.waiting = state.waiters.count
            state.counts.admitted += 1
            return waiter.continuation
        }
        next?.resume()
    }

    /// Runs `body` holding a slot (see ``enter(deadline:)``); the slot is given back however `body` ends.
    ///
    /// - Throws: ``AdmissionError`` when no slot was had, else what `body` throws.
    public func withPermit<T>(deadline: ContinuousClock.Instant?, _ body: () async throws -> T) async throws -> T {
        try await enter(deadline: deadline)
        defer { leave() }
        return try await body()
    }

    /// Takes waiter `id` out of line with `error`; false when it is not (or no longer) waiting.
    @discardableResult
    private func remove(_ id: UInt64, _ error: AdmissionError) -> Bool {
        let continuation: CheckedContinuation<Void, any Error>? = state.withLock { state in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            let waiter = state.waiters.remove(at: index)
            state.counts.waiting = state.waiters.count
            if error.code == .deadlineExceeded { state.counts.expired += 1 }
            return waiter.continuation
        }
        continuation?.resume(throwing: error)
        return continuation != nil
    }
}
