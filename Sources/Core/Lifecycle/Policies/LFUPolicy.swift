/// Least frequently used first, counting every request since the daemon started (so a popular model
/// keeps its standing across evictions); ties go to the least recently used.
public struct LFUPolicy: EvictionPolicy {
    public let name = "lfu"
    /// Requests per model.
    public private(set) var frequency: [String: Int] = [:]
    public init() {}

    public mutating func recordAccess(_ candidate: EvictionCandidate, now: Double) {
        frequency[candidate.name, default: 0] += 1
    }

    public func order(_ candidates: [EvictionCandidate], now: Double) -> [EvictionCandidate] {
        candidates.sorted {
            (frequency[$0.name] ?? 0, $0.lastUsed, $0.name) < (frequency[$1.name] ?? 0, $1.lastUsed, $1.name)
        }
    }
}
