import Foundation
import InferdWire

/// Decides, request by request, whether a classification runs here or on a remote server, and learns
/// the costs of both sides from what requests measured. Pure policy: no clock, no I/O; the caller
/// passes the time (seconds, any monotonic origin), the model's local situation, and reports every
/// outcome back. The daemon keeps one behind a lock; tests drive it directly.
///
/// ## Predictions (`auto`)
/// - **Local** = load (when cold) + serve. Serve (decode + preprocess + compute + postprocess, no
///   load, no queue) is fitted against the encoded image size per model (``OnlineLinearFit``); load is
///   the model's moving average, or before its first load the learned load rate (ms per MB of model
///   file, over all models) times its file size, or a prior of ``loadPriorBase`` + ``loadPriorPerMB``.
/// - **Remote** = network + remote serve. Network (connect + upload + wait − remote's own time +
///   download) is fitted against bytes sent per remote: its intercept is the round trip, its slope
///   the inverse bandwidth. The remote's own time is what it reported (its body or a `Server-Timing`
///   header), else an estimate (the wait minus the TCP handshake's round trip,
///   ``RemoteTimings/remoteTime``); ``status(now:)`` says which. Remote serve is the moving average of the time the remote reports for
///   the model, without any load it paid (a serving fleet keeps models warm). A remote that does not
///   report its time gets one fit of the whole exchange per model.
///
/// ## Rules, in order
/// 1. `never`, or no remote serves the model (or all are backing off after failures): here.
/// 2. Not warm here and the load cannot fit the budget, or pressure is critical: remote.
/// 3. `always`: remote. `when-cold`: remote when not warm here, else here.
/// 4. `auto`: with no measurement of the remote for this model yet, a cold model goes remote (it
///    learns the remote at no extra cost); a warm one stays here, except every ``probeInterval``-th
///    request, which goes remote to keep its estimate fresh. Otherwise the lower prediction wins, and
///    the losing side still gets every ``probeInterval``-th request (here only while the model is warm:
///    a probe never pays a load), so one bad measurement cannot decide for good.
///
/// A remote that fails is skipped for ``initialBackoff`` seconds, doubling per consecutive failure up
/// to ``maximumBackoff``; one success resets it. Requests already in flight when it failed do not
/// lengthen the backoff. A failure that concerns one model (the remote lacks it) skips only that
/// model on that remote, for ``maximumBackoff``.
public struct OffloadPlanner: Sendable {
    /// The remotes, in configuration order (ties go to the first).
    public let remotes: [RemoteServer]
    /// The mode when a request does not say.
    public let defaultMode: OffloadMode
    /// In `auto`, every this-many requests kept here for a model one goes to the remote to refresh
    /// its estimate; 0 never probes.
    public var probeInterval = 20
    /// Load-time prior before any model was loaded: fixed part, ms.
    public static let loadPriorBase = 100.0
    /// Load-time prior before any model was loaded: ms per MB of model file.
    public static let loadPriorPerMB = 5.0
    /// Serve-time prior for a model never run here, ms.
    public static let servePrior = 50.0
    /// Seconds a remote is skipped after its first consecutive failure; doubles per failure.
    public static let initialBackoff = 2.0
    /// The longest backoff, seconds.
    public static let maximumBackoff = 60.0

    private var localServe: [String: OnlineLinearFit] = [:]
    private var localLoad: [String: MovingAverage] = [:]
    private var loadRate = MovingAverage()
    private var network: [String: OnlineLinearFit] = [:]
    private var remoteServe: [Key: MovingAverage] = [:]
    private var remoteWhole: [Key: OnlineLinearFit] = [:]
    private var health: [String: Health] = [:]
    /// A remote that failed for one model only (it lacks it, refused its size, its metadata is unusable).
    private var modelDownUntil: [Key: Double] = [:]
    private var keptLocal: [String: Int] = [:]
    /// Where the last remote time of each remote came from (the body, `Server-Timing`, an estimate).
    private var timeSource: [String: RemoteTimeSource] = [:]
    private var keptRemote: [String: Int] = [:]
    /// Requests that ran here, on a remote, and here after a remote failed.
    public private(set) var counters = Counters()

