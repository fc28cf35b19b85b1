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
            c.engine.threads = try v.integer("engine.threads", in: 0...Int.max, meaning: "0 = all cores")
        },
        ConfigurationKey("engine.precision", env: "PRECISION", "auto|f32|bf16|f16") { c, v throws(ConfigurationError) in
            let text = try v.string("engine.precision").lowercased()
            guard let precision = EngineOptions.Precision(rawValue: text) else {
                throw ConfigurationError(.invalidValue, "engine.precision: unknown precision \"\(text)\"; use \(EngineOptions.Precision.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            c.engine.precision = precision
        },
        ConfigurationKey("engine.performance_hint", env: "PERFORMANCE_HINT", "latency|throughput") { c, v throws(ConfigurationError) in
            c.engine.performanceHint = try EngineOptions.PerformanceHint(setting: try v.string("engine.performance_hint"),
                                                                         key: "engine.performance_hint")
        },
        ConfigurationKey("engine.model_performance_hint", env: "MODEL_PERFORMANCE_HINT",
                         "per-model hint: [\"efficientnet-lite0=throughput\"]") { c, v throws(ConfigurationError) in
            c.modelPerformanceHints = try perModel(v, "engine.model_performance_hint", "HINT (latency or throughput)") { (text, key) throws(ConfigurationError) in
                try EngineOptions.PerformanceHint(setting: text, key: key)
            }
        },
        ConfigurationKey("engine.adaptive_streams", env: "ADAPTIVE_STREAMS",
                         "on|off: a latency-hint model gets a throughput-hint companion while requests overlap (on)") { c, v throws(ConfigurationError) in
            c.adaptiveStreams = try v.boolean("engine.adaptive_streams")
        },
        ConfigurationKey("engine.cache_dir", env: "CACHE_DIR", "compiled-model cache directory, \"\" = none") { c, v throws(ConfigurationError) in
            let text = try v.string("engine.cache_dir")
            c.engine.cacheDirectory = text.isEmpty ? nil : text
        },
        ConfigurationKey("engine.queue_limit", env: "QUEUE_LIMIT", "requests that may wait per model for an infer request (64); more get 503") { c, v throws(ConfigurationError) in
            c.queueLimit = try v.integer("engine.queue_limit", in: 0...Int.max)
        },
        ConfigurationKey("engine.calibration_dir", env: "CALIBRATION_DIR", "photos precision auto compares f32 and bf16/f16 on, \"\" = synthetic") { c, v throws(ConfigurationError) in
            let text = try v.string("engine.calibration_dir")
            c.calibrationDirectory = text.isEmpty ? nil : text
        },
        ConfigurationKey("limits.max_body_bytes", env: "MAX_BODY_BYTES", "largest request body (64M)") { c, v throws(ConfigurationError) in
            c.limits.maxBodyBytes = try v.bytes("limits.max_body_bytes")
        },
        ConfigurationKey("limits.max_image_pixels", env: "MAX_IMAGE_PIXELS", "largest image, width x height") { c, v throws(ConfigurationError) in
            c.limits.maxImagePixels = try v.integer("limits.max_image_pixels", in: 1...Int.max)
        },
        ConfigurationKey("limits.max_decode_bytes", env: "MAX_DECODE_BYTES", "most memory one image decode may need (256M)") { c, v throws(ConfigurationError) in
            c.limits.maxDecodeBytes = try v.bytes("limits.max_decode_bytes")
        },
        ConfigurationKey("limits.decode_timeout", env: "DECODE_TIMEOUT", "seconds an image decode may take (30)") { c, v throws(ConfigurationError) in
            let seconds = try v.number("limits.decode_timeout")
            guard seconds > 0, seconds <= 3600 else {
                throw ConfigurationError(.invalidValue, "limits.decode_timeout must be above 0 and at most 3600 seconds, not \(seconds)")
            }
            c.limits.decodeTimeout = seconds
        },
        ConfigurationKey("limits.max_top_k", env: "MAX_TOP_K", "largest top-K a request may ask") { c, v throws(ConfigurationError) in
            c.limits.maxTopK = try v.integer("limits.max_top_k", in: 1...Int.max)
        },
        ConfigurationKey("limits.default_top_k", env: "DEFAULT_TOP_K", "top-K when a request does not say") { c, v throws(ConfigurationError) in
            c.limits.defaultTopK = try v.integer("limits.default_top_k", in: 1...Int.max)
        },
        ConfigurationKey("limits.max_in_flight_bytes", env: "MAX_IN_FLIGHT_BYTES", "bytes all requests in flight may hold: bodies, pixels, tensors (256M)") { c, v throws(ConfigurationError) in
            c.limits.maxInFlightBytes = try v.bytes("limits.max_in_flight_bytes")
        },
        ConfigurationKey("limits.in_flight_wait", env: "IN_FLIGHT_WAIT", "how long a request waits for in-flight room before 503 (2s; at most half server.idle_timeout)") { c, v throws(ConfigurationError) in
            c.limits.inFlightWait = try v.duration("limits.in_flight_wait")
        },
        ConfigurationKey("limits.max_queued", env: "MAX_QUEUED", "requests that may wait for a compute worker; more get 503 (64)") { c, v throws(ConfigurationError) in
            c.limits.maxQueued = try v.integer("limits.max_queued", in: 0...Int.max)
        },
        ConfigurationKey("limits.queue_timeout_ms", env: "QUEUE_TIMEOUT_MS", "longest wait for a compute worker before 503, ms or 10s, 2m (10000)") { c, v throws(ConfigurationError) in
            c.limits.queueTimeout = .milliseconds(Int64(try v.milliseconds("limits.queue_timeout_ms", in: longWait).rounded()))
        },
        ConfigurationKey("lifecycle.memory_budget", env: "MEMORY_BUDGET", "bytes, 512M, 2G (binary units) or 40% of the memory limit") { c, v throws(ConfigurationError) in
            c.memoryBudget = try MemoryBudget.Setting.parse(v.string("lifecycle.memory_budget"))
        },
        ConfigurationKey("lifecycle.policy", env: "POLICY", "lru|lfu|gdsf|ttl|manual") { c, v throws(ConfigurationError) in
            c.lifecycle.policy = try EvictionPolicyKind.parse(v.string("lifecycle.policy"))
        },
        ConfigurationKey("lifecycle.preload", env: "PRELOAD", "models to load at start") { c, v throws(ConfigurationError) in
            c.lifecycle.preload = try v.list("lifecycle.preload")
        },
        ConfigurationKey("lifecycle.pinned", env: "PINNED", "models never evicted") { c, v throws(ConfigurationError) in
            c.lifecycle.pinned = try v.list("lifecycle.pinned")
        },
        ConfigurationKey("lifecycle.keep_alive", env: "KEEP_ALIVE", "idle time before unload: 300, 5m, 1h30m; 0 after each request; -1 forever") { c, v throws(ConfigurationError) in
            c.lifecycle.defaultKeepAlive = try v.duration("lifecycle.keep_alive", allowsForever: true)
        },
        ConfigurationKey("lifecycle.model_keep_alive", env: "MODEL_KEEP_ALIVE", "per-model keep-alive: [\"alexnet=5m\", \"nin=-1\"]") { c, v throws(ConfigurationError) in
            c.lifecycle.keepAlive = try perModel(v, "lifecycle.model_keep_alive", "DURATION") { (text, key) throws(ConfigurationError) in
                try DurationText.seconds(text, key: key, allowsForever: true)
            }
        },
        ConfigurationKey("lifecycle.recent_window", env: "RECENT_WINDOW", "how long a model counts as recent (60s)") { c, v throws(ConfigurationError) in
            c.lifecycle.recentWindow = try v.duration("lifecycle.recent_window")
        },
        ConfigurationKey("lifecycle.min_residency", env: "MIN_RESIDENCY", "how long a new model goes last among budget victims (churn guard; 0 = off, the default)") { c, v throws(ConfigurationError) in
            c.lifecycle.minimumResidency = try v.duration("lifecycle.min_residency")
        },
        ConfigurationKey("lifecycle.low_watermark", env: "LOW_WATERMARK", "moderate pressure evicts down to this share of the budget (0.5)") { c, v throws(ConfigurationError) in
            let share = try v.number("lifecycle.low_watermark")
            guard (0...1).contains(share) else { throw ConfigurationError(.invalidValue, "lifecycle.low_watermark must be 0 to 1, not \(share)") }
            c.lifecycle.pressureLowWatermark = share
        },
        ConfigurationKey("lifecycle.size_factor", env: "SIZE_FACTOR", "a never-loaded model's size estimate: file size x this (1.5)") { c, v throws(ConfigurationError) in
            let factor = try v.number("lifecycle.size_factor")
            guard factor.isFinite, factor > 0, factor <= 100 else {
                throw ConfigurationError(.invalidValue, "lifecycle.size_factor must be above 0 and at most 100, not \(factor)")
            }
            c.lifecycle.initialSizeFactor = factor
        },
        ConfigurationKey("lifecycle.parallel_loads", env: "PARALLEL_LOADS",
                         "loads of models whose footprint is known that may run at once (2); a first load runs alone") { c, v throws(ConfigurationError) in
            c.lifecycle.parallelLoads = try v.integer("lifecycle.parallel_loads", in: 1...64)
        },
        ConfigurationKey("lifecycle.room_wait", env: "ROOM_WAIT", "how long a load waits for busy models to make room before 507 (30s)") { c, v throws(ConfigurationError) in
            c.lifecycle.roomWaitTimeout = try v.duration("lifecycle.room_wait")
        },
        ConfigurationKey("lifecycle.size_accounting", env: "SIZE_ACCOUNTING", "measured|file: budget charge per model (measured: its footprint)") { c, v throws(ConfigurationError) in
            let text = try v.string("lifecycle.size_accounting")
            guard let accounting = LifecycleConfiguration.SizeAccounting(rawValue: text) else {
                throw ConfigurationError(.invalidValue, "lifecycle.size_accounting must be measured or file, not \(text)")
            }
            c.lifecycle.sizeAccounting = accounting
        },
        ConfigurationKey("admin_group", env: "ADMIN_GROUP", "group allowed the admin calls besides root (inferd-admin)") { c, v throws(ConfigurationError) in
            c.adminGroup = try nonEmpty(v.string("admin_group"), "admin_group")
        },
        ConfigurationKey("pressure.window_ms", env: "PRESSURE_WINDOW_MS", "PSI window, ms or 2s: 500-10000, a multiple of 2000 unprivileged (2000)") { c, v throws(ConfigurationError) in
            c.pressure.windowMicroseconds = try microseconds(v, "pressure.window_ms")
        },
        ConfigurationKey("pressure.some_stall_ms", env: "PRESSURE_SOME_STALL_MS", "some-stall in the window that is moderate pressure, ms or 140ms (140)") { c, v throws(ConfigurationError) in
            c.pressure.someStallMicroseconds = try microseconds(v, "pressure.some_stall_ms")
        },
        ConfigurationKey("pressure.full_stall_ms", env: "PRESSURE_FULL_STALL_MS", "full-stall in the window that is critical pressure, ms or 1.4s (1400)") { c, v throws(ConfigurationError) in
            c.pressure.fullStallMicroseconds = try microseconds(v, "pressure.full_stall_ms")
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
        ConfigurationKey("offload.timeout_ms", env: "OFFLOAD_TIMEOUT_MS", "longest wait for a remote before running here, ms or 10s, 2m (10000)") { c, v throws(ConfigurationError) in
            c.offload.timeoutMilliseconds = Int(try v.milliseconds("offload.timeout_ms", in: longWait).rounded())
        },
        ConfigurationKey("offload.max_in_flight", env: "OFFLOAD_MAX_IN_FLIGHT", "requests in flight to one remote at once; as many more wait, the rest run here (16)") { c, v throws(ConfigurationError) in
            c.offload.maxInFlight = try v.integer("offload.max_in_flight", in: 1...1024)
        },
        ConfigurationKey("offload.probe_interval", env: "OFFLOAD_PROBE_INTERVAL", "auto: every Nth request kept here probes the remote, 0 never (20)") { c, v throws(ConfigurationError) in
            c.offload.probeInterval = try v.integer("offload.probe_interval", in: 0...Int.max, meaning: "0 = never")
        },
        ConfigurationKey("offload.metadata_max_age", env: "OFFLOAD_METADATA_MAX_AGE", "how long an OIP remote's model metadata is trusted before it is read again (30s)") { c, v throws(ConfigurationError) in
            let seconds = try v.duration("offload.metadata_max_age")
            guard seconds >= 0, seconds <= 86_400 else {
                throw ConfigurationError(.invalidValue, "offload.metadata_max_age must be 0 (before every request) to 24h, not \(DurationText.format(seconds))")
            }
            c.offload.metadataMaxAge = seconds
        },
        ConfigurationKey("server.idle_timeout", env: "IDLE_TIMEOUT", "how long a silent connection owed nothing stays open, 0 = for ever (60s)") { c, v throws(ConfigurationError) in
            let seconds = try v.duration("server.idle_timeout")
            guard seconds <= 86_400 else {
                throw ConfigurationError(.invalidValue, "server.idle_timeout must be 0 (never) to 24h, not \(DurationText.format(seconds))")
            }
            c.idleTimeout = seconds
        },
        ConfigurationKey("server.max_connections", env: "MAX_CONNECTIONS", "connections served at once per listener (512)") { c, v throws(ConfigurationError) in
            c.maxConnections = try v.integer("server.max_connections", in: 1...1_000_000)
        },
        ConfigurationKey("server.max_connections_per_client", env: "MAX_CONNECTIONS_PER_CLIENT",
                         "connections one client (peer uid on the socket, address over TCP) may hold per listener (a quarter of max_connections)") { c, v throws(ConfigurationError) in
            c.maxConnectionsPerClient = try v.integer("server.max_connections_per_client", in: 1...1_000_000)
        },
        ConfigurationKey("server.shutdown_grace", env: "SHUTDOWN_GRACE", "time to finish requests at shutdown (30s)") { c, v throws(ConfigurationError) in
            c.shutdownGrace = try v.duration("server.shutdown_grace")
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

    /// A per-model table from a list of `NAME=VALUE` items, each value read by `parse` (given the key to
    /// name in its errors, `key NAME`); `what` names the value in the error for a malformed item.
    private static func perModel<T>(_ value: ConfigValue, _ key: String, _ what: String,
                                    _ parse: (String, String) throws(ConfigurationError) -> T) throws(ConfigurationError) -> [String: T] {
        var table: [String: T] = [:]
        for item in try value.list(key) {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ConfigurationError(.invalidValue, "\(key): \"\(item)\" is not NAME=\(what)")
            }
            table[parts[0]] = try parse(parts[1], "\(key) \(parts[0])")
        }
        return table
    }

    /// Waits a request may make (queue, remote): 1 ms to 10 minutes.
    private static let longWait: ClosedRange<Double> = 1...600_000

    /// A `[pressure]` time in microseconds (as PSI triggers take them): 1 µs to a minute, given in ms.
    private static func microseconds(_ value: ConfigValue, _ key: String) throws(ConfigurationError) -> Int {
        Int((try value.milliseconds(key, in: 0.001...60_000) * 1000).rounded())
    }
}

extension EngineOptions.PerformanceHint {
    /// A hint as the configuration spells it (`latency`, `throughput`, any case).
    init(setting text: String, key: String) throws(ConfigurationError) {
        guard let hint = Self(rawValue: text.uppercased()) else {
            throw ConfigurationError(.invalidValue, "\(key): unknown hint \"\(text.lowercased())\"; use latency or throughput")
        }
        self = hint
    }
}
