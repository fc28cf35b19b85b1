/// Frees an evicted model off the lifecycle actor and measures what came back.
///
/// The actor hands the model over (it keeps no reference), and the last reference is dropped on a
/// ``BlockingWork`` thread followed by `malloc_trim`: tearing down a compiled model and trimming the
/// heap take tens of milliseconds for a big model, which must not stall `/v1/status` or other
/// requests waiting on the actor. `bytes_freed` is the resident-set drop across both, so it is read
/// after the memory is really back with the kernel.
final class ModelDisposal<Model: ResidentModel>: @unchecked Sendable {
    // Touched only by `release`, on one thread, after the actor let go.
    private var model: Model?

    /// Moves the model out of `slot` (left nil), so the disposal holds the only reference.
    init(taking slot: inout Model?) {
        model = slot
        slot = nil
    }

    /// Drops the model, trims the heap, and returns the resident bytes that came back (never negative).
    func release(memory: any MemoryProbe) async -> Int64 {
        let freed = try? await BlockingWork.run { [self] in
            let before = memory.residentBytes()
            model = nil
            MemoryRelease.trimHeap()
            return max(0, before - memory.residentBytes())
        }
        return freed ?? 0
    }
}
