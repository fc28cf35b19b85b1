import Core
import Logging
import ServiceLifecycle

/// The API server as a service: serves until graceful shutdown, then stops accepting, lets in-flight
/// requests finish (their connections close after the answer), and drains the model manager.
public struct APIServerService: Service {
    let server: HTTPServer
    let service: InferenceService
    let logger: Logger

    /// - Parameter server: already bound (see ``HTTPServer/bind()``), so start-up errors surface
    ///   before the service group runs.
    public init(server: HTTPServer, service: InferenceService, logger: Logger) {
        self.server = server
        self.service = service
        self.logger = logger
    }

    /// Serves until graceful shutdown, then drains. Throws only if the listener fails.
    public func run() async throws {
        let server = self.server
        let state = service.state
        try await withGracefulShutdownHandler {
            try await server.serve()
        } onGracefulShutdown: {
            state.beginDraining()
            server.beginShutdown()
        }
        await service.manager.drain()
        logger.info("API server stopped; in-flight requests finished")
    }
}
