/// What one policy did with one trace under one budget.
///
/// The words are the ones `inferctl replay` uses, so the two can be compared field by field:
/// a **load** is a model read and compiled for a request; a **cold answer** is an answer that waited on
/// a load (its own, or one another request started); a **warm answer** found its model warm.
/// warm answers + cold answers + refused = requests; loads <= cold answers.
public struct SimulationResult: Codable, Sendable, Equatable {
    /// One model's share of the run.
    public struct ModelBreakdown: Codable, Sendable, Equatable {
        public var requests = 0
        public var loads = 0
        public var coldAnswers = 0
        public var warmAnswers = 0
        /// Load time paid by requests for this model, seconds.
        public var loadSecondsPaid = 0.0

        /// warm answers / requests.
        public var hitRatio: Double { requests > 0 ? Double(warmAnswers) / Double(requests) : 0 }

        public init() {}

        enum CodingKeys: String, CodingKey {
            case requests, loads
            case coldAnswers = "cold_answers"
            case warmAnswers = "warm_answers"
            case loadSecondsPaid = "load_s_paid"
            case hitRatio = "hit_ratio"
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(requests, forKey: .requests)
            try container.encode(loads, forKey: .loads)
            try container.encode(coldAnswers, forKey: .coldAnswers)
            try container.encode(warmAnswers, forKey: .warmAnswers)
            try container.encode(loadSecondsPaid, forKey: .loadSecondsPaid)
            try container.encode(hitRatio, forKey: .hitRatio)
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            requests = try container.decode(Int.self, forKey: .requests)
            loads = try container.decode(Int.self, forKey: .loads)
            coldAnswers = try container.decode(Int.self, forKey: .coldAnswers)
            warmAnswers = try container.decode(Int.self, forKey: .warmAnswers)
            loadSecondsPaid = try container.decode(Double.self, forKey: .loadSecondsPaid)
        }
    }

    public var policy: String
    public var budgetBytes: Int64
    public var requests = 0
    /// Loads requests caused (pre-warm loads are counted apart).
    public var loads = 0
    /// Answers that waited on a load.
    public var coldAnswers = 0
    /// Answers that found their model warm.
    public var warmAnswers = 0
    /// Requests refused: the model can never fit, the manual policy had no room, or room did not come
    /// within the wait timeout.
    public var refused = 0
    /// Loads done ahead of a request (pre-warm policy).
    public var prewarmLoads = 0
    /// Load time paid by requests, ms.
    public var loadMillisecondsPaid = 0.0
    /// Load time spent in the background (pre-warming), ms.
    public var backgroundLoadMilliseconds = 0.0
    public var meanLatencyMilliseconds = 0.0
    public var p99LatencyMilliseconds = 0.0
    /// Memory held over time: the integral of resident bytes, byte-seconds.
    public var byteSeconds = 0.0
    /// Bytes loaded for requests over bytes requested (each request counts its model's size).
    public var byteMissRatio = 0.0
    /// Evictions by reason.
    public var evictions: [String: Int] = [:]
    /// Per model, by name.
    public var models: [String: ModelBreakdown] = [:]

    /// warm answers / requests (a refused request counts as a miss).
    public var hitRatio: Double {
        requests > 0 ? Double(warmAnswers) / Double(requests) : 0
    }

    public init(policy: String, budgetBytes: Int64) {
        self.policy = policy
        self.budgetBytes = budgetBytes
    }

    enum CodingKeys: String, CodingKey {
        case policy, requests, loads, refused, evictions, models
        case budgetBytes = "budget_bytes"
        case coldAnswers = "cold_answers"
        case warmAnswers = "warm_answers"
        case prewarmLoads = "prewarm_loads"
        case loadMillisecondsPaid = "load_ms_paid"
        case backgroundLoadMilliseconds = "background_load_ms"
        case meanLatencyMilliseconds = "mean_latency_ms"
        case p99LatencyMilliseconds = "p99_latency_ms"
        case byteSeconds = "byte_seconds"
        case byteMissRatio = "byte_miss_ratio"
        case hitRatio = "hit_ratio"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(policy, forKey: .policy)
        try container.encode(budgetBytes, forKey: .budgetBytes)
        try container.encode(requests, forKey: .requests)
        try container.encode(loads, forKey: .loads)
        try container.encode(coldAnswers, forKey: .coldAnswers)
        try container.encode(warmAnswers, forKey: .warmAnswers)
        try container.encode(refused, forKey: .refused)
        try container.encode(prewarmLoads, forKey: .prewarmLoads)
        try container.encode(loadMillisecondsPaid, forKey: .loadMillisecondsPaid)
        try container.encode(backgroundLoadMilliseconds, forKey: .backgroundLoadMilliseconds)
        try container.encode(meanLatencyMilliseconds, forKey: .meanLatencyMilliseconds)
        try container.encode(p99LatencyMilliseconds, forKey: .p99LatencyMilliseconds)
        try container.encode(byteSeconds, forKey: .byteSeconds)
        try container.encode(byteMissRatio, forKey: .byteMissRatio)
        try container.encode(evictions, forKey: .evictions)
        try container.encode(models, forKey: .models)
        try container.encode(hitRatio, forKey: .hitRatio)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        policy = try container.decode(String.self, forKey: .policy)
        budgetBytes = try container.decode(Int64.self, forKey: .budgetBytes)
        requests = try container.decode(Int.self, forKey: .requests)
        loads = try container.decode(Int.self, forKey: .loads)
        coldAnswers = try container.decode(Int.self, forKey: .coldAnswers)
        warmAnswers = try container.decode(Int.self, forKey: .warmAnswers)
        refused = try container.decode(Int.self, forKey: .refused)
        prewarmLoads = try container.decode(Int.self, forKey: .prewarmLoads)
        loadMillisecondsPaid = try container.decode(Double.self, forKey: .loadMillisecondsPaid)
        backgroundLoadMilliseconds = try container.decode(Double.self, forKey: .backgroundLoadMilliseconds)
        meanLatencyMilliseconds = try container.decode(Double.self, forKey: .meanLatencyMilliseconds)
        p99LatencyMilliseconds = try container.decode(Double.self, forKey: .p99LatencyMilliseconds)
        byteSeconds = try container.decode(Double.self, forKey: .byteSeconds)
        byteMissRatio = try container.decode(Double.self, forKey: .byteMissRatio)
        evictions = try container.decode([String: Int].self, forKey: .evictions)
        models = try container.decode([String: ModelBreakdown].self, forKey: .models)
    }
}
