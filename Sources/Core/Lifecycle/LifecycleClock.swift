import Foundation

/// The time source of the lifecycle manager and its policies, injected so tests and the simulator
/// drive them deterministically.
public protocol LifecycleClock: Sendable {
    /// Monotonic seconds (any origin). Durations are differences of these.
    func now() -> Double
    /// Seconds since the Unix epoch, for display (`last_used`, `expires_at`).
    func wallNow() -> Double
}

/// The real clocks: `ContinuousClock` for durations, the system clock for display.
public struct SystemLifecycleClock: LifecycleClock {
    private static let origin = ContinuousClock.now
    public init() {}
    public func now() -> Double { Stopwatch.milliseconds(ContinuousClock.now - Self.origin) / 1000 }
    public func wallNow() -> Double { Date().timeIntervalSince1970 }
}

/// A clock tests move by hand.
public final class ManualClock: LifecycleClock, @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Double
    /// Wall time at `now() == 0`.
    public let wallOrigin: Double

    public init(start: Double = 0, wallOrigin: Double = 1_800_000_000) {
        seconds = start
        self.wallOrigin = wallOrigin
    }

    public func now() -> Double { lock.withLock { seconds } }
    public func wallNow() -> Double { wallOrigin + now() }

    /// Moves time forward by `delta` seconds.
    public func advance(_ delta: Double) { lock.withLock { seconds += delta } }
    /// Sets the time.
    public func set(_ value: Double) { lock.withLock { seconds = value } }
}
