/// Somewhere blocking work (decoding, tensor preparation, inference) can run off Swift's cooperative
/// pool. The daemon hands out lanes of its bounded ``ComputePool``; a client tool (inferctl) uses
/// ``BlockingWork/executor``. Code shared by both (``RemoteClassifier``'s decoding) takes one of these.
public protocol BlockingExecutor: Sendable {
    /// Runs `body` on a worker thread and returns (or throws) its result.
    ///
    /// - Parameter deadline: when the work must have started by; an executor with a queue refuses it
    ///   past that (``AdmissionError``). nil waits as long as the executor's queue allows.
    func run<T: Sendable>(deadline: ContinuousClock.Instant?, _ body: @escaping @Sendable () throws -> T) async throws -> T
}
