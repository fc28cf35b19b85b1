import Core
import Foundation
import Synchronization

/// Facts about the running daemon that the API reports: readiness, draining, start-up cost.
///
/// Readiness is false until the socket listens and the preload finished; draining starts at
/// SIGTERM/SIGINT and never ends.
public final class DaemonState: Sendable {
    /// Measures from `main` to readiness.
    public let startup: Stopwatch
    /// How old the process already was when ``startup`` started (loader, runtime start-up), ms.
    public let startupOffsetMilliseconds: Double
    /// Wall-clock start, for uptime.
    public let startedAt: Date
    /// True when the listening socket was passed in (systemd socket activation).
    public let socketActivated: Bool
    private let state = Mutex(Inner())

    private struct Inner {
        var ready = false
        var draining = false
        var startupMilliseconds: Double?
        var listeners: [String] = []
        var baseResidentBytes: Int64?
    }

    /// - Parameters:
    ///   - startup: started as early as possible in `main`, for the start-up time.
    ///   - socketActivated: true when the listener was inherited.
    ///   - startupOffsetMilliseconds: the process's age when `startup` started (see ``ProcessAge``),
    ///     so the start-up time runs from process start, not from `main`.
    public init(startup: Stopwatch = Stopwatch(), startedAt: Date = Date(), socketActivated: Bool = false,
                startupOffsetMilliseconds: Double = 0) {
        self.startup = startup
        self.startupOffsetMilliseconds = startupOffsetMilliseconds
        self.startedAt = startedAt
        self.socketActivated = socketActivated
    }

    /// Marks the daemon ready (first call only records the start-up time).
    public func markReady() {
        let elapsed = startupOffsetMilliseconds + startup.elapsedMilliseconds
        state.withLock { inner in
            if inner.startupMilliseconds == nil { inner.startupMilliseconds = elapsed }
            inner.ready = true
        }
    }

    /// Records where the API is served (after binding), for `/v1/status`.
    public func setListeners(_ listeners: [String]) { state.withLock { $0.listeners = listeners } }

    /// Records the daemon's resident memory with the engine started and no model loaded: its base.
    public func setBaseResidentBytes(_ bytes: Int64) { state.withLock { $0.baseResidentBytes = bytes } }

    /// See ``setBaseResidentBytes(_:)``; nil until recorded.
    public var baseResidentBytes: Int64? { state.withLock { $0.baseResidentBytes } }

    /// Where the API is served: socket paths and `tcp://HOST:PORT` addresses (actual ports).
    public var listeners: [String] { state.withLock { $0.listeners } }

    /// Marks the daemon draining: `/v2/health/ready` answers 503 from now on.
    public func beginDraining() { state.withLock { $0.draining = true } }

    /// Ready and not draining.
    public var isReady: Bool { state.withLock { $0.ready && !$0.draining } }
    /// True once shutdown began.
    public var isDraining: Bool { state.withLock { $0.draining } }
    /// Process start (the kernel's, when known) to ready, ms; nil before ready.
    public var startupMilliseconds: Double? { state.withLock { $0.startupMilliseconds } }
    /// Seconds since start.
    public var uptimeSeconds: Double { Date().timeIntervalSince(startedAt) }
}
