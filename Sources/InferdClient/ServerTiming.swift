/// The HTTP `Server-Timing` header (W3C Server Timing): metrics a server reports about its own work,
/// `name;dur=12.5;desc="…"`, comma-separated. Servers that do not send inferd's `total_ms` may say
/// their time this way.
public struct ServerTiming: Sendable, Equatable {
    /// One metric: its name and duration in ms (nil when it has no `dur`).
    public struct Metric: Sendable, Equatable {
        public var name: String
        public var duration: Double?
    }

    /// The metrics in the order sent.
    public var metrics: [Metric]

    /// Parses one header value (several headers can be joined with commas first). Metrics without a
    /// name are skipped; a `dur` that is not a number is ignored.
    public init(parsing value: String) {
        metrics = value.split(separator: ",").compactMap { entry in
            let parts = entry.split(separator: ";").map { String($0).trimmingWhitespace }
            guard let name = parts.first, !name.isEmpty else { return nil }
            var duration: Double?
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0).trimmingWhitespace }
                if pair.count == 2, pair[0].lowercased() == "dur" {
                    duration = Double(pair[1].filter { $0 != "\"" }).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
                }
            }
            return Metric(name: name, duration: duration)
        }
    }

    /// The server's whole time, ms: the metric named `total` when there is one, else the longest
    /// duration (metrics may nest, so they are not added up); nil when no metric has a duration.
    public var total: Double? {
        if let total = metrics.first(where: { $0.name.lowercased() == "total" })?.duration { return total }
        return metrics.compactMap(\.duration).max()
    }
}
