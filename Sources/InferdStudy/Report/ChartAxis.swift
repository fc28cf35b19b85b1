import Foundation

/// A linear axis from `lower` to `upper` with "nice" tick values (1, 2 or 5 times a power of ten),
/// as chart axes are usually drawn.
public struct ChartAxis: Sendable, Equatable {
    /// The axis range, widened to whole ticks.
    public var lower: Double
    public var upper: Double
    /// Tick values from `lower` to `upper`.
    public var ticks: [Double]

    /// An axis covering `minimum...maximum` with about `targetTicks` ticks. A degenerate range (equal
    /// ends, or not finite) becomes `0...1`, or `0...2·value` around a single positive value.
    public init(minimum: Double, maximum: Double, targetTicks: Int = 5) {
        var low = minimum.isFinite ? minimum : 0
        var high = maximum.isFinite ? maximum : 1
        if low > high { swap(&low, &high) }
        if high == low {
            if low == 0 { high = 1 } else if low > 0 { low = 0 } else { high = 0 }
        }
        let step = Self.niceStep((high - low) / Double(max(1, targetTicks)))
        lower = (low / step).rounded(.down) * step
        upper = (high / step).rounded(.up) * step
        if upper == lower { upper = lower + step }
        var values: [Double] = []
        var value = lower
        while value <= upper + step / 2 {
            values.append(abs(value) < step * 1e-9 ? 0 : value)
            value += step
        }
        ticks = values
    }

    /// The smallest of 1, 2, 5 × 10^n that is at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = pow(10, floor(log10(raw)))
        for factor in [1.0, 2.0, 5.0, 10.0] where factor * power >= raw * (1 - 1e-12) {
            return factor * power
        }
        return 10 * power
    }

    /// Where `value` falls between `start` (at `lower`) and `end` (at `upper`), linearly.
    public func position(_ value: Double, from start: Double, to end: Double) -> Double {
        guard upper > lower else { return start }
        return start + (value - lower) / (upper - lower) * (end - start)
    }
}
