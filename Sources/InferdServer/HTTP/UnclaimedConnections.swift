import NIOCore
import Synchronization

/// Connections the listener has accepted and wrapped, that ``HTTPServer``'s accept loop has not yet
/// taken: the handover between swift-nio's event loop and the loop's task.
///
/// swift-nio hands an accepted connection to the accept loop through the listener's inbound stream.
/// When the listener closes, a connection still being set up is dropped on the floor
/// (apple/swift-nio#2813), and dropping a wrapped connection traps the process ("Deinited
/// NIOAsyncWriter without calling finish()"). So every wrapped connection is also kept here until
/// the loop claims it; once the loop has ended, ``close()`` hands the rest over to be served (or
/// closed) by the server, and connections set up later are closed instead of wrapped.
final class UnclaimedConnections: Sendable {
    private struct State {
        var waiting: [ObjectIdentifier: HTTPConnection.Channel] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    /// Wraps `channel` with `wrap` and keeps the result until ``claim(_:)`` or ``close()``; nil, and
    /// `wrap` is not called, once ``close()`` was called. Runs on the channel's event loop (as `wrap`
    /// must).
    func keep(_ channel: any Channel, wrap: (any Channel) throws -> HTTPConnection.Channel) rethrows -> HTTPConnection.Channel? {
        try state.withLock { state in
            guard !state.closed else { return nil }
            let wrapped = try wrap(channel)
            state.waiting[ObjectIdentifier(channel)] = wrapped
            return wrapped
        }
    }

    /// Takes `connection` for the accept loop to serve. False: ``close()`` took it already.
    func claim(_ connection: HTTPConnection.Channel) -> Bool {
        state.withLock { $0.waiting.removeValue(forKey: ObjectIdentifier(connection.channel)) != nil }
    }

    /// Refuses every later ``keep(_:wrap:)`` and returns the connections nobody claimed, for the caller
    /// to serve or close: each one must reach `executeThenClose`.
    func close() -> [HTTPConnection.Channel] {
        state.withLock { state in
            state.closed = true
            defer { state.waiting.removeAll() }
            return Array(state.waiting.values)
        }
    }
}
