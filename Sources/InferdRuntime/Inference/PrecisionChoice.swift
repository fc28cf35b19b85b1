import InferdWire

/// What `precision auto` measured on a model's first load and which precision it kept.
///
/// f32 is measured against every lower precision the CPU offers (`BF16`, `FP16` in OpenVINO's
/// `OPTIMIZATION_CAPABILITIES`). A candidate is kept only when it is faster than f32 by at least
/// ``PrecisionChoice/minimumGain`` and agrees with f32 on the calibration images (same top-1, and at
/// least ``PrecisionChoice/minimumAgreement`` of the top-5); otherwise f32 stays. Recorded in the
/// compiled-model cache, so later loads reuse the decision, and shown by status and `inferctl models`.
public struct PrecisionChoice: Codable, Sendable, Equatable {
    /// One precision's measurement.
    public struct Measurement: Codable, Sendable, Equatable {
        public var precision: EngineOptions.Precision
        /// Median inference time over the calibration runs, ms.
        public var medianMilliseconds: Double
        /// Mean share of f32's top-5 found in this precision's top-5 (1 for f32 itself).
        public var top5Agreement: Double
        /// True when every calibration image has the same top-1 as f32.
        public var sameTop1: Bool

        enum CodingKeys: String, CodingKey {
            case precision, medianMilliseconds = "median_ms", top5Agreement = "top5_agreement", sameTop1 = "same_top1"
        }
    }

    /// A candidate must take at most this share of f32's time (5 % faster) to be kept.
    public static let minimumGain = 0.95
    /// A candidate's mean top-5 agreement with f32 must reach this.
    public static let minimumAgreement = 0.8

    /// The precision kept.
    public var chosen: EngineOptions.Precision
    /// f32 first, then each candidate.
    public var measurements: [Measurement]
    /// Why, in one line.
    public var reason: String
    /// How many calibration images were compared, and whether they were photos or synthetic patterns.
    public var images: Int
    public var photos: Bool

    /// Picks from `measurements` (f32 first) by the rules above.
    public static func decide(_ measurements: [Measurement], images: Int, photos: Bool) -> PrecisionChoice {
        guard let f32 = measurements.first(where: { $0.precision == .f32 }) else {
            return PrecisionChoice(chosen: .f32, measurements: measurements, reason: "f32 was not measured", images: images, photos: photos)
        }
        let accurate = measurements.filter { $0.precision != .f32 && $0.sameTop1 && $0.top5Agreement >= minimumAgreement }
        let faster = accurate.filter { $0.medianMilliseconds <= f32.medianMilliseconds * minimumGain }
        let all = measurements.map { "\($0.precision.rawValue) \(format($0.medianMilliseconds)) ms (top-5 agreement \(Int(($0.top5Agreement * 100).rounded()))%)" }
            .joined(separator: ", ")
        if measurements.count == 1 {
            return PrecisionChoice(chosen: .f32, measurements: measurements,
                                   reason: "f32: the CPU offers no bf16 or f16", images: images, photos: photos)
        }
        if let best = faster.min(by: { $0.medianMilliseconds < $1.medianMilliseconds }) {
            return PrecisionChoice(chosen: best.precision, measurements: measurements,
                                   reason: "\(best.precision.rawValue) measured faster than f32 within accuracy: \(all)", images: images, photos: photos)
        }
        let why = accurate.isEmpty ? "no lower precision agreed with f32" : "no lower precision was at least 5% faster"
        return PrecisionChoice(chosen: .f32, measurements: measurements, reason: "f32: \(why): \(all)", images: images, photos: photos)
    }

    private static func format(_ value: Double) -> String {
        let tenths = (value * 100).rounded() / 100
        return "\(tenths)"
    }
}
