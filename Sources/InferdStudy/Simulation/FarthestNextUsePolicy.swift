import Core

/// Belady's victim order for the simulator's oracle: the model whose next request is farthest away goes
/// first (never requested again = farthest). It sees the future, so only the simulator can run it.
struct FarthestNextUsePolicy: EvictionPolicy {
    let name = "oracle"
    /// Index in the trace of each model's next request (`Int.max` = none).
    let nextUse: [String: Int]

    func order(_ candidates: [EvictionCandidate], now: Double) -> [EvictionCandidate] {
        candidates.sorted {
            let (a, b) = (nextUse[$0.name] ?? .max, nextUse[$1.name] ?? .max)
            return a != b ? a > b : $0.usedBefore($1)
        }
    }
}
