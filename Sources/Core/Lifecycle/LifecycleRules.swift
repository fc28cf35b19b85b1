import InferdWire

/// A warm model as the lifecycle rules see it.
public struct ResidentState: Sendable, Equatable {
    public var name: String
    /// Measured resident bytes.
    public var bytes: Int64
    /// Its last load's read + compile time, ms.
    public var loadCost: Double
    public var pinned: Bool
    /// Requests in flight on it now.
    public var inFlight: Int
    /// Clock seconds of its last request (its load, if none since).
    public var lastUsed: Double
    /// Clock seconds when it became warm.
    public var loadedAt: Double
    /// Its own keep-alive, seconds (`nil` = the default, -1 = forever).
    public var keepAlive: Double?
    /// Sequence number of its last access (see ``EvictionCandidate/lastAccess``).
    public var lastAccess: UInt64

    public init(name: String, bytes: Int64, loadCost: Double, pinned: Bool = false, inFlight: Int = 0,
                lastUsed: Double, loadedAt: Double, keepAlive: Double? = nil, lastAccess: UInt64 = 0) {
        self.lastAccess = lastAccess
        self.name = name
        self.bytes = bytes
        self.loadCost = loadCost
        self.pinned = pinned
        self.inFlight = inFlight
        self.lastUsed = lastUsed
        self.loadedAt = loadedAt
        self.keepAlive = keepAlive
    }
}

/// The lifecycle's rules as pure functions of state and time: priority classes (pinned > foreground >
/// recent > cached), keep-alive expiry, the churn guard, and victim order. The ``ModelManager`` and the
/// simulator both decide with these (through ``RoomMaker``), so a simulation runs the daemon's own rules.
///
/// The churn guard and the recent window **order** victims; they never refuse a load a plain policy
/// would make:
/// - For the budget, victims are every idle, unpinned model in the policy's order, with the models
///   younger than ``LifecycleConfiguration/minimumResidency`` moved to the end (guarded models go
///   last, and go when nothing else frees enough). The recent window does not reorder budget victims:
///   it would put the policy's order second to recency (LFU and GDSF would become LRU-like).
/// - Under pressure, the lowest class goes first (moderate pressure takes cached models only).
public struct LifecycleRules: Sendable {
    public let configuration: LifecycleConfiguration

    public init(configuration: LifecycleConfiguration) { self.configuration = configuration }

    /// The model's class at `now`.
    public func priorityClass(_ model: ResidentState, now: Double) -> ModelSummary.PriorityClass {
        if model.pinned { return .pinned }
        if model.inFlight > 0 { return .foreground }
        if now - model.lastUsed < configuration.recentWindow { return .recent }
        return .cached
    }

    /// The keep-alive that applies, seconds; `nil` = forever.
    public func keepAlive(_ override: Double?) -> Double? {
        let value = override ?? configuration.defaultKeepAlive
        return value == -1 ? nil : value
    }

    /// When the model's keep-alive runs out (clock seconds), `nil` when it never does.
    public func expiry(_ model: ResidentState) -> Double? {
        guard !model.pinned, let keepAlive = keepAlive(model.keepAlive) else { return nil }
        return model.lastUsed + keepAlive
    }

    /// True when the keep-alive sweep should unload the model at `now`.
    public func isExpired(_ model: ResidentState, now: Double) -> Bool {
        guard model.inFlight == 0, let expiry = expiry(model) else { return false }
        return now >= expiry
    }

    /// The eviction-policy view of a model.
    public func candidate(_ model: ResidentState) -> EvictionCandidate {
        EvictionCandidate(name: model.name, bytes: model.bytes, loadCost: model.loadCost, lastUsed: model.lastUsed,
                          loadedAt: model.loadedAt, expiresAt: expiry(model), lastAccess: model.lastAccess)
    }

    /// True while the churn guard protects `model` (younger than the minimum residency).
    public func isGuarded(_ model: ResidentState, now: Double) -> Bool {
        now < model.loadedAt + configuration.minimumResidency
    }

    /// Victims in eviction order: idle, unpinned models in `classes`. For the budget, one list in
    /// `policy`'s order with guarded models last; for pressure, lowest class first, each class in the
    /// policy's order (see the type's notes).
    public func victims(_ models: [ResidentState], reason: EvictionReason, classes: [ModelSummary.PriorityClass],
                        excluding: String? = nil, policy: any EvictionPolicy, now: Double) -> [String] {
        victimCandidates(models, reason: reason, classes: classes, excluding: excluding, policy: policy, now: now).map(\.name)
    }

    /// ``victims(_:reason:classes:excluding:policy:now:)`` as the policy sees them (with their bytes).
    public func victimCandidates(_ models: [ResidentState], reason: EvictionReason, classes: [ModelSummary.PriorityClass],
                                 excluding: String? = nil, policy: any EvictionPolicy, now: Double) -> [EvictionCandidate] {
        if reason == .budget {
            // One pass, one array: this runs on every load that needs room (a million times in a study).
            var allowed: [EvictionCandidate] = []
            allowed.reserveCapacity(models.count)
            for model in models where model.inFlight == 0 && !model.pinned && model.name != excluding
                && classes.contains(priorityClass(model, now: now)) {
                allowed.append(candidate(model))
            }
            let ordered = policy.order(allowed, now: now)
            let guardTime = configuration.minimumResidency
            guard guardTime > 0 else { return ordered }
            // Guarded (younger than the minimum residency) last, each part in the policy's order.
            return ordered.filter { now >= $0.loadedAt + guardTime } + ordered.filter { now < $0.loadedAt + guardTime }
        }
        let idle = models.filter { $0.name != excluding && $0.inFlight == 0 && !$0.pinned }
        var ordered: [EvictionCandidate] = []
        for priority in classes.sorted() {
            let candidates = idle.filter { priorityClass($0, now: now) == priority }.map(candidate)
            ordered += policy.order(candidates, now: now)
        }
        return ordered
    }

    /// The classes a trigger may take victims from, and the used-bytes level it evicts down to.
    public func trimScope(_ level: PressureLevel) -> (classes: [ModelSummary.PriorityClass], target: Int64) {
        switch level {
        case .none: ([], .max)
        case .moderate: ([.cached], Int64(Double(configuration.budget.bytes) * configuration.pressureLowWatermark))
        case .critical: ([.cached, .recent], 0)
        }
    }
}
