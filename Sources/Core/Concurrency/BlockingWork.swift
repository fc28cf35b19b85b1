import Dispatch

/// Runs blocking work on Dispatch threads, off Swift's cooperative pool, for client tools (inferctl's
/// exchanges and benchmarks), whose concurrency is bounded by what the tool itself starts.
///
/// The daemon's decoding and inference never use this: they run on a ``ComputePool`` sized to the
/// cores, behind a bounded queue, so a slow dependency cannot make it spawn threads without end. The
/// daemon uses it only to free an evicted model (``ModelDisposal``, tens of milliseconds each).
///
/// On Linux these workers come from the threads Swift's cooperative pool runs on (about one per
/// core): nothing that blocks for long belongs here.
public enum BlockingWork {
    private static let queue = DispatchQueue(label: "inferd.blocking", qos: .userInitiated, attributes: .concurrent)

    /// Runs `body` on a Dispatch worker and returns (or throws) its result.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    /// This as a ``BlockingExecutor`` (deadlines are not enforced: there is no queue).
    public static let executor: any BlockingExecutor = DispatchExecutor()

    private struct DispatchExecutor: BlockingExecutor {
        func run<T: Sendable>(deadline: ContinuousClock.Instant?, _ body: @escaping @Sendable () throws -> T) async throws -> T {
            try await BlockingWork.run(body)
        }
    }
}
