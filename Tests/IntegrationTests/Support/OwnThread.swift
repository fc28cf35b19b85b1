import Foundation

/// Blocking work in tests runs on a thread of its own, never on Swift's cooperative pool or Dispatch's
/// global queues.
///
/// On Linux the cooperative pool and `DispatchQueue.global()` share Dispatch's non-overcommit threads,
/// about one per core. Two blocked jobs on a 2-core machine stop every other test in the process: in CI
/// (2026-12-03) `make install` (190 s) and headless chromium, each waited for on two Dispatch workers,
/// held a hundred unrelated tests still for 150 s, and the footprint meter's 1 s timeout test failed.
enum OwnThread {
    /// Runs `body` on a new thread and returns (or throws) its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            start { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Starts `body` on a new thread and returns at once.
    static func start(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.stackSize = 1 << 20
        thread.start()
    }
}
