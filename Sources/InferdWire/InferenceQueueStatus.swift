/// A model's inference queue as `/v1/status` and `inferctl models` show it.
public struct InferenceQueueStatus: Codable, Sendable, Equatable {
    /// Infer requests created so far (at most ``capacity``).
    public var requests = 0
    /// Infer requests the model may hold: OpenVINO's optimal number for it, at least two.
    public var capacity = 0
    /// Callers that may wait for a request before the next is refused with 503.
    public var queueLimit = 0
    /// Inferences running now.
    public var inFlight = 0
    /// The most inferences that ran at once: above 1 when overlapping requests used several infer requests.
    public var peakInFlight = 0
    /// Callers waiting now, and the most that waited at once.
    public var waiting = 0
    public var peakWaiting = 0
    /// Inferences started, and callers refused because the queue was full.
    public var inferences = 0
    public var rejected = 0

    public init() {}

    /// One more inference running.
    public mutating func started() {
        inFlight += 1
        inferences += 1
        peakInFlight = max(peakInFlight, inFlight)
    }

    /// One inference fewer running.
    public mutating func finished() { inFlight -= 1 }

    enum CodingKeys: String, CodingKey {
        case requests, capacity, inFlight = "in_flight", peakInFlight = "peak_in_flight", waiting
        case peakWaiting = "peak_waiting", inferences, rejected, queueLimit = "queue_limit"
    }
}
