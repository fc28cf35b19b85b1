import Core
import InferdRuntime
import ServiceLifecycle

/// Keeps systemd's `STATUS=` line current: asks the model manager for its summary
/// ("3 warm, 412 MiB of 1.0 GiB, policy lru, pressure none") every `interval` and sends it when it
/// changed, so loads, evictions and pressure show in `systemctl status` within a second.
///
/// Returns at once when `NOTIFY_SOCKET` is not set; register it with `successTerminationBehavior: .ignore`.
public struct SystemdStatusService: Service {
    let notifier: SystemdNotifier
    let manager: ModelManager<LoadedModel>
    let state: DaemonState
    let interval: Duration

    /// - Parameter interval: how often the summary is read (default 1 s; one actor round trip each).
    public init(notifier: SystemdNotifier, manager: ModelManager<LoadedModel>, state: DaemonState,
                interval: Duration = .seconds(1)) {
        self.notifier = notifier
        self.manager = manager
        self.state = state
        self.interval = interval
    }

    /// Updates until graceful shutdown; never throws.
    public func run() async throws {
        guard notifier.isEnabled else { return }
        try? await cancelWhenGracefulShutdown {
            var last = ""
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                // Draining: STOPPING=1 went out. Quiet, but running until this service's own graceful
                // shutdown (returning while another service drains fails the daemon's exit).
                if state.isDraining { continue }
                let status = await manager.status()
                // Readiness is read after the await: READY=1 may have gone out meanwhile.
                let line = state.isReady ? status.summaryLine : "starting: \(status.summaryLine)"
                if line != last {
                    notifier.status(line)
                    last = line
                }
            }
        }
    }
}
