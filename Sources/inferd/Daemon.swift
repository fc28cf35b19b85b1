import ArgumentParser
import Core
import Foundation
import InferdServer
import Logging
import ServiceLifecycle

/// Puts the daemon together from a resolved configuration: runtime, catalog, lifecycle manager,
/// domain service, routes, listener; then runs the service group until graceful shutdown.
///
/// Every start-up failure is reported in one line and becomes the documented exit code.
struct Daemon {
    let configuration: DaemonConfiguration
    let environment: [String: String]
    let startup: Stopwatch
    let logger: Logger

    func run() async throws {
        let socketPath = configuration.socketPath ?? DefaultPaths.socket(environment: environment)
        let modelsDirectory = configuration.modelsDirectory ?? DefaultPaths.models(environment: environment)

        let engine: Engine
        let deviceName: String
        do {
            engine = try Engine()
            // Load the device plugin before any model, so it counts in the daemon's base memory and not
            // in the first model's measured size.
            deviceName = try engine.prepareDevice(configuration.engine.device)
        } catch {
            throw fail("cannot start OpenVINO: \(error)", status: ExitStatus.runtime)
        }
        let catalog: ModelCatalog
        do {
            catalog = try ModelCatalog.scan(modelsDirectory)
        } catch {
            throw fail("models directory: \(error)", status: ExitStatus.usage)
        }
        let lifecycle: LifecycleConfiguration
        do {
            lifecycle = try configuration.lifecycle()
        } catch {
            throw fail("configuration: \(error.message)", status: ExitStatus.usage)
        }
        do {
            try lifecycle.validate(against: catalog)
        } catch {
            throw fail("configuration: \(error.message)", status: ExitStatus.usage)
        }

        let options = configuration.engine
        let loader = ModelLoader(engine: engine, options: options)
        do {
            let warmUpMs = try await BlockingWork.run { try loader.warmUpEngine() }
            logger.debug("engine warm-up took \(String(format: "%.0f", warmUpMs)) ms")
        } catch {
            throw fail("OpenVINO cannot compile for \(options.device): \(error)", status: ExitStatus.runtime)
        }
        let manager = ModelManager<LoadedModel>(
            catalog: catalog, configuration: lifecycle,
            // Every load ends with a warm-up inference: the infer request's buffers then count in the
            // model's measured size, and the request that paid the cold start computes at warm speed.
            loader: { bundle, _ in try await BlockingWork.run { try loader.load(bundle, warmUp: true) } },
            logger: Logger(label: "inferd.lifecycle"))
        let state = DaemonState(startup: startup)
        let service = InferenceService(manager: manager, catalog: catalog, engine: engine, engineOptions: options,
                                       limits: configuration.limits, state: state, logger: Logger(label: "inferd.api"))
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(target: .unixPath(socketPath), maxBodyBytes: configuration.limits.maxBodyBytes,
                                                   shutdownGrace: .milliseconds(Int64(configuration.shutdownGrace * 1000))),
            router: APIRoutes.router(service), logger: Logger(label: "inferd.http"))

        let preparation: UnixSocketFile.Preparation
        do {
            preparation = try await server.bind()
        } catch {
            throw fail(error.message, status: ExitStatus.listen)
        }

        let engineText = "threads=\(options.threads == 0 ? "all" : String(options.threads)) precision=\(options.precision.rawValue) hint=\(options.performanceHint.rawValue.lowercased()) cache=\(options.cacheDirectory ?? "none")"
        logger.info("""
            inferd \(InferenceService.version) listening on \(socketPath)\(preparation == .replacedStale ? " (replaced a stale socket file)" : ""); \
            models in \(catalog.directory): \(catalog.names.isEmpty ? "none" : catalog.names.joined(separator: ", ")) \
            (\(catalog.problems.count) problem(s)); engine \(engineText) on \(deviceName); OpenVINO \(Engine.version); \
            budget \(formatBytes(lifecycle.budget.bytes)) (\(lifecycle.budget.source)), policy \(lifecycle.policy.rawValue)\
            \((lifecycle.pinned + lifecycle.preload).isEmpty ? "" : ", preload " + (lifecycle.pinned + lifecycle.preload).joined(separator: ", ")); \
            max body \(configuration.limits.maxBodyBytes) bytes
            """)
        for problem in catalog.problems {
            logger.warning("catalog problem: \(problem)")
        }

        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [
                .init(service: LifecycleTicker(manager: manager), serviceName: "lifecycle-ticker"),
                .init(service: CatalogReloader(service: service, logger: logger), serviceName: "catalog-reloader"),
                .init(service: PreloadService(service: service, logger: logger), successTerminationBehavior: .ignore,
                      serviceName: "preload"),
                .init(service: APIServerService(server: server, service: service, logger: logger), serviceName: "api-server"),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: Logger(label: "inferd.services")))
        do {
            try await group.run()
        } catch {
            throw fail("stopped on an error: \(error)", status: ExitStatus.running)
        }
        logger.info("stopped")
    }

    private func fail(_ message: String, status: Int32) -> ExitCode {
        InferdCommand.fail(message, status: status)
    }
}
