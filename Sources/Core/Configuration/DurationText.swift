import Foundation

/// The one parser of durations, used by every way a duration reaches inferd — config file, `INFERD_*`
/// environment variables, `inferd` flags and `inferctl` — as Ollama's `keep_alive` reads them: plain
/// seconds (`300`, `1.5`), Go-style units (`250ms`, `90s`, `5m`, `1h30m`), and, where forever is
/// meaningful, any negative value (`-1`, `-1m`) for forever.
public enum DurationText {
    /// Seconds a forever duration is reported as (the API's and the manifest's convention).
    public static let forever: Double = -1

    /// The seconds `text` names; ``forever`` (-1) for a negative value when `allowsForever`.
    ///
    /// - Throws: ``ConfigurationError`` `.invalidValue` naming `key` and the accepted forms: not a
    ///   duration, negative where forever is not allowed, or not finite.
    public static func seconds(_ text: String, key: String, allowsForever: Bool = false) throws(ConfigurationError) -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let forms = allowsForever ? "seconds (300), units (90s, 5m, 1h30m, 250ms), or -1 for forever" : "seconds (300) or units (90s, 5m, 1h30m, 250ms)"
        let invalid = ConfigurationError(.invalidValue, "\(key): \"\(text)\" is not a duration; use \(forms)")
        var body = Substring(trimmed)
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        guard !body.isEmpty, let magnitude = parseMagnitude(body) else { throw invalid }
        if negative, magnitude > 0 {
            guard allowsForever else { throw ConfigurationError(.invalidValue, "\(key) must be >= 0, not \(text)") }
            return forever
        }
        return magnitude
    }

    /// Checks a number of seconds as ``seconds(_:key:allowsForever:)`` checks text.
    public static func seconds(_ value: Double, key: String, allowsForever: Bool = false) throws(ConfigurationError) -> Double {
        guard value.isFinite else { throw ConfigurationError(.invalidValue, "\(key) must be a finite number of seconds, not \(value)") }
        guard value >= 0 else {
            guard allowsForever else { throw ConfigurationError(.invalidValue, "\(key) must be >= 0, not \(value)") }
            return forever
        }
        return value
    }

    /// `1h30m`, `5m`, `90s`, `1.5s`, `250ms`, `0s`, or `forever` for a negative value.
    public static func format(_ seconds: Double) -> String {
        if seconds < 0 { return "forever" }
        if seconds < 1, seconds > 0 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds != seconds.rounded() { return "\(seconds)s" }
        var rest = Int(seconds)
        var text = ""
        for (unit, size) in [("h", 3600), ("m", 60)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        if rest > 0 || text.isEmpty { text += "\(rest)s" }
        return text
    }

    /// `300`, `1.5`, or a sequence of number+unit (`h`, `m`, `s`, `ms`): seconds, nil if malformed.
    private static func parseMagnitude(_ text: Substring) -> Double? {
        if let plain = Double(text) { return plain.isFinite && plain >= 0 ? plain : nil }
        var total = 0.0
        var rest = text
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            let factor: Double
            switch unit {
            case "h": factor = 3600
            case "m": factor = 60
            case "s": factor = 1
            case "ms": factor = 0.001
            default: return nil
            }
            total += value * factor
        }
        return total.isFinite ? total : nil
    }
}
