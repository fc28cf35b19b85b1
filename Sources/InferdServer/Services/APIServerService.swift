import Core
import Logging
import ServiceLifecycle

/// The API server as a service: serves until graceful shutdown, then stops accepting, lets in-flight
/// requests finish (their connections close after the answer), and drains the model manager.
public struct APIServerService: Service {
    let server: HTTPServer
    let service: InferenceService
    let logger: Logger
    /// Called once when draining begins (for example to tell systemd `STOPPING=1`).
    let willDrain: @Sendable () -> Void

    /// - Parameters:
    ///   - server: already bound (see ``HTTPServer/bind()``), so start-up errors surface before the
    ///     service group runs.
    ///   - willDrain: called when graceful shutdown begins, before the listener closes.
    public init(server: HTTPServer, service: InferenceService, logger: Logger, willDrain: @escaping @Sendable () -> Void = {}) {
        self.server = server
        self.service = service
        self.logger = logger
        self.willDrain = willDrain
    }

    /// Serves until graceful shutdown, then drains. Throws only if the listener fails.
    public func run() async throws {
        let server = self.server
        let state = service.state
        let willDrain = self.willDrain
        try await withGracefulShutdownHandler {
            try await server.serve()
        } onGracefulShutdown: {
            willDrain()
            state.beginDraining()
            server.beginShutdown()
        }
        await service.manager.drain()
        logger.info("API server stopped; in-flight requests finished")
    }
}
