import Core

/// Replays a trace offline on a virtual clock, with the daemon's own lifecycle rules
/// (``LifecycleRules``: priority classes, pins, keep-alive, churn guard, budget) and policy types, and
/// per-model costs from a ``ModelProfile``.
///
/// Simplifications, stated so results are read right: requests are served one after another at
/// their trace times (a request's own load or compute does not delay the next decision), so no model
/// is ever in flight when a victim is picked; a load becomes warm at its request's time.
public struct Simulator: Sendable {
    public let profile: ModelProfile
    /// Budget, recent window, churn guard, pins and keep-alives (the daemon's configuration).
    public let configuration: LifecycleConfiguration

    public init(profile: ModelProfile, configuration: LifecycleConfiguration) {
        self.profile = profile
        self.configuration = configuration
    }

    /// Runs `trace` under `policy`.
    ///
    /// - Throws: ``TraceError`` when the profile lacks a model the trace names.
    public func run(_ trace: Trace, policy: SimulatedPolicy) throws(TraceError) -> SimulationResult {
        for model in trace.models { _ = try profile.costs(model) }
        var state = State(policy: policy, configuration: configuration, profile: profile, trace: trace)
        for index in trace.events.indices {
            state.serve(index)
        }
        return state.finish()
    }
}

/// The simulation's mutable state; one request at a time.
private struct State {
    let configuration: LifecycleConfiguration
    let rules: LifecycleRules
    let profile: ModelProfile
    let trace: Trace
    let mode: SimulatedPolicy
    var policy: any EvictionPolicy
    var residents: [String: ResidentState] = [:]
    var used: Int64 = 0
    var clock = 0.0
    var latencies: [Double] = []
    var result: SimulationResult
    // Oracle: index of each event's next request for the same model.
    var nextUse: [Int] = []
    var residentNextUse: [String: Int] = [:]
    // Pre-warm: gap histograms, last request times, scheduled loads and per-model expiries.
    var histograms: [String: GapHistogram] = [:]
    var lastRequest: [String: Double] = [:]
    var scheduledLoads: [String: Double] = [:]
    var expiries: [String: Double] = [:]

    init(policy mode: SimulatedPolicy, configuration base: LifecycleConfiguration, profile: ModelProfile, trace: Trace) {
        var configuration = base
        var kind = EvictionPolicyKind.lru
        if case .lifecycle(let chosen, let keepAlive) = mode {
            kind = chosen
            configuration.policy = chosen
            configuration.defaultKeepAlive = keepAlive ?? (chosen == .ttl ? 300 : base.defaultKeepAlive)
        } else {
            configuration.defaultKeepAlive = nil
        }
        self.configuration = configuration
        rules = LifecycleRules(configuration: configuration)
        self.profile = profile
        self.trace = trace
        self.mode = mode
        policy = kind.make()
        result = SimulationResult(policy: mode.description, budgetBytes: configuration.budget.bytes)
        latencies.reserveCapacity(trace.events.count)
        if case .oracle = mode { nextUse = Self.nextUses(trace) }
        for name in configuration.pinned where profile.models[name] != nil {
            load(name, at: 0, pinned: true)
        }
    }

    mutating func serve(_ index: Int) {
        let event = trace.events[index]
        let costs = profile.models[event.model]!
        advance(to: event.time)
        result.requests += 1
        var start = event.time
        if residents[event.model] != nil {
            result.hits += 1
            latencies.append(costs.computeMilliseconds)
        } else {
            guard makeRoom(for: event.model, bytes: costs.bytes, at: &start, index: index) else {
                result.refused += 1
                return
            }
            load(event.model, at: start, pinned: false)
            result.coldStarts += 1
            result.loadMillisecondsPaid += costs.loadMilliseconds
            latencies.append((start - event.time) * 1000 + costs.loadMilliseconds + costs.computeMilliseconds)
        }
        residents[event.model]!.lastUsed = start
        if case .oracle = mode { residentNextUse[event.model] = nextUse[index] }
        policy.recordAccess(rules.candidate(residents[event.model]!), now: start)
        if case .prewarm(let settings) = mode {
            schedulePrewarm(event.model, at: start, settings: settings)
        } else if !residents[event.model]!.pinned, rules.keepAlive(nil) == 0 {
            evict(event.model, reason: .ttl)
        }
    }

