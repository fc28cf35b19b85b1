import Core
import InferdWire
import Synchronization

/// A global cap on the bytes requests in flight hold: bodies, decoded pixels, tensors. A request
/// reserves what it will hold before it holds it; past the cap it waits — parked on a continuation,
/// first come first served — at most ``wait``, then is refused with 503 and `Retry-After`
/// (``InferdError/overloaded(_:retryAfter:)``). So a burst of big requests queues briefly or is
/// turned away instead of pushing the daemon past its memory budget.
///
/// A single reservation larger than the whole cap is clamped to the cap: it runs alone.
public final class InFlightMemory: Sendable {
    /// The cap, bytes.
    public let capacity: Int64
    /// How long a reservation may wait for room before it is refused.
    public let wait: Duration

    private struct Waiter {
        var id: UInt64
        var bytes: Int64
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var held: Int64 = 0
        var queue: [Waiter] = []
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// - Parameters:
    ///   - capacity: bytes requests may hold together.
    ///   - wait: how long a request waits for room before 503.
    public init(capacity: Int64, wait: Duration) {
        self.capacity = max(1, capacity)
        self.wait = wait
    }

    /// Bytes reserved now.
    public var heldBytes: Int64 { state.withLock { $0.held } }

    /// Reserves `bytes` (clamped to the capacity), waiting at most ``wait`` for room.
    ///
    /// - Throws: ``InferdError`` `.overloaded` (503, `Retry-After`) when no room came in time.
    public func reserve(_ bytes: Int64, for what: String) async throws(InferdError) -> Reservation {
        let bytes = min(max(0, bytes), capacity)
        let ticket: UInt64? = state.withLock { state in
            if state.queue.isEmpty, state.held + bytes <= capacity {
                state.held += bytes
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let ticket else { return Reservation(memory: self, bytes: bytes) }
        var timer: Task<Void, Never>?
        defer { timer?.cancel() }
        let admitted = await withCheckedContinuation { continuation in
            let admittedNow = state.withLock { state -> Bool in
                // Room may have come between the first look and now.
                if state.queue.isEmpty, state.held + bytes <= capacity {
                    state.held += bytes
                    return true
                }
                state.queue.append(Waiter(id: ticket, bytes: bytes, continuation: continuation))
                return false
            }
            if admittedNow {
                continuation.resume(returning: true)
            } else {
                // Armed only once queued, so even a zero wait cannot fire before there is a waiter.
                let wait = self.wait
                timer = Task { [weak self] in
                    try? await Task.sleep(for: wait)
                    self?.expire(ticket)
                }
            }
        }
        guard admitted else {
            throw InferdError.overloaded(
                "too much request data in flight (\(formatBytes(heldBytes)) of the \(formatBytes(capacity)) cap) to take \(what) of \(formatBytes(bytes)); try again shortly",
                retryAfter: 1)
        }
        return Reservation(memory: self, bytes: bytes)
    }

    /// Reserves `bytes` only if there is room now; nil otherwise.
    public func tryReserve(_ bytes: Int64) -> Reservation? {
        let bytes = min(max(0, bytes), capacity)
        let taken = state.withLock { state -> Bool in
            guard state.queue.isEmpty, state.held + bytes <= capacity else { return false }
            state.held += bytes
            return true
        }
        return taken ? Reservation(memory: self, bytes: bytes) : nil
    }

    fileprivate func give(_ bytes: Int64) {
        let admitted = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.held -= bytes
            var admitted: [CheckedContinuation<Bool, Never>] = []
            while let first = state.queue.first, state.held + first.bytes <= capacity {
                state.held += first.bytes
                admitted.append(state.queue.removeFirst().continuation)
            }
            return admitted
        }
        for continuation in admitted { continuation.resume(returning: true) }
    }

    private func expire(_ ticket: UInt64) {
        let expired = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard let index = state.queue.firstIndex(where: { $0.id == ticket }) else { return nil }
            return state.queue.remove(at: index).continuation
        }
        expired?.resume(returning: false)
        // The head leaving may let smaller ones behind it in.
        give(0)
    }

    /// Bytes held for one request; given back by ``release()`` (once; later calls do nothing).
    public final class Reservation: Sendable {
        private let memory: InFlightMemory
        private let remaining: Mutex<Int64>

        fileprivate init(memory: InFlightMemory, bytes: Int64) {
            self.memory = memory
            remaining = Mutex(bytes)
        }

        /// The bytes this reservation still holds.
        public var bytes: Int64 { remaining.withLock { $0 } }

        /// Gives the bytes back.
        public func release() {
            let bytes = remaining.withLock { value in
                defer { value = 0 }
                return value
            }
            if bytes > 0 { memory.give(bytes) }
        }

        deinit { release() }
    }
}
