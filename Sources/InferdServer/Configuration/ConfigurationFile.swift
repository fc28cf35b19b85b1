import Core
import TOMLKit

/// Reads inferd's TOML config file into raw settings (keys as ``ConfigurationKey/name``).
///
/// ```toml
/// socket = "/run/inferd/inferd.sock"
/// models = "/var/lib/inferd/models"
/// log_level = "info"
///
/// [engine]
/// threads = 0
/// precision = "auto"           # auto | f32 | bf16 | f16
/// performance_hint = "latency" # latency | throughput
/// cache_dir = "/var/cache/inferd"
///
/// [limits]
/// max_body_bytes = "64M"
/// max_image_pixels = 100000000
/// max_top_k = 1000
/// default_top_k = 5
///
/// [lifecycle]
/// memory_budget = "50%"
/// policy = "lru"               # lru | lfu | gdsf | ttl | manual
/// preload = ["efficientnet-lite0"]
/// pinned = []
/// keep_alive = -1              # 300, "5m", "1h30m"; -1 forever
/// recent_window = "60s"
/// min_residency = "5s"
///
/// [server]
/// shutdown_grace = 30
/// ```
public enum ConfigurationFile {
    /// Parses `text`. Tables nest one level (`[engine]`); unknown keys are reported by
    /// ``DaemonConfiguration/apply(_:source:)``.
    ///
    /// - Throws: ``ConfigurationError`` `.invalidFile` with TOMLKit's message and position.
    public static func parse(_ text: String, path: String) throws(ConfigurationError) -> [String: ConfigValue] {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(.invalidFile, "\(path): not valid TOML: \(error.description) (\(error.source))")
        } catch {
            throw ConfigurationError(.invalidFile, "\(path): not valid TOML: \(error)")
        }
        var values: [String: ConfigValue] = [:]
        try collect(table, prefix: "", into: &values, path: path)
        return values
    }

    private static func collect(_ table: TOMLTable, prefix: String, into values: inout [String: ConfigValue], path: String) throws(ConfigurationError) {
        for key in table.keys {
            guard let value = table[key] else { continue }
            let name = prefix + key
            if let nested = value.table {
                guard prefix.isEmpty else { throw ConfigurationError(.invalidFile, "\(path): unexpected table [\(name)]") }
                try collect(nested, prefix: name + ".", into: &values, path: path)
            } else if let array = value.array {
                var items: [String] = []
                for item in array {
                    guard let text = item.string else {
                        throw ConfigurationError(.invalidFile, "\(path): \(name) must be a list of strings")
                    }
                    items.append(text)
                }
                values[name] = .list(items)
            } else if let int = value.int {
                values[name] = .integer(Int64(int))
            } else if let double = value.double {
                values[name] = .number(double)
            } else if let bool = value.bool {
                values[name] = .bool(bool)
            } else if let string = value.string {
                values[name] = .string(string)
            } else {
                throw ConfigurationError(.invalidFile, "\(path): \(name) has an unsupported type")
            }
        }
    }
}
