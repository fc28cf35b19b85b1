import Foundation

/// How many bytes warm models may hold, and where that figure came from.
public struct MemoryBudget: Sendable, Equatable, Codable {
    /// Bytes warm models may hold together.
    public var bytes: Int64
    /// Where the figure came from, for `inferctl status` (for example `"--memory-budget 2G"` or
    /// `"50% of cgroup memory.max (8 GiB)"`).
    public var source: String

    public init(bytes: Int64, source: String) {
        self.bytes = bytes
        self.source = source
    }

    /// The share of the daemon's memory limit used when no budget is given.
    public static let defaultShare = 0.5

    /// A budget as configured, before the memory limit is known: parsed once from the configuration,
    /// resolved once against the detected limit at start (``resolve(limit:)``).
    public enum Setting: Sendable, Equatable, CustomStringConvertible {
        /// A share of the memory limit, 0 < share <= 1 (`50%`).
        case share(Double)
        /// A fixed number of bytes (`512M`, `2G`, `1073741824`).
        case bytes(Int64)

        /// The default: ``MemoryBudget/defaultShare`` of the limit.
        public static let `default` = Setting.share(MemoryBudget.defaultShare)

        /// Parses bytes (`1073741824`), a binary size (`512M`, `2G`, `1.5GiB`; K, M, G are KiB,
        /// MiB, GiB), or a percentage of the limit (`40%`).
        ///
        /// - Throws: ``ConfigurationError`` for negative, zero, malformed or over-100 % values.
        public static func parse(_ text: String) throws(ConfigurationError) -> Setting {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            func invalid(_ why: String) -> ConfigurationError {
                ConfigurationError(.invalidValue, "memory budget \"\(text)\": \(why) (use bytes, 512M, 2G or a percentage like 50%)")
            }
            if trimmed.hasSuffix("%") {
                guard let percent = Double(trimmed.dropLast()), percent.isFinite else { throw invalid("not a number") }
                guard percent > 0, percent <= 100 else { throw invalid("a percentage must be above 0 and at most 100") }
                return .share(percent / 100)
            }
            let units: [(String, Double)] = [("GiB", 1_073_741_824), ("MiB", 1_048_576), ("KiB", 1024),
                                             ("G", 1_073_741_824), ("M", 1_048_576), ("K", 1024), ("B", 1), ("", 1)]
            for (suffix, factor) in units where trimmed.uppercased().hasSuffix(suffix.uppercased()) {
                let number = trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
                guard let value = Double(number), value.isFinite else { continue }
                guard value > 0, value * factor < 9e18 else { throw invalid("must be positive") }
                return .bytes(Int64(value * factor))
            }
            throw invalid("not a size")
        }

        /// The budget under `limit` (the memory limit a share refers to).
        public func resolve(limit: (bytes: Int64, source: String)) -> MemoryBudget {
            switch self {
            case .share(let share):
                MemoryBudget(bytes: Int64(Double(limit.bytes) * share), source: "\(Self.percent(share)) of \(limit.source)")
            case .bytes(let bytes):
                MemoryBudget(bytes: bytes, source: "configured \(formatBytes(bytes))")
            }
        }

        /// `50%` or `512 MiB`: always binary units, as the log and `inferctl status` print sizes.
        public var description: String {
            switch self {
            case .share(let share): Self.percent(share)
            case .bytes(let bytes): formatBytes(bytes)
            }
        }

        private static func percent(_ share: Double) -> String {
            let value = share * 100
            return value == value.rounded() ? "\(Int(value))%" : String(format: "%.1f%%", value)
        }
    }

    /// Parses a budget and resolves it against `limit` (see ``Setting/parse(_:)``).
    ///
    /// - Throws: ``ConfigurationError`` for negative, zero, malformed or over-100 % values.
    public static func parse(_ text: String, limit: (bytes: Int64, source: String)) throws(ConfigurationError) -> MemoryBudget {
        try Setting.parse(text).resolve(limit: limit)
    }

    /// The memory limit that applies to this process: cgroup v2 `memory.max` or `memory.high` (the
    /// lower), cgroup v1 `memory.limit_in_bytes`, else `MemTotal`. A limit at or above MemTotal counts as none.
    public static func detectLimit(cgroupRoot: String = "/sys/fs/cgroup", procRoot: String = "/proc") -> (bytes: Int64, source: String) {
        let memTotal = readMemTotal(procRoot: procRoot)
        let groups = CgroupPaths(procRoot: procRoot, cgroupRoot: cgroupRoot)
        if let dir = groups.unifiedDirectory, let lowest = cgroupV2Limit(dir, memTotal: memTotal) {
            return (lowest.bytes, "cgroup \(lowest.file) (\(formatBytes(lowest.bytes)))")
        }
        if let dir = groups.memoryV1Directory, let v1 = KernelFile.number(dir + "/memory.limit_in_bytes"), v1 < memTotal {
            return (v1, "cgroup memory.limit_in_bytes (\(formatBytes(v1)))")
        }
        return (memTotal, "MemTotal (\(formatBytes(memTotal)))")
    }

    /// The default budget: ``defaultShare`` of ``detectLimit(cgroupRoot:procRoot:)``.
    public static func defaultBudget(limit: (bytes: Int64, source: String) = detectLimit()) -> MemoryBudget {
        Setting.default.resolve(limit: limit)
    }

    /// The lower of the cgroup v2 directory's `memory.max` and `memory.high`, when one is below `memTotal`.
    static func cgroupV2Limit(_ dir: String, memTotal: Int64) -> (bytes: Int64, file: String)? {
        ["memory.max", "memory.high"].compactMap { file -> (bytes: Int64, file: String)? in
            guard let value = KernelFile.number(dir + "/" + file), value < memTotal else { return nil }
            return (value, file)
        }.min { $0.bytes < $1.bytes }
    }

    static func readMemTotal(procRoot: String) -> Int64 {
        KernelFile.kilobytes("MemTotal:", in: procRoot + "/meminfo") ?? 1 << 30
    }
}

/// `1.5 GiB`, `412 MiB`, `980 KiB`, `12 B`.
public func formatBytes(_ bytes: Int64) -> String {
    let value = Double(bytes)
    switch abs(bytes) {
    case (1 << 30)...: return String(format: "%.1f GiB", value / Double(1 << 30))
    case (1 << 20)...: return String(format: "%.0f MiB", value / Double(1 << 20))
    case (1 << 10)...: return String(format: "%.0f KiB", value / Double(1 << 10))
    default: return "\(bytes) B"
    }
}
