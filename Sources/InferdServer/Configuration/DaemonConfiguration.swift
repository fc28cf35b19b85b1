import Core
import InferdRuntime
import InferdWire
import Logging

/// Everything `inferd` is configured with. A plain value: every field has a documented default, and
/// ``resolve(file:environment:flags:)`` fills it from the config file, then the environment, then the
/// command line (each overriding the one before).
///
/// Paths left `nil` are chosen at start by ``DefaultPaths``: the socket and models directory differ
/// between a system service and a developer's shell.
public struct DaemonConfiguration: Sendable, Equatable {
    /// Unix socket path (`socket`, `INFERD_SOCKET`, `--socket`). Default: see ``DefaultPaths/socket(environment:uid:)``.
    public var socketPath: String?
    /// Directory of model bundles (`models`, `INFERD_MODELS`, `--models`). Default: see
    /// ``DefaultPaths/models(environment:uid:)``.
    public var modelsDirectory: String?
    /// Log level (`log_level`): trace, debug, info, notice, warning, error, critical. Default info.
    public var logLevel: Logger.Level = .info
    /// Threads, precision, performance hint and compiled-model cache (`[engine]`). Defaults: all
    /// cores, `auto` precision, `LATENCY`, cache `$CACHE_DIRECTORY` when systemd sets it, else none.
    public var engine = EngineOptions()
    /// Models compiled with another performance hint than ``engine``'s (`engine.model_performance_hint`,
    /// `["efficientnet-lite0=throughput"]`): a model many clients use at once serves more with
    /// `throughput`, one a single client waits on is faster with `latency` (docs/RESULTS.md).
    public var modelPerformanceHints: [String: EngineOptions.PerformanceHint] = [:]
    /// Whether a model compiled with the latency hint gets a throughput companion while requests
    /// overlap (`engine.adaptive_streams`, default on): one stream with every core for one request at
    /// a time, several streams while many clients wait, the companion charged against the budget and
    /// built only when it fits (``StreamSwitch``, docs/ARCHITECTURE.md).
    public var adaptiveStreams = true
    /// Requests that may wait for one of a model's infer requests before the next gets 503 (`engine.queue_limit`).
    public var queueLimit = ModelLoader.defaultQueueLimit
    /// JPEG/PNG photos `precision auto` measures on (`engine.calibration_dir`); synthetic patterns when unset.
    public var calibrationDirectory: String?
    /// Body, image and top-K limits (`[limits]`). Defaults: 64 MiB, 100 Mpx, 1000, top 5.
    public var limits = RequestLimits()
    /// Memory budget for warm models (`[lifecycle] memory_budget`): bytes, `512M`/`2G` (binary), or a
    /// percentage of the memory limit (`40%`), parsed once here and resolved once at start against
    /// the detected limit (``lifecycle(limit:)``). Default 50 % of the cgroup limit or of RAM.
    public var memoryBudget: MemoryBudget.Setting = .default
    /// The rest of the `[lifecycle]` block, typed, as the lifecycle manager takes it (its `budget` is
    /// filled from ``memoryBudget`` by ``lifecycle(limit:)``): `policy` (lru), `preload`, `pinned`,
    /// `keep_alive` (forever; 300 s under `ttl`), `model_keep_alive`, `recent_window` (60 s),
    /// `min_residency` (0: the churn guard is off), `low_watermark` (0.5), `size_factor` (1.5), `room_wait` (30 s), `parallel_loads` (2),
    /// `size_accounting` (measured). Durations take `300`, `5m`, `1h30m`, `-1` (``DurationText``).
    public var lifecycle = LifecycleConfiguration(budget: MemoryBudget(bytes: 0, source: "resolved at start"))
    /// Extra listeners serving the same API (`[server] listen`, `INFERD_LISTEN`, `--listen`):
    /// `tcp://HOST:PORT` (loopback when HOST is empty) or `unix:/path`. Default none: the Unix socket only.
    public var listen: [ListenTarget] = []
    /// File holding the token admin calls over TCP must send as `Authorization: Bearer`
    /// (`[server] admin_token_file`). Default none: no admin calls over TCP.
    public var adminTokenFile: String?
    /// Offloading to remote servers (`[offload]`): remotes, default mode, timeout, probing.
    public var offload = OffloadConfiguration()
    /// Seconds a connection may stay idle while no answer is owed, and a request may take to arrive,
    /// before the connection is closed (`[server] idle_timeout`); 0 never. Default 60.
    public var idleTimeout: Double = 60
    /// Connections served at once per listener (`[server] max_connections`). Default 512.
    public var maxConnections: Int = 512
    /// Connections one client may hold per listener (`[server] max_connections_per_client`); nil: a
    /// quarter of ``maxConnections``.
    public var maxConnectionsPerClient: Int?
    /// Seconds a graceful shutdown waits for in-flight requests (`[server] shutdown_grace`). Default 30.
    public var shutdownGrace: Double = 30
    /// Group whose members may call the admin routes (load, unload, pin, unpin, keep-alive, trim,
    /// reload) besides root and the daemon's own user (`admin_group`). Default `inferd-admin`.
    public var adminGroup: String = "inferd-admin"
    /// When kernel memory pressure counts as moderate or critical (`[pressure] window_ms`,
    /// `some_stall_ms`, `full_stall_ms`). Defaults from ``PressureThresholds``: a 2000 ms window,
    /// 140 ms of `some` stall (moderate), 1400 ms of `full` stall (critical).
    public var pressure = PressureThresholds()

