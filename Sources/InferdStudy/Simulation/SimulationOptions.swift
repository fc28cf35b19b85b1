/// How the simulator models time and concurrency, to match how a trace is replayed against the daemon.
public struct SimulationOptions: Sendable, Equatable, Codable {
    /// Time compression, as `inferctl replay --speed`: a request is due at its trace time / speed, while
    /// loads, compute, keep-alives and the churn guard run in real seconds. Default 1.
    public var speed: Double
    /// Requests in flight at most, as `inferctl replay --concurrency`: a request is sent when it is due
    /// and one of these slots is free; loads (one at a time) and answers (on ``computeServers``) take
    /// their time on the clock. 0 = the classic cache model: every request is served at its due time,
    /// loads and answers take no time on the clock (their costs count in latency only). Default 0.
    public var concurrency: Int
    /// Compute servers: answers compute on at most this many at once, first come first served (a
    /// c-server queue). Default 1: one inference uses every core.
    public var computeServers: Int

    public init(speed: Double = 1, concurrency: Int = 0, computeServers: Int = 1) {
        self.speed = speed
        self.concurrency = concurrency
        self.computeServers = computeServers
    }

    enum CodingKeys: String, CodingKey {
        case speed, concurrency
        case computeServers = "compute_servers"
    }
}
