/// What one policy did with one trace under one budget.
public struct SimulationResult: Codable, Sendable, Equatable {
    public var policy: String
    public var budgetBytes: Int64
    public var requests: Int
    /// Requests that found their model warm.
    public var hits: Int
    /// Requests that had to load their model.
    public var coldStarts: Int
    /// Requests refused because the model can never fit (or the manual policy had no room).
    public var refused: Int
    /// Loads done ahead of a request (pre-warm policy).
    public var prewarmLoads: Int
    /// Load time paid by requests, ms.
    public var loadMillisecondsPaid: Double
    /// Load time spent in the background (pre-warming), ms.
    public var backgroundLoadMilliseconds: Double
    public var meanLatencyMilliseconds: Double
    public var p99LatencyMilliseconds: Double
    /// Memory held over time: the integral of resident bytes, byte-seconds.
    public var byteSeconds: Double
    /// Evictions by reason.
    public var evictions: [String: Int]

    /// hits / requests (a refused request counts as a miss).
    public var hitRatio: Double {
        requests > 0 ? Double(hits) / Double(requests) : 0
    }

    enum CodingKeys: String, CodingKey {
        case policy, requests, hits, refused, evictions
        case budgetBytes = "budget_bytes"
        case coldStarts = "cold_starts"
        case prewarmLoads = "prewarm_loads"
        case loadMillisecondsPaid = "load_ms_paid"
        case backgroundLoadMilliseconds = "background_load_ms"
        case meanLatencyMilliseconds = "mean_latency_ms"
        case p99LatencyMilliseconds = "p99_latency_ms"
        case byteSeconds = "byte_seconds"
        case hitRatio = "hit_ratio"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(policy, forKey: .policy)
        try container.encode(budgetBytes, forKey: .budgetBytes)
        try container.encode(requests, forKey: .requests)
        try container.encode(hits, forKey: .hits)
        try container.encode(coldStarts, forKey: .coldStarts)
        try container.encode(refused, forKey: .refused)
        try container.encode(prewarmLoads, forKey: .prewarmLoads)
        try container.encode(loadMillisecondsPaid, forKey: .loadMillisecondsPaid)
        try container.encode(backgroundLoadMilliseconds, forKey: .backgroundLoadMilliseconds)
        try container.encode(meanLatencyMilliseconds, forKey: .meanLatencyMilliseconds)
        try container.encode(p99LatencyMilliseconds, forKey: .p99LatencyMilliseconds)
        try container.encode(byteSeconds, forKey: .byteSeconds)
        try container.encode(evictions, forKey: .evictions)
        try container.encode(hitRatio, forKey: .hitRatio)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        policy = try container.decode(String.self, forKey: .policy)
        budgetBytes = try container.decode(Int64.self, forKey: .budgetBytes)
        requests = try container.decode(Int.self, forKey: .requests)
        hits = try container.decode(Int.self, forKey: .hits)
        coldStarts = try container.decode(Int.self, forKey: .coldStarts)
        refused = try container.decode(Int.self, forKey: .refused)
        prewarmLoads = try container.decode(Int.self, forKey: .prewarmLoads)
        loadMillisecondsPaid = try container.decode(Double.self, forKey: .loadMillisecondsPaid)
        backgroundLoadMilliseconds = try container.decode(Double.self, forKey: .backgroundLoadMilliseconds)
        meanLatencyMilliseconds = try container.decode(Double.self, forKey: .meanLatencyMilliseconds)
        p99LatencyMilliseconds = try container.decode(Double.self, forKey: .p99LatencyMilliseconds)
        byteSeconds = try container.decode(Double.self, forKey: .byteSeconds)
        evictions = try container.decode([String: Int].self, forKey: .evictions)
    }

    init(policy: String, budgetBytes: Int64) {
        self.policy = policy
        self.budgetBytes = budgetBytes
        requests = 0
        hits = 0
        coldStarts = 0
        refused = 0
        prewarmLoads = 0
        loadMillisecondsPaid = 0
        backgroundLoadMilliseconds = 0
        meanLatencyMilliseconds = 0
        p99LatencyMilliseconds = 0
        byteSeconds = 0
        evictions = [:]
    }
}
