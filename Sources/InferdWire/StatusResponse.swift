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
    /// Resident memory with the engine started and no model loaded (runtime, device plugin, Swift):
    /// what the daemon costs before any model. Nil from daemons that do not measure it.
    public var baseResidentBytes: Int64?
    /// Resident memory charged to nothing: ``residentBytes`` minus the models' ``usedBytes`` minus
    /// ``baseResidentBytes`` — requests in flight (bodies, decoded pixels), per-model scratch the
    /// measurement missed, and heap the allocator keeps. Can be negative when a model's charge
    /// overestimates. Nil with ``baseResidentBytes``.
    public var unchargedBytes: Int64?
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
    /// Bytes requests in flight hold now (bodies, decoded pixels, tensors), and the cap on them
    /// (`limits.max_in_flight_bytes`); past the cap new requests wait briefly, then get 503.
    public var inFlightBytes: Int64?
    public var inFlightLimitBytes: Int64?
    /// The bounded worker pools (``WorkerPoolStatus``): running, queued and refused jobs. Nil from
    /// daemons that do not report them.
    public var pools: [WorkerPoolStatus]?

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

    /// What an unauthenticated caller over TCP may see: no pid (0), no file paths (the Unix socket, the
    /// cache directory, the catalog's problems, which name files), the rest unchanged. Local callers
    /// and callers with the admin token get everything.
    public func redactedForNetwork() -> StatusResponse {
        var copy = self
        copy.pid = 0
        copy.listeners = listeners?.filter { !$0.hasPrefix("unix:") && !$0.hasPrefix("fd ") }
        copy.engine.cacheDirectory = engine.cacheDirectory == nil ? nil : "(hidden)"
        copy.catalogProblems = catalogProblems.isEmpty ? [] : ["\(catalogProblems.count) problem(s): details over the Unix socket or with the admin token"]
        return copy
    }

    enum CodingKeys: String, CodingKey {
        case version, pid, policy, pressure, counters, engine, listeners, offload, pools
        case openvinoVersion = "openvino_version"
        case uptimeSeconds = "uptime_s"
        case startupMilliseconds = "startup_ms"
        case socketActivated = "socket_activated"
        case budgetBytes = "budget_bytes"
        case budgetSource = "budget_source"
        case usedBytes = "used_bytes"
        case residentBytes = "resident_bytes"
        case baseResidentBytes = "base_resident_bytes"
        case unchargedBytes = "uncharged_bytes"
        case modelsWarm = "models_warm"
        case modelsTotal = "models_total"
        case catalogProblems = "catalog_problems"
        case inFlightBytes = "in_flight_bytes"
        case inFlightLimitBytes = "in_flight_limit_bytes"
    }

    /// Every key, `null` where a value is nil (synthesized encoding would drop it).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(openvinoVersion, forKey: .openvinoVersion)
        try c.encode(pid, forKey: .pid)
        try c.encode(uptimeSeconds, forKey: .uptimeSeconds)
        try c.encode(startupMilliseconds, forKey: .startupMilliseconds)
        try c.encode(socketActivated, forKey: .socketActivated)
        try c.encode(policy, forKey: .policy)
        try c.encode(budgetBytes, forKey: .budgetBytes)
        try c.encode(budgetSource, forKey: .budgetSource)
        try c.encode(usedBytes, forKey: .usedBytes)
        try c.encode(residentBytes, forKey: .residentBytes)
        try c.encode(pressure, forKey: .pressure)
        try c.encode(modelsWarm, forKey: .modelsWarm)
        try c.encode(modelsTotal, forKey: .modelsTotal)
        try c.encode(counters, forKey: .counters)
        try c.encode(catalogProblems, forKey: .catalogProblems)
        try c.encode(engine, forKey: .engine)
        try c.encode(listeners, forKey: .listeners)
        try c.encode(offload, forKey: .offload)
        try c.encode(inFlightBytes, forKey: .inFlightBytes)
        try c.encode(inFlightLimitBytes, forKey: .inFlightLimitBytes)
        try c.encode(baseResidentBytes, forKey: .baseResidentBytes)
        try c.encode(unchargedBytes, forKey: .unchargedBytes)
        try c.encode(pools, forKey: .pools)
    }
}
