/// Measures elapsed wall time on the monotonic clock, in milliseconds.
public struct Stopwatch: Sendable {
    private let start: ContinuousClock.Instant

    /// Starts now.
    public init() { start = ContinuousClock.now }

    /// Milliseconds since the stopwatch started.
    public var elapsedMilliseconds: Double { Self.milliseconds(ContinuousClock.now - start) }

    /// Converts a `Duration` to milliseconds.
    public static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    /// Seconds on the monotonic clock since an arbitrary origin (the first call in this process): for
    /// ages and deadlines that a clock injected into pure policy compares.
    public static func monotonicSeconds() -> Double {
        milliseconds(ContinuousClock.now - origin) / 1000
    }

    private static let origin = ContinuousClock.now

    /// Runs `body` and returns its result with the milliseconds it took.
    public static func time<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> (T, Double) {
        let watch = Stopwatch()
        let value = try body()
        return (value, watch.elapsedMilliseconds)
    }
}
