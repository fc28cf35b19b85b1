import Core

/// What `inferctl replay` measured.
struct ReplayResult: Codable {
    struct MemorySample: Codable {
        /// Seconds since the replay started.
        var time: Double
        var usedBytes: Int64
        var residentBytes: Int64
        var warmModels: Int

        enum CodingKeys: String, CodingKey {
            case time
            case usedBytes = "used_bytes"
            case residentBytes = "resident_bytes"
            case warmModels = "warm_models"
        }
    }

    var trace: String
    var speed: Double
    var concurrency: Int
    var requests: Int
    var completed: Int
    var errors: Int
    /// Error messages by count (first 20 distinct).
    var errorMessages: [String: Int]
    /// Answers that found their model warm (`cold == false`).
    var warmAnswers: Int
    /// Answers that waited on a load, their own or one another request started (`cold == true`).
    var coldAnswers: Int
    /// warm answers / requests.
    var hitRatio: Double
    /// Evictions during the replay, by reason (from the daemon's counters).
    var evictions: [String: Int]
    /// Loads the daemon did during the replay (its counter): with `simulate`'s loads, the number to compare.
    var loads: Int
    /// Client end-to-end latency, ms.
    var latency: LatencySummary
    /// How late requests were sent against their scheduled time (ms): the replayer's own lag.
    var lateness: LatencySummary
    var elapsedSeconds: Double
    var maxUsedBytes: Int64
    var memory: [MemorySample]

    enum CodingKeys: String, CodingKey {
        case trace, speed, concurrency, requests, completed, errors, evictions, loads, latency, lateness, memory
        case errorMessages = "error_messages"
        case warmAnswers = "warm_answers"
        case coldAnswers = "cold_answers"
        case hitRatio = "hit_ratio"
        case elapsedSeconds = "elapsed_s"
        case maxUsedBytes = "max_used_bytes"
    }
}
