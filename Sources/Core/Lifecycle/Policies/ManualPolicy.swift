/// Only explicit unloads (and keep-alive expiry, when a model has one). A load that does not fit in
/// the budget is refused with 507 instead of evicting; pressure evicts nothing. For operators who place
/// models by hand.
public struct ManualPolicy: EvictionPolicy {
    public let name = "manual"
    public var evictsAutomatically: Bool { false }
    public init() {}

    public func order(_ candidates: [EvictionCandidate], now: Double) -> [EvictionCandidate] {
        LRUPolicy().order(candidates, now: now)
    }
}
