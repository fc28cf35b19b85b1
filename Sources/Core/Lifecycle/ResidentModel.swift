/// What the lifecycle manager needs to know of a loaded model. ``LoadedModel`` is the real one;
/// tests and the simulator use light stand-ins, so eviction can be driven without OpenVINO.
public protocol ResidentModel: Sendable {
    /// Measured resident bytes the model added when it loaded.
    var residentBytes: Int64 { get }
    /// What the load cost (read + compile), ms: the price of a cold start, used by cost-aware policies.
    var loadMilliseconds: Double { get }
    /// What loading the model into a fresh process added, measured apart from this process's history
    /// (by a separate measuring process, kept in the compiled-model cache), when known at load time;
    /// nil: not measured yet.
    var footprintBytes: Int64? { get }
    /// The model's throughput companion, when it can have one (see ``CompanionSlot``).
    var companionSlot: (any CompanionSlot)? { get }
}

extension ResidentModel {
    /// Stand-ins have no footprint: their ``residentBytes`` is charged.
    public var footprintBytes: Int64? { nil }
    /// Stand-ins have no companion unless they say so.
    public var companionSlot: (any CompanionSlot)? { nil }
}
