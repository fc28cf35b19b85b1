import Core
import HeapModule

/// Replays a trace offline on a virtual clock, with the daemon's own lifecycle rules and room-making
/// code (``RoomMaker``, ``LifecycleRules``: pins, keep-alive, churn guard, budget) and policy types, and
/// per-model costs from a ``ModelProfile``.
///
/// Time and concurrency are modelled as the daemon serves a replay (see ``SimulationOptions``): a
/// request is sent when due and a client slot is free; a cold model is loaded (one load at a time, as
/// the daemon does under file accounting, which policy studies use; with measured accounting the
/// daemon may overlap loads of models whose footprint is known, which moves when a load ends, not how
/// many there are) and requests that arrive meanwhile wait for that load (cold answers, not new loads);
/// answers compute on a c-server queue; a model with requests in flight is never a victim, and a
/// request that finds no room while others are busy waits for them (up to the room wait timeout).
/// With zero load and compute costs this is the classic cache model (each request served at its time).
public struct Simulator: Sendable {
    public let profile: ModelProfile
    /// Budget, recent window, churn guard, pins and keep-alives (the daemon's configuration).
    public let configuration: LifecycleConfiguration
    public let options: SimulationOptions

    public init(profile: ModelProfile, configuration: LifecycleConfiguration, options: SimulationOptions = SimulationOptions()) {
        self.profile = profile
        self.configuration = configuration
        self.options = options
    }

    /// Runs `trace` under `policy`.
    ///
    /// - Throws: ``TraceError`` when the profile lacks a model the trace names.
    public func run(_ trace: Trace, policy: SimulatedPolicy) throws(TraceError) -> SimulationResult {
        try run(CompactTrace(trace), policy: policy)
    }

    /// Runs `trace` under `policy`: the same as ``run(_:policy:)-(Trace,_)``, on columns a sweep reads once and shares.
    ///
    /// - Throws: ``TraceError`` when the profile lacks a model the trace names.
    public func run(_ trace: CompactTrace, policy: SimulatedPolicy) throws(TraceError) -> SimulationResult {
        for model in trace.names { _ = try profile.costs(model) }
        var state = SimulationState(policy: policy, configuration: configuration, options: options, profile: profile, trace: trace)
        state.run()
        return state.finish()
    }
}

/// Something due on the virtual clock: a load finishing, or an answer.
private struct Pending: Comparable {
    var time: Double
    var sequence: UInt64
    var model: Int
    /// For an answer: when its request was sent, and whether it waited on a load. Loads: unused.
    var sent: Double
    var isAnswer: Bool
    var cold: Bool
    /// Latency to record instead of now - sent (instant mode: the costs, not the clock).
    var latency: Double? = nil

    static func < (a: Pending, b: Pending) -> Bool { (a.time, a.sequence) < (b.time, b.sequence) }
    static func == (a: Pending, b: Pending) -> Bool { a.time == b.time && a.sequence == b.sequence }
}

/// The simulation's mutable state.
private struct SimulationState {
    enum Phase { case cold, loading, warm }

    let configuration: LifecycleConfiguration
    let options: SimulationOptions
    let rules: LifecycleRules
    let roomMaker: RoomMaker
    let trace: CompactTrace
    let mode: SimulatedPolicy
    /// Concurrency 0: loads and answers take no time on the clock (their costs only count in latency).
    let instant: Bool
    var policy: any EvictionPolicy
    // Per model, by index.
    let names: [String]
    let costs: [ModelProfile.Costs]
    var phase: [Phase]
    var residents: [ResidentState]
    /// Send times of the requests waiting on each model's load.
    var waiters: [[Double]]
    var breakdown: [SimulationResult.ModelBreakdown]
    /// Model index of each trace event.
    var eventModel: [Int32] = []
    var used: Int64 = 0
    var clock = 0.0
    var pending = Heap<Pending>()
    var pendingSequence: UInt64 = 0
    var accessSequence: UInt64 = 0
    var servers: [Double]
    var loaderFree = 0.0
    var inFlightRequests = 0
    /// Requests waiting for room: model and send time, first come first served.
    var roomWaiting: [(model: Int, sent: Double)] = []
    var latency = LatencyHistogram()
    var bytesRequested = 0.0
    var bytesLoaded = 0.0
    var keepAlives: Bool
    var result: SimulationResult
    // Oracle: index of each event's next request for the same model, and each model's next use.
    var nextUse: [Int] = []
    var modelNextUse: [Int]
    /// Evictions by reason (``EvictionReason/allCases`` order), into ``SimulationResult/evictions`` at the end.
    var evictionCounts = [Int](repeating: 0, count: EvictionReason.allCases.count)
    // Pre-warm, per model: gap histograms, last request times, scheduled loads and expiries.
    var histograms: [GapHistogram?]
    var lastRequest: [Double?]
    var scheduledLoads: [Double?]
    var expiries: [Double?]
    var pendingKeepAlive: [Double?]

