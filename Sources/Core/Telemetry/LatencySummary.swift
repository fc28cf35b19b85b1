/// Summary statistics of a set of durations, in milliseconds: what a benchmark cell reports per
/// column (the paper's mean, plus the percentiles a tail-latency study needs).
///
/// Produced by ``LatencyHistogram/summary``. Every key is always present in JSON; an empty set
/// summarises to zeros with `count == 0`.
public struct LatencySummary: Codable, Sendable, Equatable {
    /// How many values were recorded.
    public var count: Int
    /// Arithmetic mean of the recorded values (exact, not from the histogram's buckets).
    public var mean: Double
    /// Percentiles from the histogram (to its precision: 3 significant digits).
    public var p50: Double
    public var p95: Double
    public var p99: Double
    /// Smallest and largest recorded value (exact).
    public var min: Double
    public var max: Double

    /// A summary with the given figures.
    public init(count: Int, mean: Double, p50: Double, p95: Double, p99: Double, min: Double, max: Double) {
        self.count = count
        self.mean = mean
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
        self.min = min
        self.max = max
    }

    /// The summary of no values: all zeros.
    public static let empty = LatencySummary(count: 0, mean: 0, p50: 0, p95: 0, p99: 0, min: 0, max: 0)
}

extension LatencySummary {
    /// The exact summary of `values` (nearest-rank percentiles), for small sets that need no histogram.
    public init(_ values: [Double]) {
        let sorted = values.sorted()
        guard let first = sorted.first, let last = sorted.last else {
            self = .empty
            return
        }
        func rank(_ p: Double) -> Double {
            sorted[Swift.min(sorted.count - 1, Swift.max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))]
        }
        self.init(count: sorted.count, mean: sorted.reduce(0, +) / Double(sorted.count),
                  p50: rank(50), p95: rank(95), p99: rank(99), min: first, max: last)
    }
}
