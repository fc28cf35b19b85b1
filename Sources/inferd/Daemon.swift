import ArgumentParser
import Core
import Foundation
import InferdRuntime
import InferdServer
import InferdWire
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
    /// The process's age when `startup` started, ms (see ``ProcessAge``).
    let startupOffsetMilliseconds: Double
    let logger: Logger

    func run() async throws {
        let notifier = SystemdNotifier()
        let inherited: SocketActivation.Listener?
        do {
            inherited = try SocketActivation.inheritedListener()
        } catch {
            throw fail(error.message, status: ExitStatus.listen)
        }
        let configuredSocket = configuration.socketPath ?? DefaultPaths.socket(environment: environment)
        /// The path clients use (the passed socket's own path when socket-activated), for logs and the watchdog.
        let socketPath = inherited.map { $0.path ?? "fd \($0.fd)" } ?? configuredSocket
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
        let state = DaemonState(startup: startup, socketActivated: inherited != nil,
                                startupOffsetMilliseconds: startupOffsetMilliseconds)
        let service = InferenceService(manager: manager, catalog: catalog, engine: engine, engineOptions: options,
                                       limits: configuration.limits, state: state, logger: Logger(label: "inferd.api"))
        let token: AdminToken?
        do {
            token = try configuration.adminTokenFile.map { (path) throws(ConfigurationError) in try AdminToken.read(from: path) }
        } catch {
            throw fail("configuration: \(error.message)", status: ExitStatus.usage)
        }
        let offloader: OffloadingClassifier?
        do {
            offloader = try makeOffloader(service)
        } catch {
            throw fail("configuration: \(error.message)", status: ExitStatus.usage)
        }
        let router = APIRoutes.router(service, access: AdminAccess(groupName: configuration.adminGroup, token: token,
                                                                    logger: Logger(label: "inferd.access")),
                                      offloader: offloader)
        let maxBody = configuration.limits.maxBodyBytes
        let grace = Duration.milliseconds(Int64(configuration.shutdownGrace * 1000))
        let idle: Duration? = configuration.idleTimeout > 0 ? .milliseconds(Int64(configuration.idleTimeout * 1000)) : nil
        let targets = [inherited.map { ListenTarget.inheritedFD($0.fd) } ?? .unixPath(configuredSocket)] + configuration.listen
        let servers = targets.map { target in
            HTTPServer(configuration: HTTPServerConfiguration(target: target, maxBodyBytes: maxBody, shutdownGrace: grace,
                                                              idleTimeout: idle, maxConnections: configuration.maxConnections),
                       router: router, logger: Logger(label: "inferd.http"))
        }

        let preparation: UnixSocketFile.Preparation
        do {
            preparation = try await servers[0].bind()
            for server in servers.dropFirst() { try await server.bind() }
        } catch {
            throw fail(error.message, status: ExitStatus.listen)
        }
        let listeners = servers.enumerated().map { index, server in
            guard index > 0 else { return inherited.map { $0.path.map { "unix:" + $0 } ?? "fd \($0.fd)" } ?? "unix:" + configuredSocket }
            return server.boundAddress ?? "\(server.configuration.target)"
        }
        state.setListeners(listeners)
        let engineText = "threads=\(options.threads == 0 ? "all" : String(options.threads)) precision=\(options.precision.rawValue) hint=\(options.performanceHint.rawValue.lowercased()) cache=\(options.cacheDirectory ?? "none")"
        logger.info("""
            inferd \(InferenceService.version) listening on \(socketPath)\(inherited != nil ? " (socket-activated)" : "")\
            \(preparation == .replacedStale ? " (replaced a stale socket file)" : ""); \
            models in \(catalog.directory): \(catalog.names.isEmpty ? "none" : catalog.names.joined(separator: ", ")) \
            (\(catalog.problems.count) problem(s)); engine \(engineText) on \(deviceName); OpenVINO \(Engine.version); \
            budget \(formatBytes(lifecycle.budget.bytes)) (\(lifecycle.budget.source)), policy \(lifecycle.policy.rawValue)\
            \((lifecycle.pinned + lifecycle.preload).isEmpty ? "" : ", preload " + (lifecycle.pinned + lifecycle.preload).joined(separator: ", ")); \
            max body \(configuration.limits.maxBodyBytes) bytes; admin group \(configuration.adminGroup)\
            \(AdminAccess.groupID(configuration.adminGroup) == nil ? " (no such group: only root and uid \(geteuid()) may manage models)" : "")
            """)
        for (target, address) in zip(targets, listeners).dropFirst() {
            logger.info("also listening on \(address)\(token == nil ? " (admin calls over TCP refused: no admin token)" : " (admin calls need the bearer token)")")
            if !target.isLoopback {
                logger.notice("\(address) is reachable from other hosts: classification is open to them, unencrypted (no TLS); put a TLS proxy in front for untrusted networks")
            }
        }
        if let inherited, configuration.socketPath != nil, inherited.path != configuredSocket {
            logger.notice("socket-activated: serving the passed socket, not the configured \(configuredSocket)")
        }
        for problem in catalog.problems {
            logger.warning("catalog problem: \(problem)")
        }

        // systemd: READY=1 after the preload, RELOADING=1 … READY=1 around SIGHUP, STOPPING=1 at
        // SIGTERM, STATUS= kept current, WATCHDOG=1 while the daemon proves it answers.
        let statusLine: @Sendable () async -> String = { await manager.status().summaryLine }
        var checks = [SelfCheck.lifecycle(manager)]
        if let inherited, inherited.path == nil {
            checks.append(SelfCheck.eventLoops())  // an unnamed passed socket: nothing to connect to
        } else {
            checks.append(SelfCheck.http(socketPath: inherited?.path ?? configuredSocket))
        }
        if let timeout = notifier.watchdogTimeout {
            logger.info("systemd watchdog enabled: WATCHDOG_USEC \(Stopwatch.milliseconds(timeout) / 1000) s")
        }
        let pressureThresholds = configuration.pressure
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [
                .init(service: WatchdogService(interval: notifier.watchdogInterval, checks: checks, ping: notifier.watchdog,
                                               isStopping: { state.isDraining }, logger: Logger(label: "inferd.watchdog")),
                      successTerminationBehavior: .ignore, serviceName: "watchdog"),
                .init(service: SystemdStatusService(notifier: notifier, manager: manager, state: state),
                      successTerminationBehavior: .ignore, serviceName: "systemd-status"),
                .init(service: LifecycleTicker(manager: manager), serviceName: "lifecycle-ticker"),
                .init(service: PressureService(monitor: PressureMonitor(thresholds: pressureThresholds), manager: manager,
                                               logger: Logger(label: "inferd.pressure")),
                      serviceName: "pressure"),
                .init(service: CatalogReloader(service: service, logger: logger,
                                               willReload: { notifier.reloading() },
                                               didReload: { notifier.ready(status: await statusLine()) }),
                      serviceName: "catalog-reloader"),
                .init(service: PreloadService(service: service, logger: logger,
                                              onReady: { notifier.ready(status: await statusLine()) }),
                      successTerminationBehavior: .ignore, serviceName: "preload"),
                .init(service: APIServerService(servers: servers, service: service, logger: logger,
                                                willDrain: { notifier.stopping() }),
                      serviceName: "api-server"),
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

    /// The hybrid-offload classifier when remotes are configured: each remote's token read now.
    private func makeOffloader(_ service: InferenceService) throws(ConfigurationError) -> OffloadingClassifier? {
        let offload = configuration.offload
        guard offload.isEnabled else { return nil }
        var tokens: [String: String] = [:]
        for remote in offload.remotes {
            guard let path = remote.tokenFile else { continue }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError(.unreadableFile, "cannot read the token file \(path) of offload remote \(remote.url)")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard NetworkNames.isHeaderSafeToken(token) else {
                throw ConfigurationError(.invalidValue, "the token file \(path) of offload remote \(remote.url) must hold one token without spaces or control characters")
            }
            tokens[remote.url] = token
        }
        let offloader = try OffloadingClassifier(service: service, configuration: offload, tokens: tokens, logger: Logger(label: "inferd.offload"))
        logger.info("offloading \(offload.effectiveMode.rawValue) to \(offload.remotes.map { $0.models.isEmpty ? $0.url : "\($0.url) (\($0.models.joined(separator: ",")))" }.joined(separator: ", ")); remote timeout \(offload.timeoutMilliseconds) ms")
        return offloader
    }

    private func fail(_ message: String, status: Int32) -> ExitCode {
        InferdCommand.fail(message, status: status)
    }
}
