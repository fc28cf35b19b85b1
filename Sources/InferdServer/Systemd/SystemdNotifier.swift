import CSystemd

#if canImport(Glibc)
import Glibc
#endif

/// Tells the service manager how the daemon is doing, through libsystemd's `sd_notify(3)`:
/// `READY=1`, `STATUS=…`, `RELOADING=1`, `STOPPING=1`, `WATCHDOG=1`.
///
/// Every call is a no-op when `NOTIFY_SOCKET` is not set (not started by systemd, or a unit type
/// that does not listen), so the daemon calls it unconditionally. Sending never throws: a lost
/// notification is logged by nobody, as with every sd_notify user — systemd's side times out.
public struct SystemdNotifier: Sendable {
    /// True when `NOTIFY_SOCKET` was set at start.
    public let isEnabled: Bool
    /// Half of `WATCHDOG_USEC` when the service manager expects keep-alive pings (sd_watchdog_enabled
    /// also checks `WATCHDOG_PID`), else nil.
    public let watchdogInterval: Duration?
    /// `WATCHDOG_USEC` itself, for the log.
    public let watchdogTimeout: Duration?

    /// Reads `NOTIFY_SOCKET` and `WATCHDOG_USEC` from the process environment (leaving them set).
    public init() {
        isEnabled = getenv("NOTIFY_SOCKET") != nil
        var usec: UInt64 = 0
        if sd_watchdog_enabled(0, &usec) > 0, usec > 0 {
            watchdogTimeout = .microseconds(Int64(usec))
            watchdogInterval = .microseconds(Int64(usec / 2))
        } else {
            watchdogTimeout = nil
            watchdogInterval = nil
        }
    }

    /// `READY=1` with the current status line.
    public func ready(status: String) {
        send(Self.message(["READY=1", "STATUS=" + status]))
    }

    /// `STATUS=…`: one line, shown by `systemctl status`.
    public func status(_ line: String) {
        send(Self.message(["STATUS=" + line]))
    }

    /// `RELOADING=1` with `MONOTONIC_USEC=` (systemd 253+ matches it against the reload it asked for).
    public func reloading(status: String = "reloading the model catalog") {
        send(Self.message(["RELOADING=1", "MONOTONIC_USEC=\(Self.monotonicMicroseconds())", "STATUS=" + status]))
    }

    /// `STOPPING=1`: graceful shutdown began.
    public func stopping(status: String = "stopping: finishing in-flight requests") {
        send(Self.message(["STOPPING=1", "STATUS=" + status]))
    }

    /// `WATCHDOG=1`: the daemon checked itself and is responsive.
    public func watchdog() {
        send("WATCHDOG=1")
    }

    /// Joins assignments into one notification, one per line. A value's own newlines would start a
    /// new assignment, so they become spaces.
    static func message(_ assignments: [String]) -> String {
        assignments.map { $0.replacing("\n", with: " ") }.joined(separator: "\n")
    }

    /// `CLOCK_MONOTONIC` in microseconds, as `MONOTONIC_USEC=` wants it.
    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }

    private func send(_ message: String) {
        guard isEnabled else { return }
        _ = sd_notify(0, message)
    }
}
