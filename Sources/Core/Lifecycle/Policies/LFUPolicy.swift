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
            let (a, b) = (frequency[$0.name] ?? 0, frequency[$1.name] ?? 0)
            return a != b ? a < b : $0.usedBefore($1)
        }
    }
}
