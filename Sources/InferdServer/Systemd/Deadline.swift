import Synchronization

/// Runs async work with a deadline that holds even when the work never returns — a hung actor
/// ignores cancellation, so a task group (which waits for its children) would hang with it.
enum Deadline {
    /// What happened to the work.
    enum Outcome: Sendable, Equatable {
        case finished
        case failed(String)
        case timedOut
    }

    /// Starts `work` in its own task and returns when it finishes or `limit` passes, whichever is
    /// first. On time-out the work is cancelled and left behind (it cannot be waited for).
    static func run(_ limit: Duration, _ work: @escaping @Sendable () async throws -> Void) async -> Outcome {
        let settled = Mutex(false)
        return await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let resume: @Sendable (Outcome) -> Bool = { outcome in
                let first = settled.withLock { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(returning: outcome) }
                return first
            }
            let worker = Task {
                do {
                    try await work()
                    return resume(.finished)
                } catch {
                    return resume(.failed("\(error)"))
                }
            }
            Task {
                let timer = Task { try await Task.sleep(for: limit) }
                // Whichever comes first: the work's end stops the timer early.
                Task { _ = await worker.value; timer.cancel() }
                _ = try? await timer.value
                if resume(.timedOut) { worker.cancel() }
            }
        }
    }
}
