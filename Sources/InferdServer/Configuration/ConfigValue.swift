import Core

/// One raw setting as a source gave it: typed from TOML, always `.string` from the environment and
/// flags. ``ConfigurationKey`` parsers accept either form (`max_body_bytes = 67108864` or `"64M"`).
public enum ConfigValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case list([String])

    public var description: String {
        switch self {
        case .string(let value): "\"\(value)\""
        case .integer(let value): "\(value)"
        case .number(let value): "\(value)"
        case .bool(let value): "\(value)"
        case .list(let values): "[\(values.map { "\"\($0)\"" }.joined(separator: ", "))]"
        }
    }

    func string(_ key: String) throws(ConfigurationError) -> String {
        switch self {
        case .string(let value): return value
        case .integer(let value): return String(value)
        case .number(let value): return String(value)
        default: throw ConfigurationError(.invalidValue, "\(key): expected a string, got \(self)")
        }
    }

    /// A switch: `true`/`false` in TOML, or `on`, `off`, `true`, `false`, `1`, `0` as text.
    func boolean(_ key: String) throws(ConfigurationError) -> Bool {
        switch self {
        case .bool(let value): return value
        case .integer(let value) where value == 0 || value == 1: return value == 1
        case .string(let text):
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "on", "true", "yes", "1": return true
            case "off", "false", "no", "0": return false
            default: throw ConfigurationError(.invalidValue, "\(key): \"\(text)\" is not on or off")
            }
        default: throw ConfigurationError(.invalidValue, "\(key): expected on or off, got \(self)")
        }
    }

    func integer(_ key: String) throws(ConfigurationError) -> Int {
        switch self {
        case .integer(let value): return Int(value)
        case .string(let text):
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw ConfigurationError(.invalidValue, "\(key): \"\(text)\" is not an integer")
            }
            return value
        default: throw ConfigurationError(.invalidValue, "\(key): expected an integer, got \(self)")
        }
    }

    func number(_ key: String) throws(ConfigurationError) -> Double {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        case .string(let text):
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                throw ConfigurationError(.invalidValue, "\(key): \"\(text)\" is not a number")
            }
            return value
        default: throw ConfigurationError(.invalidValue, "\(key): expected a number, got \(self)")
        }
    }

    /// An integer in `range`: a count, a limit. The message names the key, the range (`>= 0`,
    /// `positive`, `1 to 1024`), what the bounds mean when `meaning` says, and the value given.
    func integer(_ key: String, in range: ClosedRange<Int>, meaning: String? = nil) throws(ConfigurationError) -> Int {
        let value = try integer(key)
        guard range.contains(value) else {
            let bounds = switch (range.lowerBound, range.upperBound) {
            case (0, .max): ">= 0"
            case (1, .max): "positive"
            case (let low, .max): ">= \(low)"
            case (let low, let high): "\(low) to \(high)"
            }
            throw ConfigurationError(.invalidValue, "\(key) must be \(bounds)\(meaning.map { " (\($0))" } ?? ""), not \(value)")
        }
        return value
    }

    /// Milliseconds in `range`, for the `*_ms` keys: a bare number means milliseconds (`10000`, as
    /// these keys always read), text in ``DurationText``'s syntax its duration (`10s`, `5m`, `1h30m`,
    /// `250ms`).
    func milliseconds(_ key: String, in range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
        let value: Double
        switch self {
        case .string(let text) where Double(text.trimmingCharacters(in: .whitespaces)) == nil:
            value = try DurationText.seconds(text, key: key) * 1000
        default:
            value = try number(key)
        }
        guard value.isFinite, range.contains(value) else {
            throw ConfigurationError(.invalidValue, "\(key) must be \(Self.plain(range.lowerBound)) to \(Self.plain(range.upperBound)) milliseconds (\(DurationText.format(range.upperBound / 1000)) at most; a bare number is milliseconds, or write 10s, 5m), not \(self)")
        }
        return value
    }

    /// `1000` rather than `1000.0`; fractions as they are.
    private static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// A duration in seconds: a number, or text ``DurationText`` reads (`300`, `5m`, `1h30m`, and
    /// with `allowsForever` `-1` for forever, returned as -1).
    func duration(_ key: String, allowsForever: Bool = false) throws(ConfigurationError) -> Double {
        switch self {
        case .integer(let value): return try DurationText.seconds(Double(value), key: key, allowsForever: allowsForever)
        case .number(let value): return try DurationText.seconds(value, key: key, allowsForever: allowsForever)
        case .string(let text): return try DurationText.seconds(text, key: key, allowsForever: allowsForever)
        default: throw ConfigurationError(.invalidValue, "\(key): expected a duration, got \(self)")
        }
    }

    /// A list: a TOML array, or a comma-separated string (environment, flags).
    func list(_ key: String) throws(ConfigurationError) -> [String] {
        switch self {
        case .list(let values): return values
        case .string(let text):
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        default: throw ConfigurationError(.invalidValue, "\(key): expected a list of strings, got \(self)")
        }
    }

    /// A byte count: an integer, or a size with a binary suffix (`512K`, `64M`, `1G`, `1.5GiB`).
    func bytes(_ key: String) throws(ConfigurationError) -> Int {
        if case .integer(let value) = self {
            guard value > 0 else { throw ConfigurationError(.invalidValue, "\(key): must be positive, not \(value)") }
            return Int(value)
        }
        let text = try string(key).trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("GIB", 1_073_741_824), ("MIB", 1_048_576), ("KIB", 1024),
                                         ("G", 1_073_741_824), ("M", 1_048_576), ("K", 1024), ("B", 1), ("", 1)]
        for (suffix, factor) in units where text.uppercased().hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), value.isFinite else { continue }
            guard value > 0, value * factor < 9e18 else {
                throw ConfigurationError(.invalidValue, "\(key): must be positive, not \"\(text)\"")
            }
            return Int(value * factor)
        }
        throw ConfigurationError(.invalidValue, "\(key): \"\(text)\" is not a size (use bytes, 512K, 64M or 1G)")
    }
}