    init(policy mode: SimulatedPolicy, configuration base: LifecycleConfiguration, options: SimulationOptions,
         profile: ModelProfile, trace: CompactTrace) {
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
        self.options = options
        instant = options.concurrency == 0
        rules = LifecycleRules(configuration: configuration)
        roomMaker = RoomMaker(rules: rules)
        self.trace = trace
        self.mode = mode
        policy = kind.make()
        names = Array(Set(trace.names + configuration.pinned.filter { profile.models[$0] != nil })).sorted()
        costs = names.map { profile.models[$0]! }
        phase = Array(repeating: .cold, count: names.count)
        residents = names.enumerated().map {
            ResidentState(name: $0.element, bytes: profile.models[$0.element]!.bytes, loadCost: profile.models[$0.element]!.loadMilliseconds,
                          pinned: configuration.pinned.contains($0.element), lastUsed: 0, loadedAt: 0,
                          keepAlive: configuration.keepAlive[$0.element])
        }
        waiters = Array(repeating: [], count: names.count)
        histograms = Array(repeating: nil, count: names.count)
        lastRequest = Array(repeating: nil, count: names.count)
        scheduledLoads = Array(repeating: nil, count: names.count)
        expiries = Array(repeating: nil, count: names.count)
        pendingKeepAlive = Array(repeating: nil, count: names.count)
        breakdown = Array(repeating: SimulationResult.ModelBreakdown(), count: names.count)
        servers = Array(repeating: 0, count: max(1, options.computeServers))
        var isKeepAlive = configuration.defaultKeepAlive != nil || configuration.keepAlive.values.contains { $0 != -1 }
        if case .prewarm = mode { isKeepAlive = true }
        keepAlives = isKeepAlive
        result = SimulationResult(policy: mode.description, budgetBytes: configuration.budget.bytes)
        modelNextUse = Array(repeating: .max, count: names.count)
        if names == trace.names {
            eventModel = trace.modelIDs   // shared, not copied
        } else {
            let renumber = trace.names.map { Int32(names.firstIndex(of: $0)!) }
            eventModel = trace.modelIDs.map { renumber[Int($0)] }
        }
        if case .oracle = mode { nextUse = Self.nextUses(eventModel, models: names.count) }
        // Pinned models are loaded before the daemon is ready (as its preload does).
        for model in names.indices where residents[model].pinned && used + costs[model].bytes <= configuration.budget.bytes {
            phase[model] = .warm
            used += costs[model].bytes
        }
    }

    mutating func run() {
        let speed = options.speed
        for request in trace.times.indices {
            var due = trace.times[request] / speed
            if options.concurrency > 0 {
                while inFlightRequests >= options.concurrency, step(until: .infinity) {}
                due = max(due, clock)
            }
            advance(to: due)
            send(request, at: due)
        }
        while step(until: .infinity) {}
    }

    mutating func finish() -> SimulationResult {
        advance(to: max(clock, trace.duration / options.speed))
        result.meanLatencyMilliseconds = latency.summary.mean
        result.p99LatencyMilliseconds = latency.percentile(99)
        result.byteMissRatio = bytesRequested > 0 ? bytesLoaded / bytesRequested : 0
        for (reason, count) in zip(EvictionReason.allCases, evictionCounts) where count > 0 { result.evictions[reason.rawValue] = count }
        result.models = Dictionary(uniqueKeysWithValues: zip(names, breakdown).filter { $0.1.requests > 0 })
        return result
    }

    // MARK: Time

    /// Handles everything due up to `time` in order, then moves the clock there.
    mutating func advance(to time: Double) {
        while step(until: time) {}
        integrate(to: time)
    }

    /// Handles the next thing due at or before `limit` (a load or answer, a keep-alive expiry, a
    /// pre-warm load); false when there is none.
    mutating func step(until limit: Double) -> Bool {
        var when = pending.min?.time ?? .infinity
        var expiring: Int?
        var prewarming: Int?
        if keepAlives {
            if let (time, model) = nextExpiry(), time < when { (when, expiring) = (time, model) }
            if let next = nextScheduledLoad(), next.time < when {
                (when, expiring, prewarming) = (next.time, nil, next.model)
            }
        }
        guard when <= limit, when.isFinite else { return false }
        integrate(to: when)
        if let expiring {
            evict(expiring, reason: .ttl)
        } else if let prewarming {
            scheduledLoads[prewarming] = nil
            if phase[prewarming] == .cold, tryLoad(prewarming, sent: nil, at: when) {
                expiries[prewarming] = nil
            }
        } else {
            let event = pending.removeMin()
            if event.isAnswer { answered(event) } else { loaded(event.model, at: event.time) }
        }
        return true
    }

