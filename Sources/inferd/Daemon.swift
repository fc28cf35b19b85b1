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
        // The offload transport keeps connections open; AsyncHTTPClient wants an explicit shutdown
        // whichever way the daemon stops (a failed start included).
        let transport = PooledHTTPTransport(maxConnectionsPerRemote: configuration.offload.maxInFlight)
        do {
            try await serve(transport: transport)
        } catch {
            await transport.shutdown()
            throw error
        }
        await transport.shutdown()
    }

    private func serve(transport: PooledHTTPTransport) async throws {
        let notifier = SystemdNotifier()
        /// Every passed socket, the primary one (the first Unix socket with a path, else the first) in front.
        let activated: [SocketActivation.Listener]
        do {
            let passed = try SocketActivation.inheritedListeners()
            let primary = passed.firstIndex { $0.path != nil } ?? 0
            activated = passed.isEmpty ? [] : [passed[primary]] + passed.enumerated().filter { $0.offset != primary }.map(\.element)
        } catch {
            throw fail(error.message, status: ExitStatus.listen)
        }
        let inherited = activated.first
        let socketLocation = configuration.socketPath.map { SocketLocation(path: $0, source: .explicit) }
            ?? DefaultPaths.socket(environment: environment)
        let configuredSocket = socketLocation.path
        if inherited == nil, socketLocation.source == .temporary {
            do {
                try SocketTrust.preparePrivateDirectory(SocketLocation.temporaryDirectory(userID: geteuid()), userID: geteuid(), create: true)
            } catch {
                throw fail(error.message, status: ExitStatus.listen)
            }
        }
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
        var configuredLoader = ModelLoader(engine: engine, options: options, queueLimit: configuration.queueLimit,
                                           calibrationImages: CalibrationImages.read(configuration.calibrationDirectory, logger: logger),
                                           logger: Logger(label: "inferd.engine"))
        // Measured accounting charges each model's footprint, measured once in a separate process (a
        // figure that does not drift with this process's history), once it is known.
        let footprints = lifecycle.sizeAccounting == .measured ? FootprintMeter(logger: Logger(label: "inferd.footprint")) : nil
        configuredLoader.footprints = footprints
        configuredLoader.performanceHints = configuration.modelPerformanceHints
        configuredLoader.adaptiveStreams = configuration.adaptiveStreams
        for name in configuration.modelPerformanceHints.keys.sorted() where catalog[name] == nil {
            logger.warning("engine.model_performance_hint names no model in the models directory (yet)", metadata: ["model": "\(name)"])
        }
        let loader = configuredLoader
        // Bounded threads: decoding and tensor preparation on one worker per core behind a bounded
        // queue (inference itself is asynchronous, bounded by each model's infer requests); reading and
        // compiling models on lifecycle.parallel_loads more (the manager's load gate admits that many
        // loads of models whose footprint is known, and a first load alone).
        let compute = ComputePool(name: "compute", queueLimit: configuration.limits.maxQueued)
        let loading = ComputePool(name: "loader", threads: lifecycle.parallelLoads, queueLimit: 256)
        do {
            let warmUpMs = try await loading.run(deadline: nil) { try loader.warmUpEngine() }
            logger.debug("engine warm-up took \(String(format: "%.0f", warmUpMs)) ms")
        } catch {
            throw fail("OpenVINO cannot compile for \(options.device): \(error)", status: ExitStatus.runtime)
        }
        let metrics = DaemonMetrics()
        // A throughput companion compiles on the loader thread too, behind the manager's load gate.
        var companionLoader: ModelManager<LoadedModel>.CompanionLoader?
        if configuration.adaptiveStreams {
            companionLoader = { model in try await loading.run(deadline: nil) { try loader.buildCompanion(for: model) } }
        }
        let manager = ModelManager<LoadedModel>(
            catalog: catalog, configuration: lifecycle,
            // Every load ends with a warm-up inference: the infer request's buffers then count in the
            // model's measured size, and the request that paid the cold start computes at warm speed.
            loader: { bundle, _ in
                let watch = Stopwatch()
                do {
                    let model = try await loading.run(deadline: nil) { try loader.load(bundle, warmUp: true) }
                    metrics.observeLoad(model: bundle.name, seconds: watch.elapsedMilliseconds / 1000, succeeded: true)
                    return model
                } catch {
                    metrics.observeLoad(model: bundle.name, seconds: watch.elapsedMilliseconds / 1000, succeeded: false)
                    throw error
                }
            },
            companionLoader: companionLoader,
            logger: Logger(label: "inferd.lifecycle"))
        if let footprints {
            footprints.onMeasured { bundle, bytes in Task { await manager.recordFootprint(bundle.name, bytes: bytes, of: bundle) } }
            for bundle in catalog.bundles.values {
                if let bytes = loader.knownFootprint(of: bundle) { await manager.recordFootprint(bundle.name, bytes: bytes) }
            }
        }
        let state = DaemonState(startup: startup, socketActivated: inherited != nil,
                                startupOffsetMilliseconds: startupOffsetMilliseconds)
        // The engine and its device plugin are loaded and warmed up, no model yet: the daemon's base.
        state.setBaseResidentBytes(ProcessMemory.residentBytes())
        let service = InferenceService(manager: manager, catalog: catalog, engine: engine, engineOptions: options,
                                       limits: configuration.effectiveLimits, state: state, compute: compute, loading: loading,
                                       logger: Logger(label: "inferd.api"), metrics: metrics)
        let token: AdminToken?
        do {
            token = try configuration.adminTokenFile.map { (path) throws(ConfigurationError) in try AdminToken.read(from: path) }
        } catch {
            throw fail("configuration: \(error.message)", status: ExitStatus.usage)
        }
        let offloader: OffloadingClassifier?
        do {
            offloader = try makeOffloader(service, transport: transport)
        } catch {
            throw fail("configuration: \(error.message)", status: ExitStatus.usage)
        }
        let router = APIRoutes.router(service, access: AdminAccess(groupName: configuration.adminGroup, token: token,
                                                                    logger: Logger(label: "inferd.access")),
                                      offloader: offloader)
        let maxBody = configuration.limits.maxBodyBytes
        let grace = Duration.milliseconds(Int64(configuration.shutdownGrace * 1000))
        let idle: Duration? = configuration.idleTimeout > 0 ? .milliseconds(Int64(configuration.idleTimeout * 1000)) : nil
        let targets = (activated.isEmpty ? [.unixPath(configuredSocket)] : activated.map { ListenTarget.inheritedFD($0.fd) }) + configuration.listen
        let servers = targets.map { target in
            HTTPServer(configuration: HTTPServerConfiguration(target: target, maxBodyBytes: maxBody, shutdownGrace: grace,
                                                              idleTimeout: idle, maxConnections: configuration.maxConnections,
                                                              maxConnectionsPerClient: configuration.maxConnectionsPerClient),
                       router: router, logger: Logger(label: "inferd.http"), inFlight: service.inFlight)
        }

        let preparation: UnixSocketFile.Preparation
        do {
            preparation = try await servers[0].bind()
            for server in servers.dropFirst() { try await server.bind() }
        } catch {
            throw fail(error.message, status: ExitStatus.listen)
        }
        let listeners = servers.enumerated().map { index, server in
            if index < activated.count { return activated[index].description }
            guard index > 0 else { return "unix:" + configuredSocket }
            return server.boundAddress ?? "\(server.configuration.target)"
        }
        state.setListeners(listeners)
        let engineText = "threads=\(options.threads == 0 ? "all" : String(options.threads)) precision=\(options.precision.rawValue) hint=\(options.performanceHint.rawValue.lowercased())\(configuration.modelPerformanceHints.isEmpty ? "" : " (" + configuration.modelPerformanceHints.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rawValue.lowercased())" }.joined(separator: ", ") + ")")\(options.performanceHint == .latency && configuration.adaptiveStreams ? " adaptive-streams" : "") cache=\(options.cacheDirectory ?? "none")"
        logger.info("""
            inferd \(InferenceService.version) listening on \(socketPath)\(inherited != nil ? " (socket-activated)" : "")\
            \(preparation == .replacedStale ? " (replaced a stale socket file)" : ""); \
            models in \(catalog.directory): \(catalog.names.isEmpty ? "none" : catalog.names.joined(separator: ", ")) \
            (\(catalog.problems.count) problem(s)); engine \(engineText) on \(deviceName); OpenVINO \(Engine.version); \
            budget \(formatBytes(lifecycle.budget.bytes)) (\(lifecycle.budget.source)), policy \(lifecycle.policy.rawValue)\
            \((lifecycle.pinned + lifecycle.preload).isEmpty ? "" : ", preload " + (lifecycle.pinned + lifecycle.preload).joined(separator: ", ")); \
            max body \(formatBytes(Int64(configuration.limits.maxBodyBytes))), in flight \(formatBytes(Int64(configuration.limits.maxInFlightBytes))); admin group \(configuration.adminGroup)\
            \(AdminAccess.groupID(configuration.adminGroup) == nil ? " (no such group: only root and uid \(geteuid()) may manage models)" : "")
            """)
        for listener in activated {
            logger.info("socket-activated: serving fd \(listener.fd)\(listener.name.map { " (FileDescriptorName=\($0))" } ?? "") on \(listener)\(listener.isNetworked ? (token == nil ? " (admin calls refused: no admin token)" : " (admin calls need the bearer token)") : "")")
        }
        for (target, address) in zip(targets, listeners).dropFirst(max(1, activated.count)) {
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
        defer { footprints?.stop() }
        do {
            try await group.run()
        } catch {
            throw fail("stopped on an error: \(error)", status: ExitStatus.running)
        }
        logger.info("stopped")
    }

    /// The hybrid-offload classifier when remotes are configured: each remote's token read now.
    private func makeOffloader(_ service: InferenceService, transport: PooledHTTPTransport) throws(ConfigurationError) -> OffloadingClassifier? {
        let offload = configuration.offload
        guard offload.isEnabled else { return nil }
        var tokens: [String: String] = [:]
        for remote in offload.remotes {
            guard let path = remote.tokenFile else { continue }
            let token: String
            do {
                token = try SecretFile.read(path, what: "token file of offload remote \(remote.url)")
            } catch {
                throw ConfigurationError(.unreadableFile, error.message)
            }
            guard NetworkNames.isHeaderSafeToken(token) else {
                throw ConfigurationError(.invalidValue, "the token file \(path) of offload remote \(remote.url) must hold one token without spaces or control characters")
            }
            tokens[remote.url] = token
        }
        let offloader = try OffloadingClassifier(service: service, configuration: offload, tokens: tokens, transport: transport,
                                                 logger: Logger(label: "inferd.offload"))
        logger.info("offloading \(offload.effectiveMode.rawValue) to \(offload.remotes.map { $0.models.isEmpty ? $0.url : "\($0.url) (\($0.models.joined(separator: ",")))" }.joined(separator: ", ")); remote timeout \(offload.timeoutMilliseconds) ms, at most \(offload.maxInFlight) in flight per remote")
        return offloader
    }

    private func fail(_ message: String, status: Int32) -> ExitCode {
        InferdCommand.fail(message, status: status)
    }
}
