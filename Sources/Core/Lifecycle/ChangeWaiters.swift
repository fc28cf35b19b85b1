/// Requests parked on the lifecycle actor until model state changes (a lease returned, a load or an
/// eviction finished, the catalog replaced), instead of polling with sleeps.
///
/// The actor owns one value; ``add(_:)`` is called inside `withCheckedContinuation`, so parking is
/// atomic with the check that made the caller wait. Every change resumes every waiter (they re-check
/// their condition); a waiter's deadline resumes it alone.
struct ChangeWaiters {
    /// Why a parked caller woke up.
    enum Wake: Sendable {
        /// Model state changed: look again.
        case changed
        /// The caller's deadline passed first.
        case timedOut
    }

    private var parked: [UInt64: CheckedContinuation<Wake, Never>] = [:]
    private var nextID: UInt64 = 0

    /// A fresh identifier for the next waiter (used to time it out).
    mutating func reserveID() -> UInt64 {
        nextID += 1
        return nextID
    }

    /// Parks `continuation` under `id`.
    mutating func add(_ id: UInt64, _ continuation: CheckedContinuation<Wake, Never>) {
        parked[id] = continuation
    }

    /// Resumes every parked waiter with `.changed`.
    mutating func resumeAll() {
        let waking = parked
        parked = [:]
        for continuation in waking.values { continuation.resume(returning: .changed) }
    }

    /// Resumes the waiter `id` with `.timedOut`, if it is still parked.
    mutating func expire(_ id: UInt64) {
        parked.removeValue(forKey: id)?.resume(returning: .timedOut)
    }
}
