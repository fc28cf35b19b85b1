import Core

/// Belady's victim order for the simulator's oracle: the model whose next request is farthest away goes
/// first (never requested again = farthest). It sees the future, so only the simulator can run it.
struct FarthestNextUsePolicy: EvictionPolicy {
    let name = "oracle"
    /// The simulator's models, and the index in the trace of each one's next request (`Int.max` = none).
    let models: [String]
    let nextUse: [Int]

    func order(_ candidates: [EvictionCandidate], now: Double) -> [EvictionCandidate] {
        candidates.map { candidate in (models.firstIndex(of: candidate.name).map { nextUse[$0] } ?? .max, candidate) }
            .sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1.usedBefore($1.1) }
            .map { $0.1 }
    }
}
