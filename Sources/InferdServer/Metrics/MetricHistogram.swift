/// A fixed-bucket histogram as Prometheus keeps one: a count per upper bound (not cumulative here;
/// ``PrometheusText`` accumulates when writing), the sum and the total count.
public struct MetricHistogram: Sendable, Equatable {
    /// Upper bounds, ascending; `+Inf` is implicit.
    public let bounds: [Double]
    /// Observations that fell in each bucket (`bounds[i-1] < v <= bounds[i]`).
    public private(set) var counts: [UInt64]
    /// Sum of all observations.
    public private(set) var sum: Double = 0
    /// Number of observations (including those above the last bound).
    public private(set) var count: UInt64 = 0

    /// Buckets for request steps, seconds: 1 ms to 10 s (decode and compute of small models take a few
    /// ms; a cold start with a queue can take seconds).
    public static let requestSeconds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// Buckets for model loads, seconds: 50 ms (a cached small model) to 2 min (a large model compiled cold).
    public static let loadSeconds: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

    public init(bounds: [Double]) {
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count)
    }

    /// Adds one observation.
    public mutating func observe(_ value: Double) {
        if let index = bounds.firstIndex(where: { value <= $0 }) { counts[index] += 1 }
        sum += value
        count += 1
    }
}
