/// `y ≈ intercept + slope · x`, fitted by least squares with exponential forgetting, one observation
/// at a time: for a network exchange, time against bytes sent (intercept: round trip and fixed costs;
/// slope: the inverse of bandwidth).
///
/// Each new observation multiplies the weight of the older ones by ``forgetting``, so a link that
/// gets slower is followed within tens of requests. With too little spread in `x` (every request the
/// same size) the slope cannot be told from the intercept; the fit then predicts the weighted mean,
/// and ``slope`` is nil.
public struct OnlineLinearFit: Sendable, Equatable, Codable {
    /// Weight kept by older observations per new one (0 < forgetting <= 1).
    public let forgetting: Double
    private var weight = 0.0, sumX = 0.0, sumY = 0.0, sumXX = 0.0, sumXY = 0.0
    /// Observations so far.
    public private(set) var count = 0

    public init(forgetting: Double = 0.9) {
        precondition(forgetting > 0 && forgetting <= 1, "forgetting must be in (0, 1]")
        self.forgetting = forgetting
    }

    /// Adds the point (`x`, `y`) (ignored when either is not finite).
    public mutating func observe(x: Double, y: Double) {
        guard x.isFinite, y.isFinite else { return }
        weight = weight * forgetting + 1
        sumX = sumX * forgetting + x
        sumY = sumY * forgetting + y
        sumXX = sumXX * forgetting + x * x
        sumXY = sumXY * forgetting + x * y
        count += 1
    }

    /// The fitted slope, nil before the points spread enough in `x` (their weighted standard deviation
    /// under 5 % of their mean, or under one unit), or when the fit says `y` falls as `x` grows (noise:
    /// more bytes never take less time).
    public var slope: Double? {
        guard weight > 0 else { return nil }
        let meanX = sumX / weight
        let varianceX = sumXX / weight - meanX * meanX
        guard varianceX > 0, varianceX.squareRoot() >= max(1, 0.05 * abs(meanX)) else { return nil }
        let covariance = sumXY / weight - meanX * (sumY / weight)
        let slope = covariance / varianceX
        return slope >= 0 ? slope : nil
    }

    /// The predicted `y` at `x`; nil before any observation.
    public func predict(_ x: Double) -> Double? {
        guard weight > 0 else { return nil }
        let meanX = sumX / weight, meanY = sumY / weight
        guard let slope else { return meanY }
        return meanY + slope * (x - meanX)
    }
}