    public init() {}

    /// Defaults, then `file` (TOML text, if any), then `environment` (`INFERD_*`), then `flags`
    /// (keys as in the file: `engine.threads`, …), then validation.
    ///
    /// - Parameters:
    ///   - file: the config file's path and contents.
    /// - Throws: the first ``ConfigurationError`` ``resolveAll(file:environment:flags:)`` finds,
    ///   naming the setting and where it came from.
    public static func resolve(file: (path: String, text: String)?, environment: [String: String],
                               flags: [String: ConfigValue]) throws(ConfigurationError) -> DaemonConfiguration {
        let resolution = resolveAll(file: file, environment: environment, flags: flags)
        if let first = resolution.problems.first { throw first }
        return resolution.configuration
    }

    /// As ``resolve(file:environment:flags:)``, but goes on past a problem and returns **every** one:
    /// TOML that does not parse (the file's settings are then skipped), each unknown or invalid key in
    /// the file, the environment and the flags (that setting keeps its earlier value), then the
    /// cross-field rules on what remains. `inferd --check` and a failed start report them all at once.
    public static func resolveAll(file: (path: String, text: String)?, environment: [String: String],
                                  flags: [String: ConfigValue]) -> (configuration: DaemonConfiguration, problems: [ConfigurationError]) {
        var configuration = DaemonConfiguration()
        var problems: [ConfigurationError] = []
        if let cache = environment["CACHE_DIRECTORY"]?.split(separator: ":").first, !cache.isEmpty {
            configuration.engine.cacheDirectory = String(cache)
        }
        if let file {
            do {
                let parsed = try ConfigurationFile.parse(file.text, path: file.path)
                problems += parsed.problems
                problems += configuration.apply(parsed.values, source: file.path)
            } catch {
                problems.append(error)
            }
        }
        problems += configuration.apply(ConfigurationKey.fromEnvironment(environment), source: "environment")
        problems += configuration.apply(flags, source: "command line")
        problems += configuration.problems()
        return (configuration, problems)
    }

    /// Applies `values` (canonical keys) from `source`, in key order, and returns the problems: an
    /// unknown key, a value its setting refuses (that setting keeps its earlier value). Each message
    /// reads `source: key…: what is wrong`.
    public mutating func apply(_ values: [String: ConfigValue], source: String) -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let setting = ConfigurationKey.all.first(where: { $0.name == key }) else {
                problems.append(ConfigurationError(.invalidFile, "\(source): unknown setting \"\(key)\"; known: \(ConfigurationKey.all.map(\.name).joined(separator: ", "))"))
                continue
            }
            do {
                try setting.apply(&self, value)
            } catch {
                // Shared parsers (policy, mode, budget) do not know the key: name it for them.
                let message = error.message.contains(key) ? error.message : "\(key): \(error.message)"
                problems.append(ConfigurationError(error.code, "\(source): \(message)"))
            }
        }
        return problems
    }

    /// Checks cross-field rules (and that the memory budget parses).
    ///
    /// - Throws: the first of ``problems()``.
    public func validate() throws(ConfigurationError) {
        if let first = problems().first { throw first }
    }

    /// Every cross-field rule this configuration breaks: the default top-K above the largest, the
    /// `[pressure]` thresholds, the `[lifecycle]` block.
    public func problems() -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        if limits.defaultTopK > limits.maxTopK {
            problems.append(ConfigurationError(.invalidValue, "limits.default_top_k (\(limits.defaultTopK)) is above limits.max_top_k (\(limits.maxTopK))"))
        }
        do {
            try pressure.validate()
        } catch {
            problems.append(ConfigurationError(error.code, "[pressure]: \(error.message) (window_ms \(pressure.windowMicroseconds / 1000), some_stall_ms \(pressure.someStallMicroseconds / 1000), full_stall_ms \(pressure.fullStallMicroseconds / 1000))"))
        }
        do {
            _ = try lifecycle(limit: (1 << 30, "validation"))
        } catch {
            problems.append(error)
        }
        return problems
    }

    /// The request limits in effect: as configured, except that the in-flight wait is kept below half
    /// the idle timeout (the idle timer would otherwise close a connection still waiting for room).
    public var effectiveLimits: RequestLimits {
        var effective = limits
        if idleTimeout > 0 { effective.inFlightWait = min(limits.inFlightWait, idleTimeout / 2) }
        return effective
    }

    /// The lifecycle manager's configuration: the `[lifecycle]` block with the budget resolved against
    /// `limit`.
    ///
    /// - Parameter limit: the memory limit a percentage budget refers to.
    /// - Throws: ``ConfigurationError`` for a bad lifecycle value.
    public func lifecycle(limit: (bytes: Int64, source: String) = MemoryBudget.detectLimit()) throws(ConfigurationError) -> LifecycleConfiguration {
        var configuration = lifecycle
        configuration.budget = memoryBudget.resolve(limit: limit)
        if configuration.policy == .ttl, configuration.defaultKeepAlive == nil { configuration.defaultKeepAlive = 300 }
        try configuration.validate()
        return configuration
    }
}