    mutating func integrate(to time: Double) {
        guard time > clock else { return }
        result.byteSeconds += Double(used) * (time - clock)
        clock = time
    }

    /// The earliest pre-warm load (ties: the lower model index).
    func nextScheduledLoad() -> (time: Double, model: Int)? {
        var best: (time: Double, model: Int)?
        for model in scheduledLoads.indices {
            if let time = scheduledLoads[model], best == nil || time < best!.time { best = (time, model) }
        }
        return best
    }

    func nextExpiry() -> (time: Double, model: Int)? {
        var best: (time: Double, model: Int)?
        for model in names.indices where phase[model] == .warm && residents[model].inFlight == 0 && !residents[model].pinned {
            let expiry: Double?
            if case .prewarm = mode { expiry = expiries[model] } else { expiry = rules.expiry(residents[model]) }
            if let expiry, best == nil || expiry < best!.time { best = (expiry, model) }
        }
        return best
    }

    mutating func push(_ event: Pending) {
        var event = event
        pendingSequence += 1
        event.sequence = pendingSequence
        pending.insert(event)
    }

    // MARK: Requests

    mutating func send(_ request: Int, at time: Double) {
        let model = Int(eventModel[request])
        result.requests += 1
        breakdown[model].requests += 1
        bytesRequested += Double(costs[model].bytes)
        inFlightRequests += 1
        if case .oracle = mode { modelNextUse[model] = nextUse[request] }
        switch phase[model] {
        case .warm:
            residents[model].inFlight += 1
            compute(model, sent: time, cold: false, at: time)
        case .loading:
            waiters[model].append(time)
        case .cold:
            if !tryLoad(model, sent: time, at: time) { roomWaiting.append((model, time)) }
        }
    }

    /// Makes room as the daemon does and starts the load. False only when the request must wait for
    /// room; a request that can never get room is refused (and true returned). A pre-warm load
    /// (`sent == nil`) that finds no room is skipped.
    mutating func tryLoad(_ model: Int, sent: Double?, at time: Double) -> Bool {
        let size = costs[model].bytes
        let victimPolicy: any EvictionPolicy
        switch mode {
        case .lifecycle: victimPolicy = policy
        case .oracle: victimPolicy = FarthestNextUsePolicy(models: names, nextUse: modelNextUse)
        case .prewarm: victimPolicy = LRUPolicy()
        }
        let need = RoomMaker.Need(bytes: size, certainBytes: size, certainIsCharge: true)
        let decision: RoomMaker.Decision
        if let quick = roomMaker.decideWithoutVictims(need: need, usedBytes: used) {
            decision = quick   // what decide answers first, without gathering the warm models
        } else {
            var warm: [ResidentState] = []
            warm.reserveCapacity(names.count)
            for index in names.indices where phase[index] == .warm { warm.append(residents[index]) }
            decision = roomMaker.decide(for: names[model], need: need, usedBytes: used, residents: warm, policy: victimPolicy, now: time)
        }
        switch decision {
        case .load(let victims):
            for victim in victims { evict(index(victim), reason: .budget) }
            startLoad(model, sent: sent, at: time)
            return true
        case .neverFits, .noRoomManual:
            if sent != nil { refuse() }
            return true
        case .blocked(let victims):
            for victim in victims { evict(index(victim), reason: .budget) }
            let waitable = names.indices.contains { phase[$0] == .loading || (phase[$0] == .warm && residents[$0].inFlight > 0) }
            if sent != nil, !waitable { refuse() }
            return sent == nil || !waitable
        }
    }

    mutating func refuse() {
        result.refused += 1
        inFlightRequests -= 1
    }

    func index(_ name: String) -> Int { names.firstIndex(of: name)! }

    mutating func startLoad(_ model: Int, sent: Double?, at time: Double) {
        phase[model] = .loading
        used += costs[model].bytes
        if !instant {
            let start = max(time, loaderFree)
            loaderFree = start + costs[model].loadMilliseconds / 1000
            push(Pending(time: loaderFree, sequence: 0, model: model, sent: 0, isAnswer: false, cold: false))
        }
        if let sent {
            waiters[model] = [sent]
            result.loads += 1
            breakdown[model].loads += 1
            breakdown[model].loadSecondsPaid += costs[model].loadMilliseconds / 1000
            result.loadMillisecondsPaid += costs[model].loadMilliseconds
            bytesLoaded += Double(costs[model].bytes)
        } else {
            result.prewarmLoads += 1
            result.backgroundLoadMilliseconds += costs[model].loadMilliseconds
        }
        if instant { loaded(model, at: time) }
    }

