import Core
import Dispatch
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// Rescans the models directory on SIGHUP (warm models that still exist stay warm), until graceful
/// shutdown.
public struct CatalogReloader: Service {
    let service: InferenceService
    let logger: Logger
    /// Called around each reload (for example to tell systemd `RELOADING=1` then `READY=1`).
    let willReload: @Sendable () -> Void
    let didReload: @Sendable () -> Void

    public init(service: InferenceService, logger: Logger,
                willReload: @escaping @Sendable () -> Void = {}, didReload: @escaping @Sendable () -> Void = {}) {
        self.service = service
        self.logger = logger
        self.willReload = willReload
        self.didReload = didReload
    }

    public func run() async throws {
        let (signals, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { continuation.yield() }
        source.resume()
        defer {
            source.cancel()
            continuation.finish()
        }
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                logger.info("SIGHUP: reloading the model catalog")
                willReload()
                do {
                    try await service.reloadCatalog()
                } catch {
                    logger.error("reload failed; keeping the previous catalog: \(error)")
                }
                didReload()
            }
        }
    }
}
