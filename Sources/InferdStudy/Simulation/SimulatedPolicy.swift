import Core

/// A policy the simulator can run.
public enum SimulatedPolicy: Sendable, Equatable, CustomStringConvertible {
    /// The daemon's own lifecycle rules with this eviction policy; `keepAlive` overrides the default
    /// keep-alive (seconds; `nil` = the policy's default).
    case lifecycle(EvictionPolicyKind, keepAlive: Double?)
    /// Predictive pre-warming from each model's histogram of idle gaps (Shahrad et al., ATC'20): after a
    /// request, unload for the gap distribution's head (5th percentile) and load again just before the
    /// next request is expected, keep it until the tail (99th percentile). Falls back to a fixed
    /// keep-alive while a model has too few gaps, or too many beyond the histogram.
    case prewarm(PrewarmSettings)
    /// Belady's farthest-next-use with full knowledge of the future: the offline optimum of hit ratio for
    /// models of equal size (only a reference point when sizes differ).
    case oracle

    public var description: String {
        switch self {
        case .lifecycle(.ttl, let keepAlive?): "ttl:\(Self.format(keepAlive))"
        case .lifecycle(let kind, let keepAlive?): "\(kind.rawValue)+ka:\(Self.format(keepAlive))"
        case .lifecycle(let kind, nil): kind.rawValue
        case .prewarm: "prewarm"
        case .oracle: "oracle"
        }
    }

    /// Parses `lru`, `lfu`, `gdsf`, `manual`, `ttl` (300 s), `ttl:60`, `prewarm` or `oracle`.
    public static func parse(_ text: String) throws(TraceError) -> SimulatedPolicy {
        let lower = text.lowercased()
        if lower == "oracle" || lower == "belady" { return .oracle }
        if lower == "prewarm" { return .prewarm(PrewarmSettings()) }
        if lower.hasPrefix("ttl:") {
            guard let seconds = Double(lower.dropFirst(4)), seconds >= 0 else {
                throw TraceError("policy \(text): ttl:SECONDS needs a number >= 0")
            }
            return .lifecycle(.ttl, keepAlive: seconds)
        }
        guard let kind = EvictionPolicyKind(rawValue: lower) else {
            throw TraceError("unknown policy \(text); use lru, lfu, gdsf, ttl, ttl:SECONDS, manual, prewarm or oracle")
        }
        return .lifecycle(kind, keepAlive: nil)
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

/// Parameters of the pre-warm policy, with the paper's defaults scaled to seconds.
public struct PrewarmSettings: Sendable, Equatable {
    /// Width of a histogram bin, seconds. Default 10 s.
    public var binSeconds: Double = 10
    /// Bins kept; longer gaps count as out of bounds. Default 360 (one hour).
    public var bins: Int = 360
    /// Percentile that ends the pre-warm window (unloaded until then). Default 5.
    public var headPercentile: Double = 5
    /// Percentile that ends the keep-alive window. Default 99.
    public var tailPercentile: Double = 99
    /// Margin added on both sides, as a share of the window. Default 10 %.
    public var margin: Double = 0.1
    /// Gaps needed before the histogram is trusted. Default 5.
    public var minimumSamples: Int = 5
    /// Keep-alive while the histogram is not trusted, seconds. Default 600 (the paper's fixed 10 minutes).
    public var fallbackKeepAlive: Double = 600

    public init() {}
}
