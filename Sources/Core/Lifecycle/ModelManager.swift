import InferdWire
import Logging

/// The one owner of model state. Every model moves cold → loading → warm → (evicting) → cold, or to
/// failed with OpenVINO's reason (retried on the next request). The request path, the API, the
/// pressure monitor and the keep-alive ticker only send it events; nothing else mutates model state.
///
/// - Loads happen on first use and are shared: concurrent first requests cause exactly one load.
///   A model's first load runs alone, so its resident-memory figure (and `precision auto`'s timing) is
///   clean; models whose footprint is already known load up to ``LifecycleConfiguration/parallelLoads``
///   at once (``LoadGate``).
/// - A model with requests in flight (a ``ModelLease`` out) is never unloaded under them.
/// - Room is made *before* a load, from an estimate (file size × a factor learned from earlier loads,
///   or the model's own measured size from an earlier load), by evicting idle, unpinned models
///   in the order the ``EvictionPolicy`` gives, by the ``RoomMaker`` the simulator also runs. Pinned and
///   in-flight models are never victims; a model younger than ``LifecycleConfiguration/minimumResidency``
///   goes last (churn guard). A model that can never fit is refused (``InferdError/Code/insufficientMemory``).
///
/// The loader, clock and memory probe are injected, so tests drive eviction without OpenVINO.
public actor ModelManager<Model: ResidentModel> {
    /// Loads a bundle; `warmUp` asks for one inference after compiling (preload).
    public typealias Loader = @Sendable (_ bundle: ModelBundle, _ warmUp: Bool) async throws -> Model
    /// Builds `model`'s throughput companion (``CompanionSlot``) and returns the resident bytes it added.
    public typealias CompanionLoader = @Sendable (_ model: Model) async throws -> Int64

    struct Entry {
        var bundle: ModelBundle
        var state: ModelSummary.State = .cold
        var model: Model?
        var loading: Task<Model, Error>?
        var inFlight = 0
        var pinned = false
        var keepAlive: Double?
        var lastUsed: Double?
        var lastUsedWall: Double?
        var loadedAt: Double?
        var requests = 0
        var coldStarts = 0
        var loads = 0
        var evictions = 0
        /// The figure charged against the budget: the footprint, else the median of `sizeSamples` (or
        /// the file-based charge).
        var measuredBytes: Int64?
        /// What the model adds to a freshly started daemon, measured in a separate process: the same in
        /// every daemon and after any history, so it is charged once known. Measured accounting only.
        var footprintBytes: Int64?
        /// This model's last few accepted measured sizes (they vary by several MiB between loads).
        var sizeSamples = SizeSamples()
        /// Sequence number of its last access (load or request end): true LRU order on equal clock readings.
        var lastAccess: UInt64 = 0
        var reservedBytes: Int64 = 0
        var lastLoadMilliseconds: Double?
        var failure: String?
        /// Left the catalog on reload while in use: unloaded and dropped when the last request ends.
        var retired = false
        /// Charged for the model's throughput companion while it exists (see ``CompanionSlot``); 0: none.
        var companionBytes: Int64 = 0
        /// Companions built for this model.
        var companionBuilds = 0
        /// A companion is being built (its estimate is in ``companionBytes``).
        var companionBuilding = false
    }

    var entries: [String: Entry] = [:]
    private var catalogProblems: [CatalogError]
    private var policy: any EvictionPolicy
    private var counters = StatusResponse.Counters()
    var pressure: PressureLevel = .none
    var draining = false
    private var preloaded = false
    private var nextLeaseID: UInt64 = 0
    private var accessSequence: UInt64 = 0
    private var sizeRatios: [Double] = []
    /// Callers parked until model state changes (see ``ChangeWaiters``).
    var waiters = ChangeWaiters()
    /// Who holds the load slot (``LoadGate``): loads queue there, and only loads whose size is already
    /// known share it, so each in-process size sample is clean.
    private var loadGate = LoadGate()
    /// Evicted models whose memory is still being released off the actor.
    private var pendingFrees = 0
    /// Companion builds in the engine now (``drain()`` waits for them).
    var companionBuildsRunning = 0

    let configuration: LifecycleConfiguration
    private let rules: LifecycleRules
    private let roomMaker: RoomMaker
    private let loader: Loader
    /// Builds a warm model's throughput companion and returns the bytes it added (nil: no companions).
    let companionLoader: CompanionLoader?
    let clock: any LifecycleClock
    private let memory: any MemoryProbe
    let logger: Logger

    /// Creates the manager for the models of `catalog`; nothing is loaded until ``preload()`` or a request.
    ///
    /// - Parameter companionLoader: builds throughput companions for models that offer a
    ///   ``ResidentModel/companionSlot``; nil: models serve from their one compiled form only.
    public init(catalog: ModelCatalog, configuration: LifecycleConfiguration, loader: @escaping Loader,
                companionLoader: CompanionLoader? = nil,
                clock: any LifecycleClock = SystemLifecycleClock(), memory: any MemoryProbe = ProcessMemoryProbe(),
                logger: Logger = Logger(label: "inferd.lifecycle")) {
        self.configuration = configuration
        self.companionLoader = companionLoader
        rules = LifecycleRules(configuration: configuration)
        roomMaker = RoomMaker(rules: rules)
        self.loader = loader
        self.clock = clock
        self.memory = memory
        self.logger = logger
        policy = configuration.policy.make()
        catalogProblems = catalog.problems
        for (name, bundle) in catalog.bundles {
            var entry = Entry(bundle: bundle)
            entry.pinned = configuration.pinned.contains(name)
            entry.keepAlive = configuration.keepAlive[name]
            entries[name] = entry
        }
    }

    // MARK: - Requests

    /// Takes a warm model for one request, loading it first when it is cold (the request pays the
    /// cold start; concurrent requests for the same cold model wait for the one load).
    ///
    /// - Throws: ``InferdError`` `.unknownModel`, `.loadFailed` (with OpenVINO's reason),
    ///   `.insufficientMemory` (can never fit, or no room within ``LifecycleConfiguration/roomWaitTimeout``),
    ///   `.shuttingDown`.
    public func acquire(_ name: String) async throws(InferdError) -> ModelLease<Model> {
        let watch = Stopwatch()
        var cold = false
        while true {
            guard !draining else { throw InferdError(.shuttingDown, "inferd is shutting down") }
            guard let entry = entries[name], !entry.retired else { throw unknownModel(name) }
            switch entry.state {
            case .warm:
                entries[name]!.inFlight += 1
                return makeLease(name, cold: cold, loadMilliseconds: 0, queueMilliseconds: cold ? watch.elapsedMilliseconds : 0)
            case .loading:
                cold = true
                do {
                    // The load task records its outcome in `entries` before it completes, so the
                    // state seen on the next turn of the loop is already warm (or failed).
                    _ = try await entry.loading!.value
                } catch {
                    throw loadFailed(name, error)
                }
            case .evicting:
                // Its memory is being released off the actor: load it again once that is done.
                cold = true
                _ = await waitForChange(until: nil)
            case .cold, .failed:
                cold = true
                try await makeRoom(for: name)
                guard let state = entries[name]?.state, state == .cold || state == .failed else { continue }
                let loadStart = watch.elapsedMilliseconds
                let model = try await performLoad(name, warmUp: false, forRequest: true)
                return makeLease(name, cold: true, loadMilliseconds: model.loadMilliseconds,
                                 queueMilliseconds: max(0, loadStart))
            }
        }
    }

    /// Gives a lease back: the request is over. Counts the request, updates recency and the policy,
    /// and applies a keep-alive of 0 (unload right after the request).
    public func release(_ lease: ModelLease<Model>) {
        finish(lease, countsAsRequest: true)
    }

    /// Runs `body` with a leased model and always gives the lease back (also when `body` throws or
    /// the task is cancelled).
    public nonisolated func withModel<T: Sendable>(_ name: String,
                                                   _ body: @Sendable (ModelLease<Model>) async throws -> T) async throws -> T {
        let lease = try await acquire(name)
        do {
            let result = try await body(lease)
            await release(lease)
            return result
        } catch {
            await release(lease)
            throw error
        }
    }

    // MARK: - Operator actions

    /// Loads `name` now if it is not warm (an explicit load, not counted as a request).
    public func load(_ name: String) async throws(InferdError) -> ModelSummary {
        let lease = try await acquire(name)
        finish(lease, countsAsRequest: false)
        return try summary(name)
    }

    /// Unloads `name` now, after its in-flight requests finish.
    ///
    /// - Throws: `.unknownModel`; `.conflict` when the model is pinned (unpin it first).
    public func unload(_ name: String) async throws(InferdError) -> ModelSummary {
        // Only values are read from the entry, never a copy of it kept across a suspension: a copy
        // would hold the model, and the model would then be freed here on the actor, not by the eviction.
        guard let pinned = entries[name]?.pinned else { throw unknownModel(name) }
        guard !pinned else { throw InferdError(.conflict, "model \(name) is pinned; unpin it first") }
        let deadline = ContinuousClock.now + .seconds(configuration.roomWaitTimeout)
        while let state = entries[name]?.state, state == .loading || (state == .warm && entries[name]!.inFlight > 0) {
            guard await waitForChange(until: deadline) == .changed else {
                throw InferdError(.conflict, "model \(name) still has requests in flight; try again")
            }
        }
        if entries[name]?.state == .warm { evict(name, reason: .manual) }
        // Answer once the memory is back (the actor keeps serving meanwhile).
        while entries[name]?.state == .evicting { _ = await waitForChange(until: nil) }
        return try summary(name)
    }

    /// Pins (never evicted automatically; loaded now if cold) or unpins `name`.
    public func setPinned(_ name: String, _ pinned: Bool) async throws(InferdError) -> ModelSummary {
        guard entries[name] != nil else { throw unknownModel(name) }
        entries[name]!.pinned = pinned
        waiters.resumeAll()
        logger.info("pin", metadata: ["event": "pin", "model": "\(name)", "pinned": "\(pinned)"])
        if pinned, entries[name]!.state != .warm {
            return try await load(name)
        }
        return try summary(name)
    }

    /// Sets `name`'s keep-alive: seconds after its last request before it is unloaded; `nil` restores
    /// the default, `-1` keeps it forever, `0` unloads it after each request.
    public func setKeepAlive(_ name: String, seconds: Double?) throws(InferdError) -> ModelSummary {
        guard entries[name] != nil else { throw unknownModel(name) }
        if let seconds, seconds < 0, seconds != -1 {
            throw InferdError(.badRequest, "keep-alive must be >= 0 seconds, -1 (forever) or null (default)")
        }
        entries[name]!.keepAlive = seconds
        return try summary(name)
    }

    /// An operator's trim (`inferctl trim`): evicts once, as pressure at `level` would (moderate:
    /// cached models until used bytes are at the low watermark; critical: everything but pinned and
    /// in-flight models). The evictions count as `manual`, and the pressure level is left as the
    /// pressure monitor last reported it: a trim never leaves a sticky level behind. Returns the
    /// names evicted.
    @discardableResult
    public func trim(_ level: PressureLevel) -> [String] {
        evictForPressure(level, reason: .manual)
    }

    /// Acts on memory pressure the pressure monitor reported: records the level (the offload planner
    /// and status read it) and evicts in policy order, lowest class first, until the level's target
    /// is met — just enough, not everything (moderate: cached models down to the low watermark;
    /// critical: everything but pinned and in-flight models). `.none` only records that pressure is
    /// over. Returns the names evicted.
    @discardableResult
    public func respondToPressure(_ level: PressureLevel) -> [String] {
        pressure = level
        return evictForPressure(level, reason: level == .critical ? .pressureCritical : .pressureModerate)
    }

    private func evictForPressure(_ level: PressureLevel, reason: EvictionReason) -> [String] {
        guard level != .none else { return [] }
        // Companions are the cheapest memory to give back: every one goes before any model.
        releaseCompanions(reason: reason == .manual ? "trim" : "pressure")
        guard policy.evictsAutomatically || reason == .manual else { return [] }
        var evicted: [String] = []
        let scope = rules.trimScope(level)
        let pressureReason: EvictionReason = level == .critical ? .pressureCritical : .pressureModerate
        // Evicted models leave `usedBytes` at once (their memory is released off the actor), so the
        // loop stops as soon as the target is met.
        while usedBytes() > scope.target, let victim = victims(reason: pressureReason, classes: scope.classes).first {
            evict(victim, reason: reason)
            evicted.append(victim)
        }
        return evicted
    }

    // MARK: - Daemon life

    /// Loads the pinned and preload models with a warm-up inference, so their first real request is
    /// warm. A model that fails is logged and left failed; the daemon still starts.
    public func preload() async {
        for name in configuration.pinned + configuration.preload where entries[name]?.state != .warm {
            guard entries[name] != nil else {
                logger.warning("preload of unknown model \(name) skipped")
                continue
            }
            do {
                try await makeRoom(for: name)
                _ = try await performLoad(name, warmUp: true, forRequest: false)
            } catch {
                logger.error("preload of \(name) failed: \(error)")
            }
        }
        preloaded = true
    }

    /// Stops taking requests (they get `.shuttingDown`) and returns when the in-flight ones are done,
    /// and with them every load, companion build and free the engine is still running.
    public func drain() async {
        draining = true
        waiters.resumeAll()
        while entries.values.contains(where: { $0.inFlight > 0 || $0.state == .loading }) || pendingFrees > 0
            || companionBuildsRunning > 0 {
            _ = await waitForChange(until: nil)
        }
    }

    /// The keep-alive sweep: unloads idle models whose keep-alive has passed. Call about once a second.
    public func tick() {
        releaseIdleCompanions()
        let now = clock.now()
        for name in entries.keys.sorted() {
            if let resident = resident(name), rules.isExpired(resident, now: now) {
                evict(name, reason: .ttl)
            }
        }
    }

    /// Takes a rescanned catalog (SIGHUP): new models appear cold, warm models that still exist with
    /// the same file stay warm, changed files are unloaded, removed models are unloaded (after their
    /// in-flight requests) and dropped.
    public func replaceCatalog(_ catalog: ModelCatalog) {
        catalogProblems = catalog.problems
        for (name, bundle) in catalog.bundles {
            if let entry = entries[name] {
                if entry.bundle.modelPath != bundle.modelPath || entry.bundle.fileBytes != bundle.fileBytes {
                    if entry.state == .warm && entry.inFlight == 0 { evict(name, reason: .manual) }
                    entries[name]!.measuredBytes = nil
                    entries[name]!.footprintBytes = nil
                    entries[name]!.sizeSamples = SizeSamples()
                }
                entries[name]!.bundle = bundle
                entries[name]!.retired = false
            } else {
                var entry = Entry(bundle: bundle)
                entry.pinned = configuration.pinned.contains(name)
                entry.keepAlive = configuration.keepAlive[name]
                entries[name] = entry
            }
        }
        for (name, entry) in entries where catalog.bundles[name] == nil {
            if entry.inFlight > 0 || entry.state == .loading {
                entries[name]!.retired = true
            } else {
                if entry.state == .warm { evict(name, reason: .manual) }
                entries[name] = nil
            }
        }
        waiters.resumeAll()
    }

    // MARK: - Reading state

    /// Every model, sorted by name.
    public func summaries() -> [ModelSummary] {
        entries.keys.sorted().compactMap { try? summary($0) }
    }

    /// One model.
    public func summary(_ name: String) throws(InferdError) -> ModelSummary {
        guard let entry = entries[name] else { throw unknownModel(name) }
        let warm = entry.state == .warm
        let now = clock.now()
        let state = resident(name)
        let expiresAt = state.flatMap(rules.expiry).map { clock.wallNow() + ($0 - now) }
        return ModelSummary(
            name: name, state: entry.state, priorityClass: state.map { rules.priorityClass($0, now: now) }, pinned: entry.pinned,
            bytes: warm ? (entry.measuredBytes ?? 0) : estimate(entry), bytesEstimated: !warm,
            footprintBytes: entry.footprintBytes,
            fileBytes: entry.bundle.fileBytes, lastUsed: entry.lastUsedWall, expiresAt: expiresAt,
            requests: entry.requests, coldStarts: entry.coldStarts, inFlight: entry.inFlight, loads: entry.loads,
            evictions: entry.evictions, lastLoadMilliseconds: entry.lastLoadMilliseconds, failure: entry.failure,
            companionBytes: warm && entry.companionBytes > 0 ? entry.companionBytes : nil, companionBuilds: entry.companionBuilds,
            description: entry.bundle.manifest.description, syntheticWeights: entry.bundle.manifest.syntheticWeights)
    }

    /// Whether loading `name` now could fit the memory budget, judged by the same ``RoomMaker`` decision
    /// ``makeRoom(for:)`` acts on: false means a request would be refused (507) or wait for busy models,
    /// a reason to offload it. True for a model that is warm or loading.
    public func loadCouldFit(_ name: String) -> Bool {
        guard let entry = entries[name] else { return false }
        if entry.state == .warm || entry.state == .loading { return true }
        if case .load = roomDecision(for: name, entry) { return true }
        return false
    }

    /// What the offload planner needs to know about running `name` here, read in one call: warm or
    /// not, whether a load could fit (``loadCouldFit(_:)``), the pressure level, the file size. Nil for
    /// an unknown model.
    public func localSituation(_ name: String) -> LocalSituation? {
        guard let entry = entries[name] else { return nil }
        return LocalSituation(warm: entry.state == .warm, fitsBudget: loadCouldFit(name), pressure: pressure,
                              fileBytes: entry.bundle.fileBytes)
    }

    /// The resident model `name`, if warm (for metadata; requests use ``acquire(_:)``).
    public func residentModel(_ name: String) -> Model? { entries[name]?.model }

    /// The bundle of `name`, if the catalog has it.
    public func bundle(_ name: String) -> ModelBundle? { entries[name]?.bundle }

    /// Budget, usage, policy, pressure and counters.
    public func status() -> LifecycleStatus {
        LifecycleStatus(budget: configuration.budget, policy: policy.name, usedBytes: usedBytes(), pressure: pressure,
                        counters: counters, warmModels: entries.values.filter { $0.state == .warm }.count,
                        totalModels: entries.count, inFlight: entries.values.reduce(0) { $0 + $1.inFlight },
                        ready: preloaded && !draining)
    }

    /// Bundles the catalog skipped, with their reasons.
    public func problems() -> [CatalogError] { catalogProblems }

    /// Counts a request that failed before or after it had a model (bad image, unknown model, …).
    public func countError() { counters.errors += 1 }

    // MARK: - Mechanism

    private func makeLease(_ name: String, cold: Bool, loadMilliseconds: Double, queueMilliseconds: Double) -> ModelLease<Model> {
        nextLeaseID += 1
        return ModelLease(name: name, model: entries[name]!.model!, cold: cold, loadMilliseconds: loadMilliseconds,
                          queueMilliseconds: queueMilliseconds, id: nextLeaseID)
    }

    private func finish(_ lease: ModelLease<Model>, countsAsRequest: Bool) {
        guard var entry = entries[lease.name] else { return }
        entry.inFlight = max(0, entry.inFlight - 1)
        entry.lastUsed = clock.now()
        entry.lastUsedWall = clock.wallNow()
        entry.lastAccess = nextAccess()
        if countsAsRequest {
            entry.requests += 1
            counters.requests += 1
            if !lease.cold { counters.hits += 1 }
        }
        entries[lease.name] = entry
        waiters.resumeAll()
        if countsAsRequest, let state = resident(lease.name) {
            policy.recordAccess(rules.candidate(state), now: clock.now())
        }
        guard entry.inFlight == 0, entry.state == .warm else { return }
        // A model that measured above what is left (its estimate was low) goes when idle, lowest class first.
        while usedBytes() > configuration.budget.bytes, policy.evictsAutomatically,
              let victim = victims(reason: .budget, classes: [.cached, .recent]).first {
            evict(victim, reason: .budget)
        }
        guard entries[lease.name]?.state == .warm else { return }
        if entry.retired {
            evict(lease.name, reason: .manual)
            entries[lease.name] = nil
        } else if !entry.pinned, rules.keepAlive(entry.keepAlive) == 0 {
            evict(lease.name, reason: .ttl)
        }
    }

    /// Loads `name` (state must be cold or failed) once the ``LoadGate`` admits it: alone, or beside
    /// other loads of models whose footprint is known.
    ///
    /// The load task itself records the outcome (``completeLoad(_:model:estimate:forRequest:)`` or
    /// ``failLoad(_:error:)``) before it finishes, so every request waiting on it sees the new state.
    /// With `forRequest`, the initiating request's in-flight count is taken in the same step that makes
    /// the model warm, so nothing can evict it before that request runs.
    private func performLoad(_ name: String, warmUp: Bool, forRequest: Bool) async throws(InferdError) -> Model {
        let estimateBytes = estimate(entries[name]!)
        entries[name]!.state = .loading
        entries[name]!.reservedBytes = estimateBytes
        entries[name]!.failure = nil
        let loader = self.loader
        let bundle = entries[name]!.bundle
        // A model whose footprint is known needs no clean in-process measurement: it may load beside others.
        let shared = entries[name]!.footprintBytes != nil
        let task = Task<Model, Error> {
            let ticket = await self.enterLoadGate(shared: shared)
            defer { self.leaveLoadGate() }
            do {
                let model = try await loader(bundle, warmUp)
                self.completeLoad(name, model: model, estimate: estimateBytes, forRequest: forRequest,
                                  alone: self.loadGate.ranAlone(ticket))
                return model
            } catch {
                self.failLoad(name, error: error)
                throw error
            }
        }
        entries[name]!.loading = task
        logger.info("loading \(name)", metadata: ["event": "load-start", "model": "\(name)",
                                                  "estimated_bytes": "\(estimateBytes)"])
        do {
            let model = try await task.value
            guard entries[name] != nil else { throw unknownModel(name) }
            return model
        } catch {
            throw loadFailed(name, error)
        }
    }

    /// - Parameter alone: no other load ran at any time during this one: its in-process size is a clean sample.
    private func completeLoad(_ name: String, model: Model, estimate estimateBytes: Int64, forRequest: Bool, alone: Bool) {
        guard var entry = entries[name] else { return }
        let now = clock.now()
        entry.state = .warm
        entry.model = model
        entry.loading = nil
        entry.reservedBytes = 0
        switch configuration.sizeAccounting {
        case .measured:
            // The median of the model's last accepted loads: one noisy measurement does not swing the
            // budget, and a sample others corrupted (0 or tiny) is dropped for the last good figure or
            // the estimate, never charged.
            if !alone {
                logger.info("size sample of \(name) skipped: it loaded beside another model", metadata: [
                    "event": "size-sample-skipped", "model": "\(name)", "bytes": "\(model.residentBytes)"])
            } else if let rejected = entry.sizeSamples.add(model.residentBytes, fileBytes: entry.bundle.fileBytes) {
                logger.warning("size sample of \(name) rejected: \(rejected)", metadata: [
                    "event": "size-sample-rejected", "model": "\(name)", "bytes": "\(model.residentBytes)"])
            }
            // A footprint measured apart from this process's history wins over its samples.
            if let footprint = model.footprintBytes, footprint > 0 { entry.footprintBytes = footprint }
            entry.measuredBytes = entry.footprintBytes ?? entry.sizeSamples.median ?? estimateBytes
        case .file: entry.measuredBytes = fileCharge(entry)
        }
        entry.lastLoadMilliseconds = model.loadMilliseconds
        entry.loadedAt = now
        entry.lastUsed = now
        entry.lastAccess = nextAccess()
        entry.loads += 1
        if forRequest {
            entry.inFlight += 1
            entry.coldStarts += 1
            counters.coldStarts += 1
        }
        entries[name] = entry
        counters.loads += 1
        offerCompanion(name, model)
        waiters.resumeAll()
        if alone, configuration.sizeAccounting == .measured, entry.bundle.fileBytes > 0, entry.sizeSamples.samples.last == model.residentBytes {
            sizeRatios.append(Double(model.residentBytes) / Double(entry.bundle.fileBytes))
        }
        logger.info("loaded \(name)", metadata: [
            "event": "load", "model": "\(name)", "bytes": "\(model.residentBytes)", "charged_bytes": "\(entry.measuredBytes ?? 0)",
            "estimated_bytes": "\(estimateBytes)", "duration_ms": "\(String(format: "%.1f", model.loadMilliseconds))",
        ])
        // The measured size may exceed the estimate: evict others (never this one) to get back under.
        evictOthersWhileOverBudget(excluding: name)
    }

    /// Evicts idle models other than `name`, in policy order, until the charges fit the budget again.
    private func evictOthersWhileOverBudget(excluding name: String) {
        if usedBytes() > configuration.budget.bytes { releaseCompanions(reason: "over the budget") }
        while usedBytes() > configuration.budget.bytes, policy.evictsAutomatically,
              let victim = victims(reason: .budget, classes: [.cached, .recent], excluding: name).first {
            evict(victim, reason: .budget)
        }
    }

    /// Takes `name`'s footprint: what loading it into a freshly started daemon adds, measured in a
    /// separate process so it does not depend on what this process allocated and freed before. With
    /// measured accounting it is charged from now on (a warm model at once, evicting others if that
    /// puts the charges over the budget) and estimates the model before its next load.
    ///
    /// - Parameter bundle: the bundle that was measured; a footprint of a bundle the catalog has since
    ///   replaced (SIGHUP while it was measured) is dropped.
    public func recordFootprint(_ name: String, bytes: Int64, of bundle: ModelBundle? = nil) {
        guard configuration.sizeAccounting == .measured, bytes > 0, let entry = entries[name], entry.footprintBytes != bytes else { return }
        if let bundle, bundle != entry.bundle {
            logger.info("footprint of \(name) dropped: measured for a bundle the catalog has replaced since", metadata: [
                "event": "footprint-stale", "model": "\(name)"])
            return
        }
        entries[name]!.footprintBytes = bytes
        let previous = entries[name]!.measuredBytes
        if entries[name]!.state == .warm { entries[name]!.measuredBytes = bytes }
        logger.info("footprint of \(name): \(bytes) B", metadata: [
            "event": "footprint", "model": "\(name)", "bytes": "\(bytes)", "previous_charged_bytes": "\(previous ?? 0)"])
        evictOthersWhileOverBudget(excluding: name)
    }

    private func failLoad(_ name: String, error: Error) {
        guard entries[name] != nil else { return }
        entries[name]!.state = .failed
        entries[name]!.loading = nil
        entries[name]!.reservedBytes = 0
        entries[name]!.failure = "\(error)"
        counters.loadFailures += 1
        waiters.resumeAll()
        logger.error("load of \(name) failed: \(error)", metadata: ["event": "load-failed", "model": "\(name)"])
    }

    /// Makes room for `name` as the shared ``RoomMaker`` decides (the simulator runs the same code):
    /// evicts its victims, then loads, or waits (bounded) while in-flight requests or a load in progress
    /// hold the rest.
    private func makeRoom(for name: String) async throws(InferdError) {
        let budget = configuration.budget.bytes
        let deadline = ContinuousClock.now + .seconds(configuration.roomWaitTimeout)
        while true {
            guard let entry = entries[name] else { throw unknownModel(name) }
            if entry.state == .warm || entry.state == .loading { return }
            if usedBytes() + estimate(entry) > budget { releaseCompanions(reason: "room for \(name)") }
            switch roomDecision(for: name, entry) {
            case .load(let victims):
                for victim in victims { evict(victim, reason: .budget) }
                return
            case .neverFits(let certain):
                let what = configuration.sizeAccounting == .file ? "its file-mode charge is"
                    : entry.measuredBytes == nil ? "its weights alone are" : "it measured"
                throw InferdError(.insufficientMemory,
                                  "model \(name) cannot fit: \(what) \(formatBytes(certain)) but the memory budget is \(formatBytes(budget)); raise --memory-budget")
            case .noRoomManual:
                throw InferdError(.insufficientMemory,
                                  "no room for \(name) (\(formatBytes(estimate(entry)))) in \(formatBytes(budget)) and the manual policy evicts nothing: unload a model first")
            case .blocked(let victims):
                for victim in victims { evict(victim, reason: .budget) }
                let waitable = entries.values.contains { $0.inFlight > 0 || $0.state == .loading }
                guard waitable, ContinuousClock.now < deadline else {
                    throw InferdError(.insufficientMemory,
                                      "no room for \(name) (\(formatBytes(estimate(entry)))): \(formatBytes(usedBytes())) of \(formatBytes(budget)) is held by pinned or busy models")
                }
                // A request returning or a load finishing wakes this (a continuation, no polling).
                _ = await waitForChange(until: deadline)
            }
        }
    }

    /// The shared room-making decision for loading `name` now.
    private func roomDecision(for name: String, _ entry: Entry) -> RoomMaker.Decision {
        let need: RoomMaker.Need
        switch configuration.sizeAccounting {
        case .file:
            let charge = fileCharge(entry)
            need = RoomMaker.Need(bytes: charge, certainBytes: charge, certainIsCharge: true)
        case .measured:
            if let measured = entry.measuredBytes {
                need = RoomMaker.Need(bytes: measured, certainBytes: measured, certainIsCharge: true)
            } else {
                need = RoomMaker.Need(bytes: estimate(entry), certainBytes: entry.bundle.fileBytes, certainIsCharge: false)
            }
        }
        return roomMaker.decide(for: name, need: need, usedBytes: usedBytes(), residents: entries.keys.compactMap(resident),
                                policy: policy, now: clock.now())
    }

    /// What file accounting charges: file size × the initial factor (at least 1 byte).
    private func fileCharge(_ entry: Entry) -> Int64 {
        max(1, Int64(Double(entry.bundle.fileBytes) * configuration.initialSizeFactor))
    }

    /// The next access sequence number.
    private func nextAccess() -> UInt64 {
        accessSequence += 1
        return accessSequence
    }

    /// Unloads a warm, idle model: it leaves the budget at once and turns `evicting`; its memory is
    /// released off the actor (``ModelDisposal``), which then measures what came back and makes it
    /// cold (``finishEviction(_:freed:charged:reason:residentSeconds:)``).
    private func evict(_ name: String, reason: EvictionReason) {
        // No local copy of the entry: the disposal must hold the model's last reference, or the
        // model would be freed here, on the actor, when that copy goes.
        guard entries[name]?.state == .warm, entries[name]?.inFlight == 0, entries[name]?.model != nil else { return }
        let disposal = ModelDisposal(taking: &entries[name]!.model)
        entries[name]!.state = .evicting
        entries[name]!.evictions += 1
        counters.evictions[reason.rawValue, default: 0] += 1
        policy.recordEviction(name, now: clock.now())
        pendingFrees += 1
        let residentSeconds = clock.now() - (entries[name]!.loadedAt ?? clock.now())
        let memory = self.memory
        let charged = (entries[name]!.measuredBytes ?? 0) + entries[name]!.companionBytes
        entries[name]!.companionBytes = 0
        Task.detached {
            // Past the actor's current step first: a caller's local copy of the entry goes with it.
            await self.settle()
            let freed = await disposal.release(memory: memory)
            await self.finishEviction(name, freed: freed, charged: charged, reason: reason, residentSeconds: residentSeconds)
        }
    }

    /// Nothing: awaiting it from outside returns once the actor's current step is over.
    private func settle() {}

    /// The eviction of `name` released its memory: it is cold now (unless the catalog dropped it).
    private func finishEviction(_ name: String, freed: Int64, charged: Int64, reason: EvictionReason, residentSeconds: Double) {
        pendingFrees -= 1
        if entries[name]?.state == .evicting { entries[name]!.state = .cold }
        waiters.resumeAll()
        logger.info("evicted \(name)", metadata: [
            "event": "evict", "model": "\(name)", "reason": "\(reason.rawValue)", "bytes": "\(charged)",
            "bytes_freed": "\(freed)", "resident_s": "\(String(format: "%.1f", residentSeconds))",
        ])
    }

    // MARK: - Waiting

    /// Parks the caller until model state changes or `deadline` passes (`nil`: no deadline). The
    /// caller re-checks its condition after each wake.
    private func waitForChange(until deadline: ContinuousClock.Instant?) async -> ChangeWaiters.Wake {
        let id = waiters.reserveID()
        let timer = deadline.map { deadline in
            Task { [weak self] in
                try? await Task.sleep(until: deadline, clock: .continuous)
                await self?.expireWaiter(id)
            }
        }
        defer { timer?.cancel() }
        return await withCheckedContinuation { waiters.add(id, $0) }
    }

    private func expireWaiter(_ id: UInt64) { waiters.expire(id) }

    /// Waits for the load slot (alone, or `shared` with other shared loads), then for evicted models to
    /// finish releasing their memory, so a load starts with that memory back.
    @discardableResult
    func enterLoadGate(shared: Bool = false) async -> LoadGate.Ticket {
        let ticket: LoadGate.Ticket
        switch loadGate.enter(shared: shared, limit: configuration.parallelLoads) {
        case .admitted(let admitted): ticket = admitted
        case .queued(let id): ticket = await withCheckedContinuation { loadGate.park(id, $0) }
        }
        while pendingFrees > 0 { _ = await waitForChange(until: nil) }
        return ticket
    }

    /// Gives the load slot back and admits whoever may enter now.
    func leaveLoadGate() {
        loadGate.leave(limit: configuration.parallelLoads)
    }

    /// Victims in the rules' order (see ``LifecycleRules/victims(_:reason:classes:excluding:policy:now:)``).
    private func victims(reason: EvictionReason, classes: [ModelSummary.PriorityClass], excluding: String? = nil) -> [String] {
        rules.victims(entries.keys.compactMap(resident), reason: reason, classes: classes, excluding: excluding,
                      policy: policy, now: clock.now())
    }

    /// The rules' view of `name`, when it is warm.
    private func resident(_ name: String) -> ResidentState? {
        guard let entry = entries[name], entry.state == .warm else { return nil }
        let now = clock.now()
        return ResidentState(name: name, bytes: entry.measuredBytes ?? estimate(entry), loadCost: entry.lastLoadMilliseconds ?? 0,
                             pinned: entry.pinned, inFlight: entry.inFlight, lastUsed: entry.lastUsed ?? now,
                             loadedAt: entry.loadedAt ?? now, keepAlive: entry.keepAlive, lastAccess: entry.lastAccess)
    }

    /// Bytes held: measured sizes of warm models and their companions plus reservations of loads in progress.
    func usedBytes() -> Int64 {
        entries.values.reduce(0) { sum, entry in
            sum + (entry.state == .warm ? (entry.measuredBytes ?? 0) + entry.companionBytes : 0)
                + (entry.state == .loading ? entry.reservedBytes : 0)
        }
    }

    /// The model's footprint or own measured size from an earlier load, else file size × the learned
    /// factor (the median of measured/file ratios so far, ModelMesh-style).
    private func estimate(_ entry: Entry) -> Int64 {
        if let footprint = entry.footprintBytes { return footprint }
        if let measured = entry.measuredBytes, measured > 0 { return measured }
        // The median ratio: robust to an outlier such as a first load that also paid one-time set-up.
        let factor = sizeRatios.isEmpty ? configuration.initialSizeFactor : sizeRatios.sorted()[(sizeRatios.count - 1) / 2]
        return Int64(Double(entry.bundle.fileBytes) * factor)
    }

    private func unknownModel(_ name: String) -> InferdError {
        let known = entries.keys.sorted().joined(separator: ", ")
        return InferdError(.unknownModel, "unknown model \"\(name)\"; available: \(known.isEmpty ? "none" : known)")
    }

    private func loadFailed(_ name: String, _ error: Error) -> InferdError {
        if let error = error as? InferdError { return error }
        return InferdError(.loadFailed, "model \(name) failed to load: \(error)")
    }
}
