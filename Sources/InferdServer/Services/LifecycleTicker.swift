import Core
import InferdRuntime
import ServiceLifecycle

/// Calls the model manager's keep-alive sweep (``ModelManager/tick()``) at a fixed interval until
/// graceful shutdown.
public struct LifecycleTicker: Service {
    let manager: ModelManager<LoadedModel>
    /// Time between sweeps. Default 1 second.
    let interval: Duration

    /// - Parameter interval: time between sweeps (default 1 second).
    public init(manager: ModelManager<LoadedModel>, interval: Duration = .seconds(1)) {
        self.manager = manager
        self.interval = interval
    }

    /// Sweeps until graceful shutdown (or cancellation); never throws.
    public func run() async throws {
        let manager = self.manager
        let interval = self.interval
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await manager.tick()
            }
        }
    }
}
