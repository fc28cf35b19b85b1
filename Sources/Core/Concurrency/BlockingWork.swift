import Dispatch

/// Runs blocking work (decoding, model compilation, inference) on Dispatch threads, off Swift's
/// cooperative pool, so a long compile never stalls the tasks that accept connections or run timers.
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
}