    private struct Key: Hashable, Sendable {
        var remote: String
        var model: String
    }

    /// How a remote has been doing.
    public struct Health: Sendable, Equatable {
        public var requests = 0
        public var failures = 0
        public var consecutiveFailures = 0
        /// Skipped until this time (seconds, the caller's clock).
        public var downUntil: Double?
        public var lastError: String?
        /// When the last failure was recorded.
        public var lastFailureAt: Double?
    }

    /// Requests by where they ran.
    public struct Counters: Sendable, Equatable {
        public var local = 0
        public var remote = 0
        /// Chose a remote, it failed, ran here.
        public var fallback = 0

        public init(local: Int = 0, remote: Int = 0, fallback: Int = 0) {
            self.local = local
            self.remote = remote
            self.fallback = fallback
        }
    }

    public init(remotes: [RemoteServer], defaultMode: OffloadMode) {
        self.remotes = remotes
        self.defaultMode = defaultMode
    }

    // MARK: Deciding

    /// Where a request for `model` with an encoded image of `imageBytes` runs.
    ///
    /// - Parameter mode: the request's own mode, else ``defaultMode``.
    public mutating func decide(model: String, imageBytes: Int, local: LocalSituation, mode: OffloadMode? = nil,
                                now: Double) -> OffloadDecision {
        let mode = mode ?? defaultMode
        guard mode != .never else { return .local("offload mode never") }
        let serving = remotes.filter { $0.serves(model) }
        guard !serving.isEmpty else { return .local("no remote serves \(model)") }
        let available = serving.filter {
            (health[$0.url]?.downUntil ?? -.infinity) <= now && (modelDownUntil[Key(remote: $0.url, model: model)] ?? -.infinity) <= now
        }
        guard !available.isEmpty else {
            let until = serving.compactMap { max(health[$0.url]?.downUntil ?? now, modelDownUntil[Key(remote: $0.url, model: model)] ?? now) }.min() ?? now
            var decision = OffloadDecision.local("every remote for \(model) failed recently (next try in \(Self.format((until - now) * 1000)) ms)")
            decision.remoteUnavailable = true
            return decision
        }
        let predictedLocal = predictLocal(model: model, imageBytes: imageBytes, local: local)
        let ranked = available.map { ($0, predictRemote(remote: $0, model: model, imageBytes: imageBytes)) }
        let best = ranked.filter { $0.1 != nil }.min { $0.1! < $1.1! }
        let unmeasured = ranked.first { $0.1 == nil }?.0
        func prediction(_ remote: Double?) -> Placement.Prediction? { remote.map { .init(local: predictedLocal, remote: $0) } }

        if !local.warm, !local.fitsBudget || local.pressure == .critical {
            let remote = best?.0 ?? available[0]
            let why = local.pressure == .critical ? "memory pressure is critical" : "loading \(model) here cannot fit the memory budget"
            return OffloadDecision(side: .remote, remote: remote, reason: "\(why); not loading it here", predicted: prediction(best?.1))
        }
        switch mode {
        case .never:
            return .local("offload mode never")
        case .always:
            let remote = best?.0 ?? available[0]
            return OffloadDecision(side: .remote, remote: remote, reason: "offload mode always", predicted: prediction(best?.1))
        case .whenCold:
            guard !local.warm else { return .local("\(model) is warm here", predicted: prediction(best?.1)) }
            let remote = best?.0 ?? available[0]
            return OffloadDecision(side: .remote, remote: remote, reason: "\(model) is not warm here (when-cold)", predicted: prediction(best?.1))
        case .auto:
            if let unmeasured {
                if !local.warm {
                    return OffloadDecision(side: .remote, remote: unmeasured,
                                           reason: "\(model) is cold here (predicted \(Self.format(predictedLocal)) ms with the load) and \(unmeasured.url) is not measured yet: trying it")
                }
                if probeDue(model) {
                    return OffloadDecision(side: .remote, remote: unmeasured, reason: "probing \(unmeasured.url), not measured yet for \(model)")
                }
                keptLocal[model, default: 0] += 1
                return .local("\(model) is warm here; \(unmeasured.url) not measured yet")
            }
            guard let (remote, predictedRemote) = best.map({ ($0.0, $0.1!) }) else { return .local("no remote prediction") }
            let predicted = Placement.Prediction(local: predictedLocal, remote: predictedRemote)
            let loadNote = local.warm ? "warm" : "cold: load \(Self.format(predictLoad(model: model, fileBytes: local.fileBytes))) ms"
            if predictedRemote < predictedLocal {
                keptLocal[model] = 0
                // Warm here but predicted slower: every probeInterval-th request still runs here, so one
                // slow local measurement cannot send the model away for good.
                if local.warm, probeInterval > 0 {
                    keptRemote[model, default: 0] += 1
                    if keptRemote[model]! >= probeInterval {
                        keptRemote[model] = 0
                        return .local("probing here to refresh this host's estimate (predicted \(Self.format(predictedLocal)) ms here, \(Self.format(predictedRemote)) ms on \(remote.url))",
                                      predicted: predicted)
                    }
                }
                return OffloadDecision(side: .remote, remote: remote,
                                       reason: "predicted \(Self.format(predictedRemote)) ms on \(remote.url) < \(Self.format(predictedLocal)) ms here (\(loadNote))",
                                       predicted: predicted)
            }
            if probeDue(model) {
                return OffloadDecision(side: .remote, remote: remote, reason: "probing \(remote.url) to refresh its estimate", predicted: predicted)
            }
            keptLocal[model, default: 0] += 1
            return .local("predicted \(Self.format(predictedLocal)) ms here (\(loadNote)) <= \(Self.format(predictedRemote)) ms on \(remote.url)",
                          predicted: predicted)
        }
    }

