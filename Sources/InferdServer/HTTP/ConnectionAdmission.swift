import Synchronization

/// Which connections a listener takes: at most ``maxConnections`` in all and at most
/// ``maxPerClient`` from one client (a peer uid on a Unix socket, an address over TCP), so one client
/// holding hundreds of idle connections cannot keep every other client out. A refused connection gets
/// an immediate `503` with `Retry-After` (``ConnectionRefusal``), never a silent close.
///
/// Refusals are logged at most once per ``logInterval``, with the number refused since the last line,
/// so a flood of connections cannot flood the journal. Time is passed in (no clock inside).
final class ConnectionAdmission: Sendable {
    /// Why a connection was refused.
    enum Refusal: Equatable, Sendable {
        /// The listener serves ``ConnectionAdmission/maxConnections`` already.
        case listenerFull
        /// This client has ``ConnectionAdmission/maxPerClient`` open already.
        case clientFull(String)
    }

    /// What ``admit(_:now:)`` decided.
    struct Decision: Equatable, Sendable {
        /// Nil: admitted (call ``release(_:)`` when it closes).
        var refusal: Refusal?
        /// When set, a refusal log line is due: the number of refusals it covers (this one included).
        var logRefusals: Int?
    }

    let maxConnections: Int
    let maxPerClient: Int
    let logInterval: Duration
    private let state = Mutex(State())

    private struct State {
        var open = 0
        var perClient: [String: Int] = [:]
        var lastLog: ContinuousClock.Instant?
        var unlogged = 0
    }

    init(maxConnections: Int, maxPerClient: Int, logInterval: Duration = .seconds(10)) {
        self.maxConnections = maxConnections
        self.maxPerClient = max(1, min(maxPerClient, maxConnections))
        self.logInterval = logInterval
    }

    /// Admits a connection from `client` or says why not.
    func admit(_ client: String, now: ContinuousClock.Instant) -> Decision {
        state.withLock { state in
            let refusal: Refusal?
            if state.open >= maxConnections {
                refusal = .listenerFull
            } else if state.perClient[client, default: 0] >= maxPerClient {
                refusal = .clientFull(client)
            } else {
                refusal = nil
            }
            guard let refusal else {
                state.open += 1
                state.perClient[client, default: 0] += 1
                return Decision(refusal: nil, logRefusals: nil)
            }
            state.unlogged += 1
            if let last = state.lastLog, now - last < logInterval {
                return Decision(refusal: refusal, logRefusals: nil)
            }
            let count = state.unlogged
            state.unlogged = 0
            state.lastLog = now
            return Decision(refusal: refusal, logRefusals: count)
        }
    }

    /// A connection `admit` took from `client` has closed.
    func release(_ client: String) {
        state.withLock { state in
            state.open -= 1
            let left = state.perClient[client, default: 1] - 1
            state.perClient[client] = left > 0 ? left : nil
        }
    }

    /// Connections admitted and not yet released.
    var openCount: Int { state.withLock { $0.open } }
}
