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
    /// The throughput companion (``companionBytes`` in the model's summary): `absent`, `building` or
    /// `ready`; nil when the model cannot have one (compiled with the throughput hint, or switched off).
    public var companion: String?
    /// Inferences that ran on the companion.
    public var companionInferences = 0

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
        case companion, companionInferences = "companion_inferences"
    }

    /// Every key, `null` where a value is nil (synthesized encoding would drop it).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(requests, forKey: .requests)
        try c.encode(capacity, forKey: .capacity)
        try c.encode(queueLimit, forKey: .queueLimit)
        try c.encode(inFlight, forKey: .inFlight)
        try c.encode(peakInFlight, forKey: .peakInFlight)
        try c.encode(waiting, forKey: .waiting)
        try c.encode(peakWaiting, forKey: .peakWaiting)
        try c.encode(inferences, forKey: .inferences)
        try c.encode(rejected, forKey: .rejected)
        try c.encode(companion, forKey: .companion)
        try c.encode(companionInferences, forKey: .companionInferences)
    }
}