    private mutating func probeDue(_ model: String) -> Bool {
        guard probeInterval > 0, keptLocal[model, default: 0] + 1 >= probeInterval else { return false }
        keptLocal[model] = 0
        return true
    }

    // MARK: Predictions

    /// Predicted local latency, ms: load when not warm, plus serve.
    public func predictLocal(model: String, imageBytes: Int, local: LocalSituation) -> Double {
        let serve = localServe[model]?.predict(Double(imageBytes)) ?? Self.servePrior
        return max(0, serve) + (local.warm ? 0 : predictLoad(model: model, fileBytes: local.fileBytes))
    }

    /// Predicted local load time of `model`, ms.
    public func predictLoad(model: String, fileBytes: Int64) -> Double {
        if let measured = localLoad[model]?.value { return measured }
        let megabytes = Double(fileBytes) / 1_000_000
        if let rate = loadRate.value { return rate * megabytes }
        return Self.loadPriorBase + Self.loadPriorPerMB * megabytes
    }

    /// Predicted latency on `remote`, ms; nil before it answered a request for `model`.
    public func predictRemote(remote: RemoteServer, model: String, imageBytes: Int) -> Double? {
        let key = Key(remote: remote.url, model: model)
        if let serve = remoteServe[key]?.value, let network = network[remote.url]?.predict(Double(imageBytes)) {
            return max(0, serve) + max(0, network)
        }
        return remoteWhole[key]?.predict(Double(imageBytes)).map { max(0, $0) }
    }

    // MARK: Learning

    /// A request ran here: `serveMs` is its time without load and queue; `loadMs` the load it paid (0 warm).
    /// Only warm answers teach the serve time: around a load a cold answer also waits for the load
    /// queue, pending frees and the first inferences, which are not what a warm request costs.
    public mutating func recordLocal(model: String, imageBytes: Int, serveMs: Double, loadMs: Double, fileBytes: Int64,
                                     fallback: Bool = false) {
        if loadMs == 0 { localServe[model, default: OnlineLinearFit()].observe(x: Double(imageBytes), y: serveMs) }
        if loadMs > 0 {
            localLoad[model, default: MovingAverage(alpha: 0.5)].observe(loadMs)
            if fileBytes > 0 { loadRate.observe(loadMs / (Double(fileBytes) / 1_000_000)) }
        }
        if fallback { counters.fallback += 1 } else { counters.local += 1 }
    }

