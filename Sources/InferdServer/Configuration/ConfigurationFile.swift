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
/// model_performance_hint = ["efficientnet-lite0=throughput"]
/// cache_dir = "/var/cache/inferd"
/// queue_limit = 64             # requests waiting per model before 503 + Retry-After
/// calibration_dir = ""         # photos precision auto measures on ("" = synthetic patterns)
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
/// min_residency = 0            # churn guard, off
///
/// [server]
/// shutdown_grace = 30
/// ```
public enum ConfigurationFile {
    /// Parses `text`. Tables nest one level (`[engine]`); unknown keys are reported by
    /// ``DaemonConfiguration/apply(_:source:)``.
    ///
    /// - Returns: the settings, and a problem for each key whose value has a shape no setting takes
    ///   (a nested table, a list of non-strings, a date): those keys are left out.
    /// - Throws: ``ConfigurationError`` `.invalidFile` with TOMLKit's message and position when the
    ///   text is not TOML.
    public static func parse(_ text: String, path: String) throws(ConfigurationError) -> (values: [String: ConfigValue], problems: [ConfigurationError]) {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(.invalidFile, "\(path): not valid TOML: \(error.description) (\(error.source))")
        } catch {
            throw ConfigurationError(.invalidFile, "\(path): not valid TOML: \(error)")
        }
        var values: [String: ConfigValue] = [:]
        var problems: [ConfigurationError] = []
        collect(table, prefix: "", into: &values, problems: &problems, path: path)
        return (values, problems)
    }

    private static func collect(_ table: TOMLTable, prefix: String, into values: inout [String: ConfigValue],
                                problems: inout [ConfigurationError], path: String) {
        for key in table.keys.sorted() {
            guard let value = table[key] else { continue }
            let name = prefix + key
            if let nested = value.table {
                guard prefix.isEmpty else {
                    problems.append(ConfigurationError(.invalidFile, "\(path): unexpected table [\(name)]"))
                    continue
                }
                collect(nested, prefix: name + ".", into: &values, problems: &problems, path: path)
            } else if let array = value.array {
                let items = array.compactMap(\.string)
                guard items.count == array.count else {
                    problems.append(ConfigurationError(.invalidFile, "\(path): \(name) must be a list of strings"))
                    continue
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
                problems.append(ConfigurationError(.invalidFile, "\(path): \(name) has an unsupported type"))
            }
        }
    }
}
