import InferdWire

/// The planner's answer for one request: where to run it, on which remote, and why.
public struct OffloadDecision: Sendable, Equatable {
    /// Here or on ``remote``.
    public var side: Placement.Side
    /// The remote to call when ``side`` is remote.
    public var remote: RemoteServer?
    /// Why, in words, with the figures compared.
    public var reason: String
    /// What each side was predicted to take, when both could be predicted.
    public var predicted: Placement.Prediction?

    public init(side: Placement.Side, remote: RemoteServer? = nil, reason: String, predicted: Placement.Prediction? = nil) {
        self.side = side
        self.remote = remote
        self.reason = reason
        self.predicted = predicted
    }

    /// Runs here.
    public static func local(_ reason: String, predicted: Placement.Prediction? = nil) -> OffloadDecision {
        OffloadDecision(side: .local, reason: reason, predicted: predicted)
    }
}
