/// When the daemon sends a classification to a remote server instead of running it here
/// (`[offload] mode`, or `?offload=` per request).
public enum OffloadMode: String, Sendable, Codable, CaseIterable {
    /// Always here.
    case never
    /// Always on a remote that serves the model (here when none is reachable).
    case always
    /// On a remote when the model is not warm here, so no request pays a local cold start.
    case whenCold = "when-cold"
    /// The side with the lower predicted latency, from online estimates of both (see ``OffloadPlanner``).
    case auto

    /// Parses `never`, `always`, `when-cold` or `auto`.
    ///
    /// - Throws: ``ConfigurationError`` `.invalidValue` listing the modes.
    public static func parse(_ text: String) throws(ConfigurationError) -> OffloadMode {
        guard let mode = OffloadMode(rawValue: text.lowercased()) else {
            throw ConfigurationError(.invalidValue, "unknown offload mode \"\(text)\"; use \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return mode
    }
}
