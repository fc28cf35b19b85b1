/// `GET /v1/status`: the daemon as a whole.
public struct StatusResponse: Codable, Sendable, Equatable {
    public var version: String
    public var openvinoVersion: String
    public var pid: Int32
    /// Seconds since the daemon started.
    public var uptimeSeconds: Double
    /// Process start to "ready" (socket listening, preload done), ms: the daemon's own cold start.
    public var startupMilliseconds: Double?
    /// True when started by socket activation.
    public var socketActivated: Bool
    public var policy: String
    /// Memory budget for models, bytes, and where it came from.
    public var budgetBytes: Int64
    public var budgetSource: String
    /// Bytes held by warm models (measured).
    public var usedBytes: Int64
    /// Process resident set size now.
    public var residentBytes: Int64
    /// Last pressure level seen: `none`, `moderate` or `critical`.
    public var pressure: String
    public var modelsWarm: Int
    public var modelsTotal: Int
    public var counters: Counters
    /// Bundles the catalog skipped, with the reason.
    public var catalogProblems: [String]
    public var engine: EngineOptions
    /// Where the API is served: the Unix socket (`unix:/path`) and TCP listeners (`tcp://HOST:PORT`,
    /// with the port actually bound).
    public var listeners: [String]?
    /// Offloading to remote servers: mode, remotes, counters and estimates; nil when not configured.
    public var offload: OffloadStatus?

    public struct Counters: Codable, Sendable, Equatable {
        public var requests: Int = 0
        public var hits: Int = 0
        public var coldStarts: Int = 0
        public var loads: Int = 0
        public var loadFailures: Int = 0
        /// Evictions by reason (`budget`, `pressure-moderate`, `pressure-critical`, `ttl`, `manual`).
        public var evictions: [String: Int] = [:]
        public var errors: Int = 0

        public init() {}

        enum CodingKeys: String, CodingKey {
            case requests, hits, loads, evictions, errors
            case coldStarts = "cold_starts"
            case loadFailures = "load_failures"
        }
    }

    public init(version: String, openvinoVersion: String, pid: Int32, uptimeSeconds: Double,
                startupMilliseconds: Double?, socketActivated: Bool, policy: String, budgetBytes: Int64,
                budgetSource: String, usedBytes: Int64, residentBytes: Int64, pressure: String,
                modelsWarm: Int, modelsTotal: Int, counters: Counters, catalogProblems: [String], engine: EngineOptions) {
        self.version = version
        self.openvinoVersion = openvinoVersion
        self.pid = pid
        self.uptimeSeconds = uptimeSeconds
        self.startupMilliseconds = startupMilliseconds
        self.socketActivated = socketActivated
        self.policy = policy
        self.budgetBytes = budgetBytes
        self.budgetSource = budgetSource
        self.usedBytes = usedBytes
        self.residentBytes = residentBytes
        self.pressure = pressure
        self.modelsWarm = modelsWarm
        self.modelsTotal = modelsTotal
        self.counters = counters
        self.catalogProblems = catalogProblems
        self.engine = engine
    }

    enum CodingKeys: String, CodingKey {
        case version, pid, policy, pressure, counters, engine, listeners, offload
        case openvinoVersion = "openvino_version"
        case uptimeSeconds = "uptime_s"
        case startupMilliseconds = "startup_ms"
        case socketActivated = "socket_activated"
        case budgetBytes = "budget_bytes"
        case budgetSource = "budget_source"
        case usedBytes = "used_bytes"
        case residentBytes = "resident_bytes"
        case modelsWarm = "models_warm"
        case modelsTotal = "models_total"
        case catalogProblems = "catalog_problems"
    }
}
