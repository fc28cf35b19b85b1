/// One of the daemon's bounded worker pools in `GET /v1/status` → `pools`: `compute` (decoding,
/// tensor preparation, fallback inference), `compute-offload` (its lane for requests planned for a
/// remote) and `loader` (reading and compiling models). Requests past a pool's queue, or still
/// waiting at their deadline, were answered 503 with `Retry-After`; these counters say how often.
public struct WorkerPoolStatus: Codable, Sendable, Equatable {
    /// `compute`, `compute-offload` or `loader`.
    public var name: String
    /// Jobs that may run at once (worker threads, or the lane's share of them).
    public var threads: Int
    /// Jobs running now.
    public var running: Int
    /// Jobs waiting for a worker now.
    public var queued: Int
    /// How many may wait; more are refused at once.
    public var queueLimit: Int
    /// Jobs admitted since start.
    public var admitted: Int
    /// Jobs refused since start because the queue was full.
    public var refusedQueueFull: Int
    /// Jobs that gave up since start because their deadline passed while they waited.
    public var refusedDeadline: Int

    public init(name: String, threads: Int, running: Int, queued: Int, queueLimit: Int, admitted: Int,
                refusedQueueFull: Int, refusedDeadline: Int) {
        self.name = name
        self.threads = threads
        self.running = running
        self.queued = queued
        self.queueLimit = queueLimit
        self.admitted = admitted
        self.refusedQueueFull = refusedQueueFull
        self.refusedDeadline = refusedDeadline
    }

    enum CodingKeys: String, CodingKey {
        case name, threads, running, queued, admitted
        case queueLimit = "queue_limit"
        case refusedQueueFull = "refused_queue_full"
        case refusedDeadline = "refused_deadline"
    }
}