    mutating func finish() -> SimulationResult {
        advance(to: max(clock, trace.duration))
        if !latencies.isEmpty {
            result.meanLatencyMilliseconds = latencies.reduce(0, +) / Double(latencies.count)
            latencies.sort()
            result.p99LatencyMilliseconds = latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.99))]
        }
        return result
    }

    // MARK: Time

    /// Moves the clock to `time`, firing keep-alive expiries and scheduled pre-warm loads in order and
    /// integrating memory held.
    mutating func advance(to time: Double) {
        while true {
            let expiry = nextExpiry()
            let prewarm = scheduledLoads.min { ($0.value, $0.key) < ($1.value, $1.key) }
            let next = [expiry.map { ($0.time, 0, $0.name) }, prewarm.map { ($0.value, 1, $0.key) }]
                .compactMap { $0 }.min { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
            guard let (when, kind, name) = next, when <= time else { break }
            integrate(to: when)
            if kind == 0 {
                evict(name, reason: .ttl)
            } else {
                scheduledLoads[name] = nil
                if residents[name] == nil, let costs = profile.models[name] {
                    var start = when
                    if makeRoom(for: name, bytes: costs.bytes, at: &start, index: nil) {
                        load(name, at: start, pinned: false)
                        expiries[name] = start + (pendingKeepAlive.removeValue(forKey: name) ?? 0)
                        result.prewarmLoads += 1
                        result.backgroundLoadMilliseconds += costs.loadMilliseconds
                    }
                }
            }
        }
        integrate(to: time)
    }

    mutating func integrate(to time: Double) {
        guard time > clock else { return }
        result.byteSeconds += Double(used) * (time - clock)
        clock = time
    }

    func nextExpiry() -> (time: Double, name: String)? {
        var best: (time: Double, name: String)?
        for (name, model) in residents where !model.pinned {
            let expiry: Double?
            if case .prewarm = mode { expiry = expiries[name] } else { expiry = rules.expiry(model) }
            if let expiry, best == nil || (expiry, name) < (best!.time, best!.name) { best = (expiry, name) }
        }
        return best
    }

    // MARK: Residency

    mutating func load(_ name: String, at time: Double, pinned: Bool) {
        let costs = profile.models[name]!
        residents[name] = ResidentState(name: name, bytes: costs.bytes, loadCost: costs.loadMilliseconds, pinned: pinned,
                                        lastUsed: time, loadedAt: time, keepAlive: configuration.keepAlive[name])
        used += costs.bytes
    }

    mutating func evict(_ name: String, reason: EvictionReason) {
        guard let model = residents.removeValue(forKey: name) else { return }
        used -= model.bytes
        expiries[name] = nil
        residentNextUse[name] = nil
        result.evictions[reason.rawValue, default: 0] += 1
        policy.recordEviction(name, now: clock)
    }

    /// Evicts until `bytes` fit. Where only models inside the churn guard stand in the way, this
    /// request waits (as in the daemon) until the first of them ages out: its `start` moves forward,
    /// while the clock stays at the trace time so other requests are not held up behind it.
    mutating func makeRoom(for name: String, bytes: Int64, at start: inout Double, index: Int?) -> Bool {
        let budget = configuration.budget.bytes
        guard bytes <= budget else { return false }
        while used + bytes > budget {
            if let victim = pickVictim(excluding: name, now: start) {
                evict(victim, reason: .budget)
                continue
            }
            guard policy.evictsAutomatically, case .lifecycle = mode else { return false }
            let guarded = residents.values.filter { !$0.pinned }.map { $0.loadedAt + configuration.minimumResidency }
            // Like the daemon, give up (507) when room does not come within the wait timeout.
            guard let ready = guarded.filter({ $0 > start }).min(), ready - clock <= configuration.roomWaitTimeout else {
                return false
            }
            start = ready
        }
        return true
    }

    func pickVictim(excluding name: String, now: Double) -> String? {
        switch mode {
        case .lifecycle:
            guard policy.evictsAutomatically else { return nil }
            return rules.victims(Array(residents.values), reason: .budget, classes: [.cached, .recent],
                                 excluding: name, policy: policy, now: now).first
        case .oracle:
            return residents.values.filter { !$0.pinned && $0.name != name }
                .max { (residentNextUse[$0.name] ?? .max, $1.name) < (residentNextUse[$1.name] ?? .max, $0.name) }?.name
        case .prewarm:
            return residents.values.filter { !$0.pinned && $0.name != name }
                .min { ($0.lastUsed, $0.name) < ($1.lastUsed, $1.name) }?.name
        }
    }

    // MARK: Pre-warm

    mutating func schedulePrewarm(_ name: String, at time: Double, settings: PrewarmSettings) {
        if let last = lastRequest[name] {
            histograms[name, default: GapHistogram(settings: settings)].add(time - last)
        }
        lastRequest[name] = time
        scheduledLoads[name] = nil
        guard let windows = histograms[name]?.windows(), !residents[name]!.pinned else {
            expiries[name] = time + settings.fallbackKeepAlive
            return
        }
        if windows.prewarm > 0 {
            // Unloaded until just before the next request is expected, then kept for the keep-alive window.
            evict(name, reason: .ttl)
            scheduledLoads[name] = time + windows.prewarm
            expiries[name] = nil
            pendingKeepAlive[name] = windows.keepAlive
        } else {
            expiries[name] = time + windows.keepAlive
        }
    }

    var pendingKeepAlive: [String: Double] = [:]

    // MARK: Oracle

    static func nextUses(_ trace: Trace) -> [Int] {
        var next = [Int](repeating: .max, count: trace.events.count)
        var seen: [String: Int] = [:]
        for index in trace.events.indices.reversed() {
            next[index] = seen[trace.events[index].model] ?? .max
            seen[trace.events[index].model] = index
        }
        return next
    }
}

