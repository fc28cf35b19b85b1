import Foundation

/// Numbers as people read them in tables: sizes, milliseconds, "3 s ago".
enum HumanFormat {
    /// Bytes in binary units, as the daemon's log and configuration use them (`512M` is 512 MiB):
    /// `812 B`, `38 KiB`, `4.6 MiB`, `1.1 GiB`.
    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while abs(value) >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(count) B" }
        return value < 10 ? String(format: "%.1f %@", value, units[unit]) : String(format: "%.0f %@", value, units[unit])
    }

    static func bytes(_ count: Int) -> String { bytes(Int64(count)) }

    /// Milliseconds with two decimals (`0.04`, `61.20`).
    static func milliseconds(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.2f", value)
    }

    /// A whole duration: `45 s`, `5 min`, `3 h`, `2 days`.
    static func duration(seconds: Double) -> String {
        let s = max(0, seconds)
        if s < 90 { return "\(Int(s.rounded())) s" }
        if s < 90 * 60 { return "\(Int((s / 60).rounded())) min" }
        if s < 36 * 3600 { return "\(Int((s / 3600).rounded())) h" }
        return "\(Int((s / 86_400).rounded())) days"
    }

    /// `3 s ago` for a time in the past (seconds since the epoch), `never` for none.
    static func ago(_ epochSeconds: Double?, now: Double = Date().timeIntervalSince1970) -> String {
        guard let epochSeconds else { return "never" }
        return duration(seconds: now - epochSeconds) + " ago"
    }

    /// `in 4 min` for a time in the future (seconds since the epoch); `now` once it has passed.
    static func until(_ epochSeconds: Double, now: Double = Date().timeIntervalSince1970) -> String {
        epochSeconds <= now ? "now" : "in " + duration(seconds: epochSeconds - now)
    }
}
