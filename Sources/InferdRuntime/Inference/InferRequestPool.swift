import Synchronization

/// Hands out a compiled model's infer requests, one caller at a time each, creating them on demand.
///
/// Requests are kept for reuse (creating one allocates its input and output buffers). Concurrent
/// callers each get their own request, so inferences on one warm model run in parallel.
public final class InferRequestPool: Sendable {
    private let model: CompiledModel
    private let idle = Mutex<[InferRequest]>([])

    public init(model: CompiledModel) { self.model = model }

    /// Runs `body` with an infer request no one else is using, then returns it to the pool.
    public func withRequest<T>(_ body: (InferRequest) throws -> T) throws -> T {
        let request = try idle.withLock { $0.popLast() } ?? model.makeInferRequest()
        defer { idle.withLock { $0.append(request) } }
        return try body(request)
    }
}