    mutating func loaded(_ model: Int, at time: Double) {
        phase[model] = .warm
        residents[model].loadedAt = time
        residents[model].lastUsed = time
        residents[model].lastAccess = nextAccess()
        residents[model].inFlight = waiters[model].count
        for sent in waiters[model] { compute(model, sent: sent, cold: true, at: time) }
        waiters[model] = []
        if case .prewarm = mode, let keepAlive = pendingKeepAlive[model] {
            pendingKeepAlive[model] = nil
            expiries[model] = time + keepAlive
        }
        retryRoom(at: time)
    }

    mutating func compute(_ model: Int, sent: Double, cold: Bool, at time: Double) {
        if instant {
            let latency = (cold ? costs[model].loadMilliseconds : 0) + costs[model].computeMilliseconds
            answered(Pending(time: time, sequence: 0, model: model, sent: sent, isAnswer: true, cold: cold, latency: latency))
            return
        }
        var server = 0
        for index in servers.indices where servers[index] < servers[server] { server = index }
        let end = max(time, servers[server]) + costs[model].computeMilliseconds / 1000
        servers[server] = end
        push(Pending(time: end, sequence: 0, model: model, sent: sent, isAnswer: true, cold: cold))
    }

    mutating func answered(_ event: Pending) {
        let model = event.model
        inFlightRequests -= 1
        latency.record(event.latency ?? (event.time - event.sent) * 1000)
        if event.cold {
            result.coldAnswers += 1
            breakdown[model].coldAnswers += 1
        } else {
            result.warmAnswers += 1
            breakdown[model].warmAnswers += 1
        }
        residents[model].inFlight -= 1
        residents[model].lastUsed = event.time
        residents[model].lastAccess = nextAccess()
        policy.recordAccess(rules.candidate(residents[model]), now: event.time)
        if case .prewarm(let settings) = mode {
            schedulePrewarm(model, at: event.time, settings: settings)
        } else if residents[model].inFlight == 0, !residents[model].pinned, rules.keepAlive(residents[model].keepAlive) == 0 {
            evict(model, reason: .ttl)
        }
        retryRoom(at: event.time)
    }

    /// Requests waiting for room try again, in order; past the wait timeout they are refused.
    mutating func retryRoom(at time: Double) {
        guard !roomWaiting.isEmpty else { return }
        var still: [(model: Int, sent: Double)] = []
        for waiting in roomWaiting {
            switch phase[waiting.model] {
            case .warm:
                residents[waiting.model].inFlight += 1
                compute(waiting.model, sent: waiting.sent, cold: true, at: time)
            case .loading:
                waiters[waiting.model].append(waiting.sent)
            case .cold:
                if time - waiting.sent > configuration.roomWaitTimeout {
                    refuse()
                } else if !tryLoad(waiting.model, sent: waiting.sent, at: time) {
                    still.append(waiting)
                }
            }
        }
        roomWaiting = still
    }

    mutating func nextAccess() -> UInt64 {
        accessSequence += 1
        return accessSequence
    }

    // MARK: Residency

    mutating func evict(_ model: Int, reason: EvictionReason) {
        guard phase[model] == .warm, residents[model].inFlight == 0 else { return }
        phase[model] = .cold
        used -= costs[model].bytes
        expiries[model] = nil
        evictionCounts[EvictionReason.allCases.firstIndex(of: reason)!] += 1
        policy.recordEviction(names[model], now: clock)
    }

    // MARK: Pre-warm

    mutating func schedulePrewarm(_ model: Int, at time: Double, settings: PrewarmSettings) {
        if let last = lastRequest[model] {
            if histograms[model] == nil { histograms[model] = GapHistogram(settings: settings) }
            histograms[model]!.add(time - last)
        }
        lastRequest[model] = time
        scheduledLoads[model] = nil
        guard let windows = histograms[model]?.windows(), !residents[model].pinned else {
            expiries[model] = time + settings.fallbackKeepAlive
            return
        }
        if windows.prewarm > 0, residents[model].inFlight == 0 {
            // Unloaded until just before the next request is expected, then kept for the keep-alive window.
            evict(model, reason: .ttl)
            scheduledLoads[model] = time + windows.prewarm
            pendingKeepAlive[model] = windows.keepAlive
        } else {
            expiries[model] = time + windows.keepAlive
        }
    }

    // MARK: Oracle

    static func nextUses(_ models: [Int32], models count: Int) -> [Int] {
        var next = [Int](repeating: .max, count: models.count)
        var seen = [Int](repeating: .max, count: count)
        for index in models.indices.reversed() {
            next[index] = seen[Int(models[index])]
            seen[Int(models[index])] = index
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
