import Foundation

/// Writes the Prometheus text exposition format (version 0.0.4): one `# HELP` and `# TYPE` line per
/// family, then its samples. Label values are escaped (`\`, `"`, newline); numbers use Go's spelling
/// (`+Inf`, `NaN`).
///
/// inferd writes the format itself instead of linking swift-metrics + swift-prometheus: the daemon's
/// figures already live in the lifecycle actor and are read at scrape time, so a metrics facade with
/// its own global registry would duplicate them (see docs/DEPENDENCIES.md).
public struct PrometheusText: Sendable {
    /// The kind of a metric family.
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// The `Content-Type` of the format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The text written so far.
    public private(set) var text = ""

    public init() {}

    /// Starts a family: `# HELP name help` and `# TYPE name kind`.
    public mutating func family(_ name: String, _ kind: Kind, _ help: String) {
        text += "# HELP \(name) \(help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n"))\n"
        text += "# TYPE \(name) \(kind.rawValue)\n"
    }

    /// One sample line: `name{label="value",...} value`.
    public mutating func sample(_ name: String, _ labels: KeyValuePairs<String, String> = [:], _ value: Double) {
        sample(name, labels.map { ($0.key, $0.value) }, value)
    }

    /// One sample line with labels in the given order.
    public mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " " + Self.format(value) + "\n"
    }

    /// A whole family with one sample per label set.
    public mutating func family(_ name: String, _ kind: Kind, _ help: String, samples: [([(String, String)], Double)]) {
        family(name, kind, help)
        for (labels, value) in samples { sample(name, labels, value) }
    }

    /// The `_bucket`, `_sum` and `_count` lines of one histogram series.
    public mutating func histogram(_ name: String, _ labels: [(String, String)], _ histogram: MetricHistogram) {
        var cumulative: UInt64 = 0
        for (bound, count) in zip(histogram.bounds, histogram.counts) {
            cumulative += count
            sample(name + "_bucket", labels + [("le", Self.format(bound))], Double(cumulative))
        }
        sample(name + "_bucket", labels + [("le", "+Inf")], Double(histogram.count))
        sample(name + "_sum", labels, histogram.sum)
        sample(name + "_count", labels, Double(histogram.count))
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
