import Synchronization

/// The hook request admission updates for `/metrics`: requests waiting for a slot and the bytes of
/// request bodies and decoded images held in flight. Both start at 0 and stay there until an admission
/// stage sets them; the scrape reads them as `inferd_queue_depth` and `inferd_in_flight_bytes`.
///
/// Lock-free (atomics), so the admission path may update it on every request.
public final class AdmissionGauges: Sendable {
    private let queued = Atomic<Int>(0)
    private let bytes = Atomic<Int64>(0)

    public init() {}

    /// Requests waiting for admission now.
    public var queueDepth: Int { queued.load(ordering: .relaxed) }
    /// Bytes held by admitted requests now.
    public var inFlightBytes: Int64 { bytes.load(ordering: .relaxed) }

    /// Adds `delta` (negative to remove) to the queue depth.
    public func addQueued(_ delta: Int) { queued.wrappingAdd(delta, ordering: .relaxed) }
    /// Adds `delta` (negative to release) to the bytes in flight.
    public func addInFlightBytes(_ delta: Int64) { bytes.wrappingAdd(delta, ordering: .relaxed) }
}
