import Dispatch
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// Rescans the models directory on SIGHUP (warm models that still exist stay warm), until graceful
/// shutdown.
///
/// SIGHUP is trapped from the moment the reloader is created (before the service group starts), so
/// a SIGHUP that arrives while the daemon is starting is kept and acted on, never fatal.
public struct CatalogReloader: Service {
    let service: InferenceService
    let logger: Logger
    /// Called around each reload (for example to tell systemd `RELOADING=1` then `READY=1`).
    let willReload: @Sendable () -> Void
    let didReload: @Sendable () async -> Void
    private let trap: SignalTrap

    /// Traps SIGHUP from now on; `willReload`/`didReload` run around each reload.
    public init(service: InferenceService, logger: Logger,
                willReload: @escaping @Sendable () -> Void = {}, didReload: @escaping @Sendable () async -> Void = {}) {
        self.service = service
        self.logger = logger
        self.willReload = willReload
        self.didReload = didReload
        trap = SignalTrap(SIGHUP)
    }

    /// Reloads on each SIGHUP until graceful shutdown. A failed rescan is logged and the previous
    /// catalog kept; never throws.
    public func run() async throws {
        defer { trap.cancel() }
        await cancelWhenGracefulShutdown {
            for await _ in trap.signals {
                logger.info("SIGHUP: reloading the model catalog")
                willReload()
                do {
                    try await service.reloadCatalog()
                } catch {
                    logger.error("reload failed; keeping the previous catalog: \(error)")
                }
                await didReload()
            }
        }
    }
}

/// Turns deliveries of one signal into an async stream (the signal's default action is disabled).
/// Deliveries that arrive while the previous one is being handled collapse into one.
final class SignalTrap: @unchecked Sendable {
    let signals: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let source: any DispatchSourceSignal

    init(_ number: Int32) {
        (signals, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        signal(number, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        let continuation = self.continuation
        source.setEventHandler { continuation.yield() }
        source.resume()
    }

    /// Stops trapping (the signal stays ignored) and ends the stream.
    func cancel() {
        source.cancel()
        continuation.finish()
    }
}
