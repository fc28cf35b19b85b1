/// Least recently used first (ties of the clock broken by request order, see
/// ``EvictionCandidate/usedBefore(_:)``). The default: what Android's cached-process list and most model
/// servers do.
public struct LRUPolicy: EvictionPolicy {
    public let name = "lru"
    public init() {}

    public func order(_ candidates: [EvictionCandidate], now: Double) -> [EvictionCandidate] {
        candidates.sorted { $0.usedBefore($1) }
    }
}
