import Core
import InferdWire
import Synchronization

/// Sends each of a model's requests to its latency-compiled form or, while overlapping requests keep
/// coming, to its throughput companion: the mechanism under ``StreamSwitch`` (the policy) and the
/// model's side of ``CompanionSlot`` (the lifecycle manager builds, charges and releases the companion).
///
/// Counts the requests between ``begin()`` and ``end()`` (queued or running, on either form), which is
/// the overlap the policy sees. A request keeps the pool it began with, so releasing the companion
/// never breaks one running on it: the pool lives until its last request returns.
public final class StreamRouter: CompanionSlot {
    /// The pool of the form the model was loaded as.
    public let primary: InferRequestPool
    /// False when the model has no use for a companion (compiled with the throughput hint already, or
    /// companions switched off): every request goes to ``primary``.
    public let isEnabled: Bool
    private let clock: any LifecycleClock
    private let state: Mutex<State>

    private struct State {
        var policy: StreamSwitch
        var active = 0
        var companion: InferRequestPool?
        var wanted: (@Sendable () -> Void)?
        /// Counts of companions already released, kept in the model's totals.
        var retiredCompanion = InferenceQueueStatus()
    }

    /// - Parameters:
    ///   - enabled: whether the model may have a companion.
    ///   - settings: the policy's thresholds.
    public init(primary: InferRequestPool, enabled: Bool, settings: StreamSwitch.Settings = .init(),
                clock: any LifecycleClock = SystemLifecycleClock()) {
        self.primary = primary
        isEnabled = enabled
        self.clock = clock
        state = Mutex(State(policy: StreamSwitch(settings: settings)))
    }

    /// The pool a request starting now runs on; call ``end()`` when it is over. May ask the lifecycle
    /// for a companion (off this thread: the request does not wait for it).
    public func begin() -> InferRequestPool {
        guard isEnabled else { return primary }
        let now = clock.now()
        let (pool, ask) = state.withLock { state -> (InferRequestPool, (@Sendable () -> Void)?) in
            let decision = state.policy.start(now: now, othersInFlight: state.active)
            state.active += 1
            var ask: (@Sendable () -> Void)?
            if decision.build {
                if let wanted = state.wanted { ask = wanted } else { state.policy.refused(now: now) }
            }
            if decision.route == .throughput, let companion = state.companion { return (companion, ask) }
            return (primary, ask)
        }
        ask?()
        return pool
    }

    /// The request that ``begin()`` routed is over.
    public func end() {
        guard isEnabled else { return }
        state.withLock { $0.active -= 1 }
    }

    /// Installs a built companion: requests use it from now on while they overlap.
    public func install(_ companion: InferRequestPool) {
        let now = clock.now()
        state.withLock { state in
            state.companion = companion
            state.policy.built(now: now)
        }
    }

    /// Both forms' queues as one: the primary's figures with the companion's added, and the companion's state.
    public var status: InferenceQueueStatus {
        var status = primary.status
        let (companion, retired, policyState) = state.withLock { ($0.companion?.status, $0.retiredCompanion, $0.policy.companion) }
        guard isEnabled else { return status }
        for other in [companion, retired].compactMap({ $0 }) {
            status.companionInferences += other.inferences
            status.requests += other.requests
            status.inFlight += other.inFlight
            status.waiting += other.waiting
            status.inferences += other.inferences
            status.rejected += other.rejected
            status.peakInFlight = max(status.peakInFlight, other.peakInFlight)
            status.peakWaiting = max(status.peakWaiting, other.peakWaiting)
        }
        status.companion = policyState.rawValue
        return status
    }

    // MARK: CompanionSlot

    public func whenWanted(_ request: @escaping @Sendable () -> Void) {
        state.withLock { $0.wanted = request }
    }

    public func refused() {
        let now = clock.now()
        state.withLock { $0.policy.refused(now: now) }
    }

    public var isIdle: Bool {
        let now = clock.now()
        return state.withLock { $0.policy.isIdle(now: now) }
    }

    public func release() {
        state.withLock { state in
            // Its counts stay in the model's totals (the infer requests it made go with it).
            if let gone = state.companion?.status {
                state.retiredCompanion.inferences += gone.inferences
                state.retiredCompanion.rejected += gone.rejected
                state.retiredCompanion.peakInFlight = max(state.retiredCompanion.peakInFlight, gone.peakInFlight)
                state.retiredCompanion.peakWaiting = max(state.retiredCompanion.peakWaiting, gone.peakWaiting)
            }
            state.companion = nil
            state.policy.released()
        }
    }
}
