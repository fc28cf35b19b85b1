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
    /// Answers with `cold == false`.
    var hits: Int
    var coldStarts: Int
    var hitRatio: Double
    /// Evictions during the replay, by reason (from the daemon's counters).
    var evictions: [String: Int]
    /// Loads the daemon did during the replay.
    var loads: Int
    /// Client end-to-end latency, ms.
    var latency: LatencySummary
    /// How late requests were sent against their scheduled time (ms): the replayer's own lag.
    var lateness: LatencySummary
    var elapsedSeconds: Double
    var maxUsedBytes: Int64
    var memory: [MemorySample]

    enum CodingKeys: String, CodingKey {
        case trace, speed, concurrency, requests, completed, errors, hits, evictions, loads, latency, lateness, memory
        case errorMessages = "error_messages"
        case coldStarts = "cold_starts"
        case hitRatio = "hit_ratio"
        case elapsedSeconds = "elapsed_s"
        case maxUsedBytes = "max_used_bytes"
    }
}
