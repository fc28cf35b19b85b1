/// How the lifecycle manager keeps models warm and picks victims. A plain value with documented
/// defaults, built by the daemon from its config file and flags.
public struct LifecycleConfiguration: Sendable, Equatable {
    /// Bytes warm models may hold. Default: half the daemon's memory limit (see ``MemoryBudget``).
    public var budget: MemoryBudget
    /// Orders victims within a priority class. Default LRU.
    public var policy: EvictionPolicyKind
    /// A model used within this many seconds is in the `recent` class (evicted after `cached` ones).
    /// Default 60 s.
    public var recentWindow: Double
    /// Churn guard: a model younger than this (seconds since it became warm) goes last among budget
    /// victims. It orders, never refuses. Default 0 (off): a request's lease already keeps its model
    /// from being evicted before it runs, and on churny traces the guard costs up to 45 % more loads than
    /// the plain policy (docs/LIFECYCLE.md).
    public var minimumResidency: Double
    /// Keep-alive for models without their own: seconds after the last request before the TTL sweep
    /// unloads it. `nil` = forever (the default), except under the `ttl` policy (300 s, like Ollama).
    /// 0 unloads right after each request.
    public var defaultKeepAlive: Double?
    /// Per-model keep-alive overrides (seconds; -1 = forever).
    public var keepAlive: [String: Double]
    /// Models loaded (with a warm-up inference) at start, before the daemon reports ready.
    public var preload: [String]
    /// Models never evicted automatically (loaded at start too).
    public var pinned: [String]
    /// Moderate pressure evicts cached models until used bytes are at most this share of the budget.
    /// Default 0.5.
    public var pressureLowWatermark: Double
    /// Before a model's first load its resident cost is estimated as file size × this factor; each
    /// load refines it (the mean measured ratio). Default 1.5.
    public var initialSizeFactor: Double
    /// How long a request waits for room held by in-flight requests before 507. Default 30 s.
    public var roomWaitTimeout: Double
    /// What a warm model is charged against the budget. Default `.measured`.
    public var sizeAccounting: SizeAccounting
    /// Loads of different models that may read and compile at once. Only models whose footprint is
    /// already known (measured accounting) share the load slot: a first load measures the model's
    /// size in-process and may measure `precision auto`, and needs the machine to itself. Default 2.
    public var parallelLoads: Int

    /// What a warm model is charged against the budget.
    public enum SizeAccounting: String, Sendable, Equatable, CaseIterable {
        /// Its measured resident memory (anonymous RSS growth over its load): true to the machine, but
        /// it varies by several MiB from load to load.
        case measured
        /// File size × ``LifecycleConfiguration/initialSizeFactor``, always: reproducible, for policy
        /// studies that compare the daemon with the simulator.
        case file
    }

    public init(budget: MemoryBudget, policy: EvictionPolicyKind = .lru, recentWindow: Double = 60,
                minimumResidency: Double = 0, defaultKeepAlive: Double? = nil, keepAlive: [String: Double] = [:],
                preload: [String] = [], pinned: [String] = [], pressureLowWatermark: Double = 0.5,
                initialSizeFactor: Double = 1.5, roomWaitTimeout: Double = 30, sizeAccounting: SizeAccounting = .measured,
                parallelLoads: Int = 2) {
        self.budget = budget
        self.policy = policy
        self.recentWindow = recentWindow
        self.minimumResidency = minimumResidency
        self.defaultKeepAlive = defaultKeepAlive ?? (policy == .ttl ? 300 : nil)
        self.keepAlive = keepAlive
        self.preload = preload
        self.pinned = pinned
        self.pressureLowWatermark = pressureLowWatermark
        self.initialSizeFactor = initialSizeFactor
        self.roomWaitTimeout = roomWaitTimeout
        self.sizeAccounting = sizeAccounting
        self.parallelLoads = parallelLoads
    }

    /// Checks values a person may have got wrong.
    public func validate() throws(ConfigurationError) {
        guard budget.bytes > 0 else { throw ConfigurationError(.invalidValue, "memory budget must be positive") }
        guard recentWindow >= 0 else { throw ConfigurationError(.invalidValue, "recent window must be >= 0 seconds") }
        guard minimumResidency >= 0 else { throw ConfigurationError(.invalidValue, "minimum residency must be >= 0 seconds") }
        guard parallelLoads >= 1 else { throw ConfigurationError(.invalidValue, "parallel loads must be at least 1") }
        guard (0...1).contains(pressureLowWatermark) else {
            throw ConfigurationError(.invalidValue, "pressure low watermark must be between 0 and 1")
        }
        if let defaultKeepAlive, defaultKeepAlive < 0, defaultKeepAlive != -1 {
            throw ConfigurationError(.invalidValue, "keep-alive must be >= 0 seconds, or -1 for forever")
        }
        for (name, seconds) in keepAlive where seconds < 0 && seconds != -1 {
            throw ConfigurationError(.invalidValue, "keep-alive of \(name) must be >= 0 seconds, or -1 for forever")
        }
    }

    /// Checks the configuration against the models there are: preload and pinned names must exist, the
    /// budget must hold the smallest model, and the pinned models must fit together (by their estimated
    /// size, file size × ``initialSizeFactor``).
    public func validate(against catalog: ModelCatalog) throws(ConfigurationError) {
        try validate()
        for name in preload + pinned where catalog[name] == nil {
            throw ConfigurationError(.invalidValue,
                "preload/pin names unknown model \"\(name)\"; the models directory has: \(catalog.names.joined(separator: ", "))")
        }
        func estimate(_ bundle: ModelBundle) -> Int64 { Int64(Double(bundle.fileBytes) * initialSizeFactor) }
        if let smallest = catalog.bundles.values.min(by: { estimate($0) < estimate($1) }), estimate(smallest) > budget.bytes {
            throw ConfigurationError(.invalidValue,
                "memory budget \(formatBytes(budget.bytes)) is below the smallest model (\(smallest.name), about \(formatBytes(estimate(smallest)))): no model could ever load; raise --memory-budget")
        }
        let pinnedBytes = Set(pinned).compactMap { catalog[$0] }.reduce(Int64(0)) { $0 + estimate($1) }
        if pinnedBytes > budget.bytes {
            throw ConfigurationError(.invalidValue,
                "the pinned models need about \(formatBytes(pinnedBytes)) together, more than the memory budget \(formatBytes(budget.bytes))")
        }
    }
}
