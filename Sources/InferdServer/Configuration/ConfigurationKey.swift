import Core
import InferdRuntime
import InferdWire
import Logging

/// One setting: its name in the config file (`engine.threads`), its environment variable
/// (`INFERD_THREADS`) and how a raw value is checked and stored. The one table below drives the
/// file, the environment and the flags alike, so a setting cannot be spelled three ways.
public struct ConfigurationKey: Sendable {
    /// Dotted TOML name: `section.key`, or `key` at the top level.
    public let name: String
    /// The environment variable that sets it.
    public let environment: String
    /// One line for documentation.
    public let help: String
    let apply: @Sendable (inout DaemonConfiguration, ConfigValue) throws(ConfigurationError) -> Void

    init(_ name: String, env: String, _ help: String,
         _ apply: @escaping @Sendable (inout DaemonConfiguration, ConfigValue) throws(ConfigurationError) -> Void) {
        self.name = name
        environment = "INFERD_" + env
        self.help = help
        self.apply = apply
    }

    /// Every setting.
    public static let all: [ConfigurationKey] = [
        ConfigurationKey("socket", env: "SOCKET", "Unix socket path") { c, v throws(ConfigurationError) in
            c.socketPath = try nonEmpty(v.string("socket"), "socket")
        },
        ConfigurationKey("models", env: "MODELS", "models directory") { c, v throws(ConfigurationError) in
            c.modelsDirectory = try nonEmpty(v.string("models"), "models")
        },
        ConfigurationKey("log_level", env: "LOG_LEVEL", "trace|debug|info|notice|warning|error|critical") { c, v throws(ConfigurationError) in
            let text = try v.string("log_level").lowercased()
            guard let level = Logger.Level(rawValue: text) else {
                throw ConfigurationError(.invalidValue, "log_level: unknown level \"\(text)\"; use \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            c.logLevel = level
        },
        ConfigurationKey("engine.threads", env: "THREADS", "inference threads per model, 0 = all cores") { c, v throws(ConfigurationError) in
            let threads = try v.integer("engine.threads")
            guard threads >= 0 else { throw ConfigurationError(.invalidValue, "engine.threads must be >= 0 (0 = all cores), not \(threads)") }
            c.engine.threads = threads
        },
        ConfigurationKey("engine.precision", env: "PRECISION", "auto|f32|bf16|f16") { c, v throws(ConfigurationError) in
            let text = try v.string("engine.precision").lowercased()
            guard let precision = EngineOptions.Precision(rawValue: text) else {
                throw ConfigurationError(.invalidValue, "engine.precision: unknown precision \"\(text)\"; use \(EngineOptions.Precision.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            c.engine.precision = precision
        },
        ConfigurationKey("engine.performance_hint", env: "PERFORMANCE_HINT", "latency|throughput") { c, v throws(ConfigurationError) in
            let text = try v.string("engine.performance_hint").uppercased()
            guard let hint = EngineOptions.PerformanceHint(rawValue: text) else {
                throw ConfigurationError(.invalidValue, "engine.performance_hint: unknown hint \"\(text.lowercased())\"; use latency or throughput")
            }
            c.engine.performanceHint = hint
        },
        ConfigurationKey("engine.cache_dir", env: "CACHE_DIR", "compiled-model cache directory, \"\" = none") { c, v throws(ConfigurationError) in
            let text = try v.string("engine.cache_dir")
            c.engine.cacheDirectory = text.isEmpty ? nil : text
        },
        ConfigurationKey("limits.max_body_bytes", env: "MAX_BODY_BYTES", "largest request body (64M)") { c, v throws(ConfigurationError) in
            c.limits.maxBodyBytes = try v.bytes("limits.max_body_bytes")
        },
        ConfigurationKey("limits.max_image_pixels", env: "MAX_IMAGE_PIXELS", "largest image, width x height") { c, v throws(ConfigurationError) in
            let pixels = try v.integer("limits.max_image_pixels")
            guard pixels > 0 else { throw ConfigurationError(.invalidValue, "limits.max_image_pixels must be positive, not \(pixels)") }
            c.limits.maxImagePixels = pixels
        },
        ConfigurationKey("limits.max_top_k", env: "MAX_TOP_K", "largest top-K a request may ask") { c, v throws(ConfigurationError) in
            let top = try v.integer("limits.max_top_k")
            guard top > 0 else { throw ConfigurationError(.invalidValue, "limits.max_top_k must be positive, not \(top)") }
            c.limits.maxTopK = top
        },
        ConfigurationKey("limits.default_top_k", env: "DEFAULT_TOP_K", "top-K when a request does not say") { c, v throws(ConfigurationError) in
            let top = try v.integer("limits.default_top_k")
            guard top > 0 else { throw ConfigurationError(.invalidValue, "limits.default_top_k must be positive, not \(top)") }
            c.limits.defaultTopK = top
        },
        ConfigurationKey("lifecycle.memory_budget", env: "MEMORY_BUDGET", "bytes, 512M, 2G or 40% of the memory limit") { c, v throws(ConfigurationError) in
            let text = try v.string("lifecycle.memory_budget")
            _ = try MemoryBudget.parse(text, limit: (1 << 30, "check"))
            c.memoryBudget = text
        },
        ConfigurationKey("lifecycle.policy", env: "POLICY", "lru|lfu|gdsf|ttl|manual") { c, v throws(ConfigurationError) in
            c.policy = try EvictionPolicyKind.parse(v.string("lifecycle.policy"))
        },
        ConfigurationKey("lifecycle.preload", env: "PRELOAD", "models to load at start") { c, v throws(ConfigurationError) in
            c.preload = try v.list("lifecycle.preload")
        },
        ConfigurationKey("lifecycle.pinned", env: "PINNED", "models never evicted") { c, v throws(ConfigurationError) in
            c.pinned = try v.list("lifecycle.pinned")
        },
        ConfigurationKey("lifecycle.keep_alive", env: "KEEP_ALIVE", "seconds idle before unload; -1 forever") { c, v throws(ConfigurationError) in
            let seconds = try v.number("lifecycle.keep_alive")
            guard seconds >= 0 || seconds == -1 else {
                throw ConfigurationError(.invalidValue, "lifecycle.keep_alive must be >= 0 seconds or -1 (forever), not \(seconds)")
            }
            c.keepAlive = seconds
        },
        ConfigurationKey("lifecycle.recent_window", env: "RECENT_WINDOW", "seconds a model counts as recent") { c, v throws(ConfigurationError) in
            c.recentWindow = try nonNegative(v.number("lifecycle.recent_window"), "lifecycle.recent_window")
        },
        ConfigurationKey("lifecycle.min_residency", env: "MIN_RESIDENCY", "seconds a new model is safe from eviction") { c, v throws(ConfigurationError) in
            c.minimumResidency = try nonNegative(v.number("lifecycle.min_residency"), "lifecycle.min_residency")
        },
        ConfigurationKey("lifecycle.size_accounting", env: "SIZE_ACCOUNTING", "measured|file: budget charge per model (measured)") { c, v throws(ConfigurationError) in
            let text = try v.string("lifecycle.size_accounting")
            guard let accounting = LifecycleConfiguration.SizeAccounting(rawValue: text) else {
                throw ConfigurationError(.invalidValue, "lifecycle.size_accounting must be measured or file, not \(text)")
            }
            c.sizeAccounting = accounting
        },
        ConfigurationKey("admin_group", env: "ADMIN_GROUP", "group allowed the admin calls besides root (inferd-admin)") { c, v throws(ConfigurationError) in
            c.adminGroup = try nonEmpty(v.string("admin_group"), "admin_group")
        },
        ConfigurationKey("pressure.window_ms", env: "PRESSURE_WINDOW_MS", "PSI window, ms: 500-10000, a multiple of 2000 unprivileged (2000)") { c, v throws(ConfigurationError) in
            c.pressure.windowMicroseconds = try milliseconds(v.number("pressure.window_ms"), "pressure.window_ms")
        },
        ConfigurationKey("pressure.some_stall_ms", env: "PRESSURE_SOME_STALL_MS", "some-stall in the window that is moderate pressure, ms (140)") { c, v throws(ConfigurationError) in
            c.pressure.someStallMicroseconds = try milliseconds(v.number("pressure.some_stall_ms"), "pressure.some_stall_ms")
        },
        ConfigurationKey("pressure.full_stall_ms", env: "PRESSURE_FULL_STALL_MS", "full-stall in the window that is critical pressure, ms (1400)") { c, v throws(ConfigurationError) in
            c.pressure.fullStallMicroseconds = try milliseconds(v.number("pressure.full_stall_ms"), "pressure.full_stall_ms")
        },
        ConfigurationKey("server.listen", env: "LISTEN", "more listeners: tcp://HOST:PORT (tcp://:PORT = loopback), unix:/path") { c, v throws(ConfigurationError) in
            c.listen = []
            for text in try v.list("server.listen") {
                do throws(ListenError) {
                    c.listen.append(try ListenTarget.parse(text))
                } catch {
                    throw ConfigurationError(.invalidValue, "server.listen: \(error.message)")
                }
            }
        },
        ConfigurationKey("server.admin_token_file", env: "ADMIN_TOKEN_FILE", "file with the bearer token admin calls over TCP need") { c, v throws(ConfigurationError) in
            c.adminTokenFile = try nonEmpty(v.string("server.admin_token_file"), "server.admin_token_file")
        },
        ConfigurationKey("offload.remotes", env: "OFFLOAD_REMOTES", "remote servers: \"http://HOST:PORT [models=a,b] [token_file=F] [protocol=auto|inferd|oip] [normalize=N] [crop_short_side=S]\", ';'-separated in the environment") { c, v throws(ConfigurationError) in
            let texts: [String]
            switch v {
            case .list(let values): texts = values
            default: texts = try v.string("offload.remotes").split(whereSeparator: { $0 == ";" || $0 == "\n" }).map(String.init)
            }
            c.offload.remotes = []
            for text in texts where !text.trimmingCharacters(in: .whitespaces).isEmpty {
                let remote = try RemoteServer.parse(text)
                _ = try PreprocessingSettings(remote: remote)  // its normalize= is checked now, not at the first request
                c.offload.remotes.append(remote)
            }
        },
        ConfigurationKey("offload.mode", env: "OFFLOAD_MODE", "never|always|when-cold|auto (auto when remotes are set, else never)") { c, v throws(ConfigurationError) in
            c.offload.mode = try OffloadMode.parse(v.string("offload.mode"))
        },
        ConfigurationKey("offload.timeout_ms", env: "OFFLOAD_TIMEOUT_MS", "longest wait for a remote before running here (10000)") { c, v throws(ConfigurationError) in
            let value = try v.number("offload.timeout_ms")
            guard value.isFinite, value >= 1, value <= 600_000 else {
                throw ConfigurationError(.invalidValue, "offload.timeout_ms must be 1 to 600000 milliseconds (10 minutes), not \(value)")
            }
            c.offload.timeoutMilliseconds = Int(value.rounded())
        },
        ConfigurationKey("offload.probe_interval", env: "OFFLOAD_PROBE_INTERVAL", "auto: every Nth request kept here probes the remote, 0 never (20)") { c, v throws(ConfigurationError) in
            let every = try v.integer("offload.probe_interval")
            guard every >= 0 else { throw ConfigurationError(.invalidValue, "offload.probe_interval must be >= 0, not \(every)") }
            c.offload.probeInterval = every
        },
        ConfigurationKey("offload.metadata_max_age", env: "OFFLOAD_METADATA_MAX_AGE", "seconds an OIP remote's model metadata is trusted before it is read again (30)") { c, v throws(ConfigurationError) in
            let seconds = try v.number("offload.metadata_max_age")
            guard seconds.isFinite, seconds >= 0, seconds <= 86_400 else {
                throw ConfigurationError(.invalidValue, "offload.metadata_max_age must be 0 (before every request) to 86400 seconds, not \(seconds)")
            }
            c.offload.metadataMaxAge = seconds
        },
        ConfigurationKey("server.idle_timeout", env: "IDLE_TIMEOUT", "seconds a silent connection owed nothing stays open, 0 = for ever (60)") { c, v throws(ConfigurationError) in
            let seconds = try v.number("server.idle_timeout")
            guard seconds.isFinite, seconds >= 0, seconds <= 86_400 else {
                throw ConfigurationError(.invalidValue, "server.idle_timeout must be 0 (never) to 86400 seconds, not \(seconds)")
            }
            c.idleTimeout = seconds
        },
        ConfigurationKey("server.max_connections", env: "MAX_CONNECTIONS", "connections served at once per listener (512)") { c, v throws(ConfigurationError) in
            let count = try v.integer("server.max_connections")
            guard (1...1_000_000).contains(count) else {
                throw ConfigurationError(.invalidValue, "server.max_connections must be 1 to 1000000, not \(count)")
            }
            c.maxConnections = count
        },
        ConfigurationKey("server.shutdown_grace", env: "SHUTDOWN_GRACE", "seconds to finish requests at shutdown") { c, v throws(ConfigurationError) in
            c.shutdownGrace = try nonNegative(v.number("server.shutdown_grace"), "server.shutdown_grace")
        },
    ]

    /// The settings present in `environment` (`INFERD_*` variables).
    public static func fromEnvironment(_ environment: [String: String]) -> [String: ConfigValue] {
        var values: [String: ConfigValue] = [:]
        for key in all {
            if let text = environment[key.environment] { values[key.name] = .string(text) }
        }
        return values
    }

    private static func nonEmpty(_ text: String, _ key: String) throws(ConfigurationError) -> String {
        guard !text.isEmpty else { throw ConfigurationError(.invalidValue, "\(key) must not be empty") }
        return text
    }

    private static func milliseconds(_ value: Double, _ key: String) throws(ConfigurationError) -> Int {
        guard value.isFinite, value > 0, value <= 60_000 else {
            throw ConfigurationError(.invalidValue, "\(key) must be a positive number of milliseconds, not \(value)")
        }
        return Int((value * 1000).rounded())
    }

    private static func nonNegative(_ value: Double, _ key: String) throws(ConfigurationError) -> Double {
        guard value >= 0 else { throw ConfigurationError(.invalidValue, "\(key) must be >= 0, not \(value)") }
        return value
    }
}
