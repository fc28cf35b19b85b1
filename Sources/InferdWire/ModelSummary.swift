/// One model as `GET /v1/models` and `inferctl models` show it.
public struct ModelSummary: Codable, Sendable, Equatable {
    /// Life-cycle state of a model.
    public enum State: String, Codable, Sendable {
        case cold, loading, warm, evicting, failed
    }

    /// Priority class, after Android's oom_score_adj: victims come from the lowest class first.
    public enum PriorityClass: String, Codable, Sendable, Comparable {
        /// Evicted first: resident but not used recently.
        case cached
        /// Used within the recent window.
        case recent
        /// Requests in flight: never unloaded under them.
        case foreground
        /// Never evicted automatically.
        case pinned

        var rank: Int {
            switch self {
            case .cached: 0
            case .recent: 1
            case .foreground: 2
            case .pinned: 3
            }
        }

        public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
    }

    public var name: String
    public var state: State
    public var priorityClass: PriorityClass?
    public var pinned: Bool
    /// Measured resident bytes while warm; the estimate otherwise.
    public var bytes: Int64
    /// True when `bytes` is an estimate (never loaded yet, or not warm now).
    public var bytesEstimated: Bool
    /// What loading this model into a freshly started inferd adds, measured once in a separate process
    /// and kept in the compiled-model cache; with measured size accounting it is what a warm model is
    /// charged. Nil until measured (or with file accounting).
    public var footprintBytes: Int64?
    /// Model file size on disk.
    public var fileBytes: Int64
    /// Seconds since the Unix epoch of the last request, if any.
    public var lastUsed: Double?
    /// When a keep-alive TTL will evict it (seconds since the epoch), if one applies.
    public var expiresAt: Double?
    /// Requests answered since the daemon started.
    public var requests: Int
    /// Of those, how many paid a load.
    public var coldStarts: Int
    /// Requests in flight now.
    public var inFlight: Int
    /// Loads and evictions so far.
    public var loads: Int
    public var evictions: Int
    /// The last load's read + compile time, ms.
    public var lastLoadMilliseconds: Double?
    /// The reason of the last failure, when `state == .failed`.
    public var failure: String?
    /// The manifest's description and whether its weights are synthetic.
    public var description: String?
    public var syntheticWeights: Bool
    /// While warm: the precision inference runs in, why (what `precision auto` measured, when it
    /// chose), and the model's infer requests and queue.
    public var precision: String?
    public var precisionChoice: String?
    /// While warm: OpenVINO's performance hint the model was compiled with (`latency`, `throughput`).
    public var performanceHint: String?
    public var inference: InferenceQueueStatus?
    /// Bytes charged against the budget for the model's throughput companion (its second compiled
    /// form, serving overlapping requests) while it exists; nil: none now.
    public var companionBytes: Int64?
    /// Throughput companions built for this model since the daemon started.
    public var companionBuilds: Int

    public init(name: String, state: State, priorityClass: PriorityClass?, pinned: Bool, bytes: Int64,
                bytesEstimated: Bool, footprintBytes: Int64? = nil, fileBytes: Int64, lastUsed: Double?, expiresAt: Double?, requests: Int,
                coldStarts: Int, inFlight: Int, loads: Int, evictions: Int, lastLoadMilliseconds: Double?,
                failure: String?, companionBytes: Int64? = nil, companionBuilds: Int = 0,
                description: String?, syntheticWeights: Bool) {
        self.name = name
        self.state = state
        self.priorityClass = priorityClass
        self.pinned = pinned
        self.bytes = bytes
        self.bytesEstimated = bytesEstimated
        self.footprintBytes = footprintBytes
        self.fileBytes = fileBytes
        self.lastUsed = lastUsed
        self.expiresAt = expiresAt
        self.requests = requests
        self.coldStarts = coldStarts
        self.inFlight = inFlight
        self.loads = loads
        self.evictions = evictions
        self.lastLoadMilliseconds = lastLoadMilliseconds
        self.failure = failure
        self.companionBytes = companionBytes
        self.companionBuilds = companionBuilds
        self.description = description
        self.syntheticWeights = syntheticWeights
    }

    enum CodingKeys: String, CodingKey {
        case name, state, pinned, bytes, requests, loads, evictions, failure, description
        case priorityClass = "class"
        case bytesEstimated = "bytes_estimated"
        case footprintBytes = "footprint_bytes"
        case fileBytes = "file_bytes"
        case lastUsed = "last_used"
        case expiresAt = "expires_at"
        case coldStarts = "cold_starts"
        case inFlight = "in_flight"
        case lastLoadMilliseconds = "last_load_ms"
        case syntheticWeights = "synthetic_weights"
        case precision, inference
        case precisionChoice = "precision_choice"
        case performanceHint = "performance_hint"
        case companionBytes = "companion_bytes"
        case companionBuilds = "companion_builds"
    }

    /// Every key, `null` where a value is nil (synthesized encoding would drop it).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(state, forKey: .state)
        try c.encode(priorityClass, forKey: .priorityClass)
        try c.encode(pinned, forKey: .pinned)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(bytesEstimated, forKey: .bytesEstimated)
        try c.encode(footprintBytes, forKey: .footprintBytes)
        try c.encode(fileBytes, forKey: .fileBytes)
        try c.encode(lastUsed, forKey: .lastUsed)
        try c.encode(expiresAt, forKey: .expiresAt)
        try c.encode(requests, forKey: .requests)
        try c.encode(coldStarts, forKey: .coldStarts)
        try c.encode(inFlight, forKey: .inFlight)
        try c.encode(loads, forKey: .loads)
        try c.encode(evictions, forKey: .evictions)
        try c.encode(lastLoadMilliseconds, forKey: .lastLoadMilliseconds)
        try c.encode(failure, forKey: .failure)
        try c.encode(description, forKey: .description)
        try c.encode(syntheticWeights, forKey: .syntheticWeights)
        try c.encode(precision, forKey: .precision)
        try c.encode(precisionChoice, forKey: .precisionChoice)
        try c.encode(performanceHint, forKey: .performanceHint)
        try c.encode(inference, forKey: .inference)
        try c.encode(companionBytes, forKey: .companionBytes)
        try c.encode(companionBuilds, forKey: .companionBuilds)
    }
}

/// `GET /v1/models`.
public struct ModelList: Codable, Sendable, Equatable {
    public var models: [ModelSummary]
    public init(models: [ModelSummary]) { self.models = models }
}