/// Idle-gap histogram of one model (the pre-warm policy's memory).
struct GapHistogram {
    let settings: PrewarmSettings
    var counts: [Int]
    var outOfBounds = 0
    var total = 0

    init(settings: PrewarmSettings) {
        self.settings = settings
        counts = [Int](repeating: 0, count: settings.bins)
    }

    mutating func add(_ gap: Double) {
        total += 1
        let bin = Int(gap / settings.binSeconds)
        if bin < counts.count { counts[bin] += 1 } else { outOfBounds += 1 }
    }

    /// (pre-warm, keep-alive) windows in seconds, or `nil` when the histogram is not yet trusted.
    func windows() -> (prewarm: Double, keepAlive: Double)? {
        guard total >= settings.minimumSamples, outOfBounds * 2 < total else { return nil }
        let head = percentile(settings.headPercentile)
        let tail = percentile(settings.tailPercentile) + settings.binSeconds
        let prewarm = max(0, head * (1 - settings.margin))
        return (prewarm, max(settings.binSeconds, tail * (1 + settings.margin) - prewarm))
    }

    /// Lower edge (seconds) of the bin where `p` percent of the gaps are reached.
    func percentile(_ p: Double) -> Double {
        let target = Int((Double(total) * p / 100).rounded(.up))
        var running = 0
        for (bin, count) in counts.enumerated() {
            running += count
            if running >= max(1, target) { return Double(bin) * settings.binSeconds }
        }
        return Double(counts.count) * settings.binSeconds
    }
}
