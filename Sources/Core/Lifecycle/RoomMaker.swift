/// Making room for a load: the one implementation the daemon's ``ModelManager`` and the simulator both
/// run. Pure: it is given the warm models, what is held, the policy and the time, and answers which
/// models to evict (in order) and whether the load may then start.
///
/// The rules it applies:
/// - Only a **certain** figure refuses a model outright (``Decision/neverFits``): its measured size from
///   an earlier load, its file-mode charge, or before any load its file size (the weights alone).
/// - Victims come in ``LifecycleRules/victims(_:reason:classes:excluding:policy:now:)`` order, just
///   enough of them for `need` to fit. The churn guard only orders them (guarded models last): it never
///   refuses a load that a plain policy would make.
/// - An estimate that does not fit even after every possible victim is tried when the certain figure
///   fits (the estimate is learned from other models and may be high); a load that then measures over
///   the budget evicts others when it completes.
/// - What in-flight requests or a load in progress hold cannot go now: the caller waits for them
///   (``Decision/blocked(evicting:)``), or refuses when nothing it could wait for holds memory.
public struct RoomMaker: Sendable {
    public let rules: LifecycleRules

    public init(rules: LifecycleRules) { self.rules = rules }

    /// What to do about a load.
    public enum Decision: Sendable, Equatable {
        /// Evict these models (in order), then load.
        case load(evicting: [String])
        /// The model's certain size is over the budget: it can never load.
        case neverFits(certainBytes: Int64)
        /// There is no room and the policy evicts nothing on its own (`manual`).
        case noRoomManual
        /// Evict these, then wait: what is left is held by in-flight requests, loads in progress or
        /// pinned models. Ask again when one of them changes.
        case blocked(evicting: [String])
    }

    /// The sizes a load is judged by.
    public struct Need: Sendable, Equatable {
        /// Bytes to make room for: the model's expected charge (its estimate).
        public var bytes: Int64
        /// Bytes it will certainly be charged at least (measured size, file-mode charge or file size).
        public var certainBytes: Int64
        /// True when `certainBytes` is the charge itself (measured, or file accounting): no point trying
        /// a load on a smaller figure.
        public var certainIsCharge: Bool

        public init(bytes: Int64, certainBytes: Int64, certainIsCharge: Bool) {
            self.bytes = bytes
            self.certainBytes = certainBytes
            self.certainIsCharge = certainIsCharge
        }
    }

    /// Decides how to make room for `name`.
    ///
    /// - Parameters:
    ///   - usedBytes: what is held now (warm models plus reservations of loads in progress).
    ///   - residents: the warm models.
    public func decide(for name: String, need: Need, usedBytes: Int64, residents: [ResidentState],
                       policy: any EvictionPolicy, now: Double) -> Decision {
        if let decision = decideWithoutVictims(need: need, usedBytes: usedBytes) { return decision }
        let budget = rules.configuration.budget.bytes
        let wanted = min(need.bytes, budget)
        let victims = policy.evictsAutomatically
            ? rules.victimCandidates(residents, reason: .budget, classes: [.cached, .recent], excluding: name, policy: policy, now: now)
            : []
        var held = usedBytes
        var chosen: [EvictionCandidate] = []
        for victim in victims where held + wanted > budget {
            held -= victim.bytes
            chosen.append(victim)
        }
        if held + wanted <= budget { return .load(evicting: chosen.map(\.name)) }
        if !need.certainIsCharge, held + need.certainBytes <= budget {
            // Just enough victims for the certain figure; the estimate may be high.
            held = usedBytes
            var enough: [String] = []
            for victim in chosen where held + need.certainBytes > budget {
                held -= victim.bytes
                enough.append(victim.name)
            }
            return .load(evicting: enough)
        }
        return policy.evictsAutomatically ? .blocked(evicting: chosen.map(\.name)) : .noRoomManual
    }

    /// The decision when it needs no look at the warm models: the certain figure is over the budget
    /// (``Decision/neverFits(certainBytes:)``), or the load fits as things are (load, evicting nothing).
    /// `nil` when victims must be chosen. ``decide(for:need:usedBytes:residents:policy:now:)`` starts
    /// with this; a caller may ask it first to skip gathering the residents.
    public func decideWithoutVictims(need: Need, usedBytes: Int64) -> Decision? {
        let budget = rules.configuration.budget.bytes
        guard need.certainBytes <= budget else { return .neverFits(certainBytes: need.certainBytes) }
        if usedBytes + min(need.bytes, budget) <= budget { return .load(evicting: []) }
        return nil
    }
}
