import Logging
import ServiceLifecycle

/// Loads the configured preload and pinned models (with a warm-up inference), then marks the daemon
/// ready: `/v2/health/ready` answers 200 from then on. Runs once and returns; register it with
/// `successTerminationBehavior: .ignore`.
public struct PreloadService: Service {
    let service: InferenceService
    let logger: Logger
    /// Called once ready (for example to tell systemd `READY=1`).
    let onReady: @Sendable () async -> Void

    /// - Parameter onReady: called once, after the preload, unless the daemon is already draining.
    public init(service: InferenceService, logger: Logger, onReady: @escaping @Sendable () async -> Void = {}) {
        self.service = service
        self.logger = logger
        self.onReady = onReady
    }

    /// Preloads (failures are logged by the manager, the daemon still starts), marks ready, returns.
    public func run() async throws {
        await service.manager.preload()
        guard !service.state.isDraining else {
            // SIGTERM came during the preload: the other services are draining, and one that returns
            // meanwhile fails the daemon's exit. Wait for this one's turn.
            try? await gracefulShutdown()
            return
        }
        service.state.markReady()
        let status = await service.manager.status()
        logger.info("ready", metadata: [
            "startup_ms": "\(Int(service.state.startupMilliseconds ?? 0))", "lifecycle": "\(status.summaryLine)",
        ])
        await onReady()
    }
}
