import Core
import Histogram

/// Records durations in milliseconds and summarises them with HdrHistogram: mean, p50, p95, p99.
///
/// Values are kept in microseconds (so 0.001 ms is the resolution) with three significant digits;
/// the histogram grows as needed, so any duration fits. Negative values are recorded as 0. The mean,
/// minimum and maximum are kept exactly beside the histogram, so a single value summarises to itself.
public struct LatencyHistogram: Sendable {
    private var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
    private var sum = 0.0
    private var smallest = Double.infinity
    private var largest = -Double.infinity

    /// An empty histogram.
    public init() {
        histogram.autoResize = true
    }

    /// A histogram holding `values` (milliseconds).
    public init<S: Sequence>(_ values: S) where S.Element == Double {
        self.init()
        for value in values { record(value) }
    }

    /// How many values were recorded.
    public var count: Int { Int(histogram.totalCount) }

    /// Records one duration, in milliseconds.
    public mutating func record(_ milliseconds: Double) {
        let value = milliseconds.isFinite ? Swift.max(0, milliseconds) : 0
        _ = histogram.record(UInt64((value * 1000).rounded()))
        sum += value
        smallest = Swift.min(smallest, value)
        largest = Swift.max(largest, value)
    }

    /// The value at `percentile` (0...100), milliseconds; 0 when empty.
    public func percentile(_ percentile: Double) -> Double {
        guard count > 0 else { return 0 }
        // HdrHistogram reports the highest value equivalent to the bucket; clamp to what was seen.
        let value = Double(histogram.valueAtPercentile(percentile)) / 1000
        return Swift.min(Swift.max(value, smallest), largest)
    }

    /// Mean, p50, p95, p99, minimum and maximum (see ``LatencySummary``).
    public var summary: LatencySummary {
        guard count > 0 else { return .empty }
        return LatencySummary(count: count, mean: sum / Double(count), p50: percentile(50), p95: percentile(95),
                              p99: percentile(99), min: smallest, max: largest)
    }
}
