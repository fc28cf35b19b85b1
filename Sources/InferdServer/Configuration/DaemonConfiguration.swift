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
    /// Body, image and top-K limits (`[limits]`). Defaults: 64 MiB, 100 Mpx, 1000, top 5.
    public var limits = RequestLimits()
    /// Memory budget for warm models (`[lifecycle] memory_budget`): bytes, `512M`/`2G`, or a
    /// percentage of the memory limit (`40%`). Default `nil`: half the cgroup limit or of RAM.
    public var memoryBudget: String?
    /// Eviction policy (`policy`): lru, lfu, gdsf, ttl, manual. Default lru.
    public var policy: EvictionPolicyKind = .lru
    /// Models loaded with a warm-up inference before the daemon reports ready (`preload`). Default none.
    public var preload: [String] = []
    /// Models never evicted automatically (`pinned`; loaded at start too). Default none.
    public var pinned: [String] = []
    /// Default keep-alive, seconds after the last request before a model is unloaded (`keep_alive`):
    /// -1 forever, 0 right after each request. Default `nil`: forever (300 s under the `ttl` policy).
    public var keepAlive: Double?
    /// Seconds a model counts as recently used (`recent_window`). Default 60.
    public var recentWindow: Double = 60
    /// Seconds a newly loaded model is safe from budget eviction (`min_residency`). Default 5.
    public var minimumResidency: Double = 5
    /// What a warm model is charged against the budget (`size_accounting`): its measured memory, or
    /// file size × 1.5 for reproducible policy studies. Default `measured`.
    public var sizeAccounting: LifecycleConfiguration.SizeAccounting = .measured
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
    /// - Throws: ``ConfigurationError`` naming the setting and where it came from.
    public static func resolve(file: (path: String, text: String)?, environment: [String: String],
                               flags: [String: ConfigValue]) throws(ConfigurationError) -> DaemonConfiguration {
        var configuration = DaemonConfiguration()
        if let cache = environment["CACHE_DIRECTORY"]?.split(separator: ":").first, !cache.isEmpty {
            configuration.engine.cacheDirectory = String(cache)
        }
        if let file {
            try configuration.apply(try ConfigurationFile.parse(file.text, path: file.path), source: file.path)
        }
        try configuration.apply(ConfigurationKey.fromEnvironment(environment), source: "environment")
        try configuration.apply(flags, source: "command line")
        try configuration.validate()
        return configuration
    }

    /// Applies `values` (canonical keys) from `source`.
    public mutating func apply(_ values: [String: ConfigValue], source: String) throws(ConfigurationError) {
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let setting = ConfigurationKey.all.first(where: { $0.name == key }) else {
                throw ConfigurationError(.invalidFile, "\(source): unknown setting \"\(key)\"; known: \(ConfigurationKey.all.map(\.name).joined(separator: ", "))")
            }
            do {
                try setting.apply(&self, value)
            } catch {
                throw ConfigurationError(error.code, "\(source): \(error.message)")
            }
        }
    }

    /// Checks cross-field rules (and that the memory budget parses).
    public func validate() throws(ConfigurationError) {
        guard limits.defaultTopK <= limits.maxTopK else {
            throw ConfigurationError(.invalidValue, "limits.default_top_k (\(limits.defaultTopK)) is above limits.max_top_k (\(limits.maxTopK))")
        }
        do {
            try pressure.validate()
        } catch {
            throw ConfigurationError(error.code, "[pressure]: \(error.message) (window_ms \(pressure.windowMicroseconds / 1000), some_stall_ms \(pressure.someStallMicroseconds / 1000), full_stall_ms \(pressure.fullStallMicroseconds / 1000))")
        }
        _ = try lifecycle(limit: (1 << 30, "validation"))
    }

    /// The lifecycle manager's configuration.
    ///
    /// - Parameter limit: the memory limit a percentage budget refers to.
    /// - Throws: ``ConfigurationError`` for a bad budget or lifecycle value.
    public func lifecycle(limit: (bytes: Int64, source: String) = MemoryBudget.detectLimit()) throws(ConfigurationError) -> LifecycleConfiguration {
        let budget = try memoryBudget.map { (text) throws(ConfigurationError) in try MemoryBudget.parse(text, limit: limit) }
            ?? MemoryBudget.defaultBudget(limit: limit)
        let configuration = LifecycleConfiguration(budget: budget, policy: policy, recentWindow: recentWindow,
                                                   minimumResidency: minimumResidency, defaultKeepAlive: keepAlive,
                                                   preload: preload, pinned: pinned, sizeAccounting: sizeAccounting)
        try configuration.validate()
        return configuration
    }
}
