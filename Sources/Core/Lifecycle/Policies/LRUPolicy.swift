/// Least recently used first. The default: what Android's cached-process list and most model
/// servers do.
public struct LRUPolicy: EvictionPolicy {
    public let name = "lru"
    public init() {}

    public func order(_ candidates: [EvictionCandidate], now: Double) -> [EvictionCandidate] {
        candidates.sorted { ($0.lastUsed, $0.name) < ($1.lastUsed, $1.name) }
    }
}
