/// An exponentially weighted moving average: recent observations count more, so an estimate follows
/// a host or network that changes. The first observation is taken as is.
public struct MovingAverage: Sendable, Equatable, Codable {
    /// Weight of each new observation (0 < alpha <= 1): 0.2 follows about the last ten.
    public let alpha: Double
    /// The current estimate; nil before the first observation.
    public private(set) var value: Double?
    /// Observations so far.
    public private(set) var count: Int = 0

    public init(alpha: Double = 0.2) {
        precondition(alpha > 0 && alpha <= 1, "alpha must be in (0, 1]")
        self.alpha = alpha
    }

    /// Adds `x` (ignored when not finite).
    public mutating func observe(_ x: Double) {
        guard x.isFinite else { return }
        value = value.map { $0 + alpha * (x - $0) } ?? x
        count += 1
    }
}
