/// Mean and percentiles of a set of latencies, ms (nearest-rank percentiles).
public struct LatencySummary: Codable, Sendable, Equatable {
    public var count: Int
    public var mean: Double
    public var p50: Double
    public var p95: Double
    public var p99: Double
    public var max: Double

    /// Summarises `values` (any order); all zero when empty.
    public init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        guard !sorted.isEmpty else {
            mean = 0; p50 = 0; p95 = 0; p99 = 0; max = 0
            return
        }
        mean = sorted.reduce(0, +) / Double(sorted.count)
        func rank(_ p: Double) -> Double {
            sorted[Swift.min(sorted.count - 1, Swift.max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))]
        }
        p50 = rank(50)
        p95 = rank(95)
        p99 = rank(99)
        max = sorted[sorted.count - 1]
    }
}
