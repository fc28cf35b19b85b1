import Foundation

/// A base-10 logarithmic axis over whole decades, with a tick at every power of ten: for figures
/// that span orders of magnitude (a 2013 phone's seconds beside this host's milliseconds).
public struct ChartLogAxis: Sendable, Equatable {
    /// The axis runs from 10^lowerExponent to 10^upperExponent.
    public var lowerExponent: Int
    public var upperExponent: Int

    /// An axis covering the positive, finite values in `minimum...maximum`, widened to whole decades
    /// (at least one). Without any positive value it is 1...10.
    public init(minimum: Double, maximum: Double) {
        let low = minimum.isFinite && minimum > 0 ? minimum : (maximum.isFinite && maximum > 0 ? maximum : 1)
        let high = maximum.isFinite && maximum > 0 ? Swift.max(maximum, low) : low
        lowerExponent = Int(floor(log10(low)))
        upperExponent = Swift.max(lowerExponent + 1, Int(ceil(log10(high))))
    }

    /// The powers of ten from the lower to the upper end.
    public var ticks: [Double] { (lowerExponent...upperExponent).map { pow(10, Double($0)) } }

    /// Where `value` falls between `start` (at the lower end) and `end` (at the upper end); values
    /// at or below the lower end (and zero, negative or non-finite ones) fall on `start`.
    public func position(_ value: Double, from start: Double, to end: Double) -> Double {
        guard value.isFinite, value > 0 else { return start }
        let fraction = (log10(value) - Double(lowerExponent)) / Double(upperExponent - lowerExponent)
        return start + Swift.min(1, Swift.max(0, fraction)) * (end - start)
    }
}
