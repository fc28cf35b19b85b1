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

    public init(name: String, bytes: Int64, loadCost: Double, pinned: Bool = false, inFlight: Int = 0,
                lastUsed: Double, loadedAt: Double, keepAlive: Double? = nil) {
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
/// recent > cached), keep-alive expiry, the churn guard, and victim order (lowest class first, each
/// class in the policy's order). The ``ModelManager`` and the simulator both decide with these, so a
/// simulation runs the daemon's own rules.
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
                          loadedAt: model.loadedAt, expiresAt: expiry(model))
    }

    /// Victims in eviction order: idle, unpinned models in `classes` (lowest class first), each class in
    /// `policy`'s order. For the budget, models younger than the minimum residency are spared, unless
    /// `overBudget` (the budget is already exceeded: the guard protects against thrash, not overruns).
    public func victims(_ models: [ResidentState], reason: EvictionReason, classes: [ModelSummary.PriorityClass],
                        excluding: String? = nil, policy: any EvictionPolicy, now: Double, overBudget: Bool = false) -> [String] {
        var ordered: [String] = []
        for priority in classes.sorted() {
            let candidates = models.compactMap { model -> EvictionCandidate? in
                guard model.name != excluding, model.inFlight == 0, !model.pinned,
                      priorityClass(model, now: now) == priority else { return nil }
                if reason == .budget, !overBudget, now < model.loadedAt + configuration.minimumResidency { return nil }
                return candidate(model)
            }
            ordered += policy.order(candidates, now: now).map(\.name)
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
