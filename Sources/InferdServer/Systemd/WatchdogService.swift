import Core
import Logging
import ServiceLifecycle

/// Pings systemd's watchdog (`WATCHDOG=1`) every half `WATCHDOG_USEC`, but only after the daemon
/// proved it is responsive: each ping first runs every ``Check`` (a round trip through the model
/// manager actor, a request through the listening socket), each within a deadline. When a check
/// fails or hangs, that ping is skipped and a warning logged; if the daemon stays stuck, systemd sees
/// no pings for `WatchdogSec=` and restarts the service — which is the point.
///
/// Returns at once when the watchdog is not enabled; register it with
/// `successTerminationBehavior: .ignore`.
public struct WatchdogService: Service {
    /// One responsiveness check: throws (or hangs past the deadline) when that part of the daemon is stuck.
    public struct Check: Sendable {
        public let name: String
        public let run: @Sendable () async throws -> Void

        public init(_ name: String, _ run: @escaping @Sendable () async throws -> Void) {
            self.name = name
            self.run = run
        }
    }

    let interval: Duration?
    let deadline: Duration
    let checks: [Check]
    let ping: @Sendable () -> Void
    let isStopping: @Sendable () -> Bool
    let logger: Logger

    /// - Parameters:
    ///   - interval: time between pings (half of `WATCHDOG_USEC`); nil when the watchdog is off.
    ///   - deadline: how long all checks together may take; default half the interval, so a slow
    ///     check still leaves time before the next ping is due.
    ///   - isStopping: true once the daemon drains; checks and pings stop then (systemd stops the
    ///     watchdog on `STOPPING=1`, and the request path is closing on purpose), but the service runs
    ///     on until its own graceful shutdown: a service that returns while another one drains is an
    ///     error to swift-service-lifecycle, and the daemon would exit 1.
    public init(interval: Duration?, deadline: Duration? = nil, checks: [Check], ping: @escaping @Sendable () -> Void,
                isStopping: @escaping @Sendable () -> Bool = { false }, logger: Logger) {
        self.interval = interval
        self.deadline = deadline ?? (interval.map { $0 / 2 } ?? .seconds(1))
        self.checks = checks
        self.ping = ping
        self.isStopping = isStopping
        self.logger = logger
    }

    /// Checks and pings until graceful shutdown; never throws.
    public func run() async throws {
        guard let interval else { return }
        logger.info("watchdog: pinging every \(Stopwatch.seconds(interval)) s while \(checks.map(\.name).joined(separator: " and ")) answer within \(Stopwatch.seconds(deadline)) s")
        try? await cancelWhenGracefulShutdown {
            var failing = false
            while !Task.isCancelled {
                if isStopping() {
                    try await Task.sleep(for: interval)
                    continue
                }
                if let problem = await checkOnce() {
                    if !failing { logger.warning("watchdog: not pinging systemd: \(problem)") }
                    failing = true
                } else {
                    if failing { logger.notice("watchdog: responsive again; pinging") }
                    failing = false
                    ping()
                }
                try await Task.sleep(for: interval)
            }
        }
    }

    /// Runs the checks in order under one deadline; nil when all passed, else what went wrong.
    func checkOnce() async -> String? {
        let clock = ContinuousClock()
        let end = clock.now + deadline
        for check in checks {
            let left = end - clock.now
            guard left > .zero else { return "\(check.name): no time left within \(Stopwatch.seconds(deadline)) s" }
            switch await Deadline.run(left, check.run) {
            case .finished: continue
            case .failed(let reason): return "\(check.name) failed: \(reason)"
            case .timedOut: return "\(check.name) did not answer within \(Stopwatch.seconds(deadline)) s"
            }
        }
        return nil
    }
}

extension Stopwatch {
    /// A duration in seconds, for messages.
    static func seconds(_ duration: Duration) -> Double { milliseconds(duration) / 1000 }
}
