import Core

/// When kernel memory pressure (PSI) counts as moderate or critical. Named, documented values, after
/// Android lmkd's ratios (`some 70 ms / full 700 ms` in a 1 s window), scaled to a 2 s window: the
/// kernel lets a process without CAP_SYS_RESOURCE arm a trigger only with a window that is a multiple
/// of 2 s (seen here: root in a container without that capability gets EINVAL for 1 s).
public struct PressureThresholds: Sendable, Equatable, Codable {
    /// PSI trigger window, µs. Default 2 s. The kernel requires 500 ms…10 s, and without
    /// CAP_SYS_RESOURCE a multiple of 2 s; a rejected window makes the monitor fall back to polling.
    public var windowMicroseconds: Int
    /// Stall of *some* tasks within the window that signals moderate pressure, µs. Default 140 ms (7 %).
    public var someStallMicroseconds: Int
    /// Stall of *all* non-idle tasks at once within the window that signals critical pressure, µs.
    /// Default 700 ms.
    public var fullStallMicroseconds: Int
    /// Seconds without a trigger after which pressure is considered over. Default 10 s.
    public var recoverySeconds: Double
    /// Polling fallback: seconds between reads of the averages. Default 2 s.
    public var pollIntervalSeconds: Double

    public init(windowMicroseconds: Int = 2_000_000, someStallMicroseconds: Int = 140_000,
                fullStallMicroseconds: Int = 1_400_000, recoverySeconds: Double = 10, pollIntervalSeconds: Double = 2) {
        self.windowMicroseconds = windowMicroseconds
        self.someStallMicroseconds = someStallMicroseconds
        self.fullStallMicroseconds = fullStallMicroseconds
        self.recoverySeconds = recoverySeconds
        self.pollIntervalSeconds = pollIntervalSeconds
    }

    /// The polling fallback's `avg10` thresholds (percent of time stalled): the trigger thresholds as
    /// shares of the window.
    public var someAverage10Percent: Double { 100 * Double(someStallMicroseconds) / Double(windowMicroseconds) }
    public var fullAverage10Percent: Double { 100 * Double(fullStallMicroseconds) / Double(windowMicroseconds) }

    /// Checks the ranges the kernel accepts.
    public func validate() throws(ConfigurationError) {
        guard (500_000...10_000_000).contains(windowMicroseconds) else {
            throw ConfigurationError(.invalidValue, "pressure window must be between 500 ms and 10 s")
        }
        guard someStallMicroseconds > 0, someStallMicroseconds <= windowMicroseconds,
              fullStallMicroseconds > 0, fullStallMicroseconds <= windowMicroseconds else {
            throw ConfigurationError(.invalidValue, "pressure stall thresholds must be positive and within the window")
        }
    }
}
