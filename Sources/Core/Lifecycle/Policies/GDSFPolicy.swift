/// GreedyDual-Size-Frequency (Cherkasova, 1998): priority = L + frequency × cost / size, lowest first.
///
/// Cost is the model's measured load time (ms), size its resident MiB, frequency its requests since it
/// was last loaded. L, the inflation value, rises to each victim's priority, so models that were hot
/// long ago age out. Cheap-to-reload and large models go first; expensive, small, busy ones stay.
public struct GDSFPolicy: EvictionPolicy {
    public let name = "gdsf"
    /// The inflation value L.
    public private(set) var inflation: Double = 0
    /// Requests since load, per resident model.
    public private(set) var frequency: [String: Int] = [:]
    /// Current priority per resident model.
    public private(set) var priority: [String: Double] = [:]
    public init() {}

    public mutating func recordAccess(_ candidate: EvictionCandidate, now: Double) {
        let count = frequency[candidate.name, default: 0] + 1
        frequency[candidate.name] = count
        priority[candidate.name] = inflation + Self.value(count: count, candidate: candidate)
    }

    public mutating func recordEviction(_ name: String, now: Double) {
        if let victim = priority[name] { inflation = max(inflation, victim) }
        priority[name] = nil
        frequency[name] = nil
    }

    public func order(_ candidates: [EvictionCandidate], now: Double) -> [EvictionCandidate] {
        // Each priority looked up once, not once per comparison.
        candidates.map { (priority[$0.name] ?? inflation + Self.value(count: 1, candidate: $0), $0) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1.usedBefore($1.1) }
            .map { $0.1 }
    }

    /// frequency × cost(ms) / size(MiB); a size of 0 counts as 1 KiB.
    static func value(count: Int, candidate: EvictionCandidate) -> Double {
        let mebibytes = max(Double(candidate.bytes), 1024) / 1_048_576
        return Double(count) * max(candidate.loadCost, 0.001) / mebibytes
    }
}
