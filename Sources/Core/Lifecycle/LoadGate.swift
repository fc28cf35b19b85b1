/// The load slot: which loads may read and compile a model now. Loads enter in arrival order, so one
/// that needs the machine to itself is not starved by shared ones arriving behind it. An exclusive
/// load (a model's first: it measures its own size in-process, and `precision auto` may time it) runs
/// alone; shared loads (models whose footprint is already known) run up to `limit` at once.
///
/// A plain value the ``ModelManager`` actor owns; it parks and resumes the waiting loads' continuations.
struct LoadGate {
    /// What an admitted load holds: when it was admitted, and whether it was alone then.
    struct Ticket: Sendable {
        let epoch: UInt64
        let alone: Bool
    }

    enum Entry {
        case admitted(Ticket)
        /// Wait with ``park(_:_:)`` under this id.
        case queued(UInt64)
    }

    private var running = 0
    private var exclusive = false
    /// Admissions so far.
    private var epoch: UInt64 = 0
    private var nextID: UInt64 = 0
    private var queue: [(id: UInt64, shared: Bool, continuation: CheckedContinuation<Ticket, Never>?)] = []
    /// Tickets of queued loads admitted before they parked.
    private var ready: [UInt64: Ticket] = [:]

    /// Loads holding the slot now.
    var loadsRunning: Int { running }

    /// A load arrives: admitted at once when nothing queues before it and it may run beside what runs.
    mutating func enter(shared: Bool, limit: Int) -> Entry {
        if queue.isEmpty, admits(shared: shared, limit: limit) { return .admitted(admit(shared: shared)) }
        nextID += 1
        queue.append((nextID, shared, nil))
        return .queued(nextID)
    }

    /// Parks the queued load `id` until it is admitted.
    mutating func park(_ id: UInt64, _ continuation: CheckedContinuation<Ticket, Never>) {
        if let ticket = ready.removeValue(forKey: id) {
            continuation.resume(returning: ticket)
        } else if let index = queue.firstIndex(where: { $0.id == id }) {
            queue[index].continuation = continuation
        }
    }

    /// A load is over: admits queued loads, in order, while they may run.
    mutating func leave(limit: Int) {
        running -= 1
        if running == 0 { exclusive = false }
        while let head = queue.first, admits(shared: head.shared, limit: limit) {
            queue.removeFirst()
            let ticket = admit(shared: head.shared)
            if let continuation = head.continuation {
                continuation.resume(returning: ticket)
            } else {
                ready[head.id] = ticket
            }
        }
    }

    /// Whether the load holding `ticket` ran alone throughout: alone when admitted, none admitted since.
    func ranAlone(_ ticket: Ticket) -> Bool { ticket.alone && epoch == ticket.epoch }

    private func admits(shared: Bool, limit: Int) -> Bool {
        shared ? !exclusive && running < max(1, limit) : running == 0
    }

    private mutating func admit(shared: Bool) -> Ticket {
        epoch += 1
        running += 1
        if !shared { exclusive = true }
        return Ticket(epoch: epoch, alone: running == 1)
    }
}
