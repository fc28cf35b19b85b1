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
        // Each frequency looked up once, not once per comparison.
        candidates.map { (frequency[$0.name] ?? 0, $0) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1.usedBefore($1.1) }
            .map { $0.1 }
    }
}
