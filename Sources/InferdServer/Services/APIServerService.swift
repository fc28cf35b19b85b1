import Logging
import ServiceLifecycle

/// The API servers as a service: serve until graceful shutdown, then stop accepting, let in-flight
/// requests finish (their connections close after the answer), and drain the model manager.
/// One server per listener (the Unix socket, each `--listen` address), all on one router.
public struct APIServerService: Service {
    let servers: [HTTPServer]
    let service: InferenceService
    let logger: Logger
    /// Called once when draining begins (for example to tell systemd `STOPPING=1`).
    let willDrain: @Sendable () -> Void

    /// - Parameters:
    ///   - servers: already bound (see ``HTTPServer/bind()``), so start-up errors surface before the
    ///     service group runs.
    ///   - willDrain: called when graceful shutdown begins, before the listeners close.
    public init(servers: [HTTPServer], service: InferenceService, logger: Logger, willDrain: @escaping @Sendable () -> Void = {}) {
        self.servers = servers
        self.service = service
        self.logger = logger
        self.willDrain = willDrain
    }

    /// Serves until graceful shutdown, then drains. Throws only if the listener fails.
    public func run() async throws {
        let servers = self.servers
        let state = service.state
        let willDrain = self.willDrain
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                for server in servers {
                    group.addTask { try await server.serve() }
                }
            }
        } onGracefulShutdown: {
            willDrain()
            state.beginDraining()
            for server in servers { server.beginShutdown() }
        }
        await service.manager.drain()
        logger.info("API server stopped; in-flight requests finished")
    }
}
