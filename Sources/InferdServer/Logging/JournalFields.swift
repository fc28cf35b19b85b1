import Logging

/// What one log record becomes in the journal: `MESSAGE=`, `PRIORITY=`, `SYSLOG_IDENTIFIER=`,
/// `LOGGER=` (the swift-log label), the source location (`CODE_FILE=`, `CODE_LINE=`, `CODE_FUNC=`),
/// and every metadata key as an upper-cased field (`model` → `MODEL=`, `duration_ms` →
/// `DURATION_MS=`), so `journalctl -u inferd EVENT=evict MODEL=alexnet` finds the record.
///
/// Pure functions: the journald handler and the tests share them.
public enum JournalFields {
    /// One field: a valid journal field name and its value (any bytes; newlines allowed).
    public struct Field: Sendable, Equatable, CustomStringConvertible {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }

        public var description: String { "\(name)=\(value)" }
    }

    /// Names the formatter sets itself; metadata with these names is renamed `META_<NAME>` so it
    /// never overrides them.
    static let reserved: Set<String> = ["MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "LOGGER", "CODE_FILE", "CODE_LINE",
                                        "CODE_FUNC", "ERRNO", "MESSAGE_ID", "SYSLOG_FACILITY", "SYSLOG_PID",
                                        "SYSLOG_TIMESTAMP", "ERROR"]

    /// The fields for one record, in a stable order: the fixed ones, then metadata sorted by name.
    /// Metadata keys that cannot become a field name (nothing left after cleaning) are dropped.
    public static func fields(level: Logger.Level, message: String, metadata: Logger.Metadata, label: String,
                              identifier: String, file: String, function: String, line: UInt,
                              error: (any Error)? = nil) -> [Field] {
        var fields = [
            Field("MESSAGE", message),
            Field("PRIORITY", String(priority(level))),
            Field("SYSLOG_IDENTIFIER", identifier),
            Field("LOGGER", label),
            Field("CODE_FILE", file),
            Field("CODE_LINE", String(line)),
            Field("CODE_FUNC", function),
        ]
        if let error { fields.append(Field("ERROR", "\(error)")) }
        var seen = Set(fields.map(\.name))
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            guard var name = fieldName(key) else { continue }
            if reserved.contains(name) { name = String(("META_" + name).prefix(64)) }
            guard seen.insert(name).inserted else { continue }
            fields.append(Field(name, render(value)))
        }
        return fields
    }

    /// syslog priority of a swift-log level: trace and debug 7, info 6, notice 5, warning 4, error 3,
    /// critical 2.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// A journal field name for a metadata key: upper case; characters other than A–Z, 0–9 and `_`
    /// become `_`; leading underscores dropped (those names are journald's trusted fields); a
    /// leading digit gets `F_` in front; at most 64 characters. nil when nothing is left.
    public static func fieldName(_ key: String) -> String? {
        var name = String(key.uppercased().unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "A"..."Z", "0"..."9", "_": Character(scalar)
            default: "_"
            }
        })
        while name.hasPrefix("_") { name.removeFirst() }
        guard let first = name.first else { return nil }
        if first.isNumber { name = "F_" + name }
        return String(name.prefix(64))
    }

    /// A metadata value as text: strings as they are, lists and dictionaries in swift-log's notation.
    static func render(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        default: value.description
        }
    }
}