    /// A remote answered: `timings` of the exchange, `remoteServeMs` its own time without any load
    /// (nil when it does not say), `clientMs` the work done here for it (decoding and preparing an OIP
    /// tensor). The network is fitted against the encoded image's size — what ``decide`` predicts
    /// from — whatever was actually sent (the image, or a larger tensor).
    public mutating func recordRemote(remote: String, model: String, imageBytes: Int, timings: RemoteTimings,
                                      remoteServeMs: Double?, remoteLoadMs: Double = 0, clientMs: Double = 0) {
        let key = Key(remote: remote, model: model)
        let x = Double(imageBytes)
        if let (reported, source) = timings.remoteTime, let remoteServeMs {
            remoteServe[key, default: MovingAverage()].observe(remoteServeMs + max(0, clientMs))
            network[remote, default: OnlineLinearFit()].observe(x: x, y: max(0, timings.total - reported))
            timeSource[remote] = source
        } else {
            remoteWhole[key, default: OnlineLinearFit()].observe(x: x, y: timings.total - remoteLoadMs + max(0, clientMs))
        }
        var state = health[remote] ?? Health()
        state.requests += 1
        state.consecutiveFailures = 0
        state.downUntil = nil
        health[remote] = state
        modelDownUntil[key] = nil
        counters.remote += 1
    }

    /// A remote failed (unreachable, timed out, answered 5xx): it is skipped for a while, for every
    /// model. With `model`, the failure concerns that model only (the remote lacks it, refused its
    /// size, or its metadata cannot be used): only that pair is skipped.
    ///
    /// - Parameter decidedAt: when the failed request was decided; requests decided before the last
    ///   recorded failure were already in flight then and do not lengthen the backoff again (ten
    ///   concurrent requests to a dead remote are one failure, not ten).
    public mutating func recordRemoteFailure(remote: String, model: String? = nil, error: String, now: Double,
                                             decidedAt: Double? = nil) {
        var state = health[remote] ?? Health()
        state.requests += 1
        state.failures += 1
        state.lastError = error
        let escalate = (decidedAt ?? now) >= (state.lastFailureAt ?? -.infinity)
        state.lastFailureAt = now
        if let model {
            let key = Key(remote: remote, model: model)
            modelDownUntil[key] = now + Self.maximumBackoff
        } else if escalate || state.downUntil == nil {
            state.consecutiveFailures += 1
            let backoff = min(Self.maximumBackoff, Self.initialBackoff * pow(2, Double(state.consecutiveFailures - 1)))
            state.downUntil = now + backoff
        }
        health[remote] = state
    }

    /// The health of `remote`.
    public func health(of remote: String) -> Health { health[remote] ?? Health() }

    /// The status report: mode, remotes with health and network estimates, counters.
    public func status(now: Double) -> OffloadStatus {
        OffloadStatus(
            mode: defaultMode.rawValue, local: counters.local, remote: counters.remote, fallback: counters.fallback,
            remotes: remotes.map { remote in
                let state = health[remote.url] ?? Health()
                let fit = network[remote.url]
                return OffloadStatus.Remote(
                    url: remote.url, models: remote.models, protocolName: remote.wireProtocol.rawValue,
                    requests: state.requests, failures: state.failures, lastError: state.lastError,
                    backingOffSeconds: state.downUntil.map { max(0, $0 - now) }.flatMap { $0 > 0 ? $0 : nil },
                    // The fit's intercept can fall below 0 when small requests rode a shaper's burst.
                    roundTripMs: fit?.predict(0).map { max(0, $0) },
                    megabytesPerSecond: fit?.slope.flatMap { $0 > 0 && (1 / ($0 * 1000)).isFinite ? 1 / ($0 * 1000) : nil },
                    remoteTimeSource: timeSource[remote.url])
            })
    }

    static func format(_ ms: Double) -> String { String(format: ms < 10 ? "%.1f" : "%.0f", ms) }
}
