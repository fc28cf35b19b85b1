import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// HTTP/1.1 over a Unix socket, an inherited listening socket or TCP, on swift-nio. One server per
/// listener; the daemon runs one for its socket and one for each `--listen` address, all on one router.
///
/// ``bind()`` creates the listener; ``serve()`` accepts connections until ``beginShutdown()``, then
/// returns once every connection has finished its current request (or the grace period ran out).
/// Each connection is served by ``HTTPConnection`` in its own task; handlers run in Swift tasks,
/// never on the event loop, and blocking work inside them goes through ``BlockingWork``.
public final class HTTPServer: Sendable {
    typealias ServerChannel = NIOAsyncChannel<Accepted, Never>

    /// A connection as the listener hands it over: to serve, or already taken care of (being refused
    /// with a 503, or closed because the accept loop has ended).
    enum Accepted: Sendable {
        case serve(HTTPConnection.Channel, client: String)
        case handled
    }

    public let configuration: HTTPServerConfiguration
    private let router: Router
    private let logger: Logger
    private let inFlight: InFlightMemory?
    private let group: any EventLoopGroup
    private let state = Mutex(State())
    private let admission: ConnectionAdmission
    private let unclaimed = UnclaimedConnections()

    private struct State {
        var listener: ServerChannel?
        var socketIdentity: UnixSocketFile.Identity?
        var boundAddress: String?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var shuttingDown = false
    }

    /// - Parameters:
    ///   - inFlight: the cap on request data in flight that bodies are charged to (shared by every
    ///     listener); nil: bodies are bounded by ``HTTPServerConfiguration/maxBodyBytes`` only.
    ///   - group: event loops for the listener and connections; defaults to NIO's shared singleton.
    public init(configuration: HTTPServerConfiguration, router: Router, logger: Logger, inFlight: InFlightMemory? = nil,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
        self.inFlight = inFlight
        self.group = group
        admission = ConnectionAdmission(maxConnections: configuration.maxConnections,
                                        maxPerClient: configuration.maxConnectionsPerClient)
    }

    /// Starts listening. For a Unix path: prepares the path (stale socket replaced, live one refused),
    /// binds with mode 0660.
    ///
    /// - Returns: what was found at the path (for the start-up log line).
    /// - Throws: ``ListenError``.
    @discardableResult
    public func bind() async throws(ListenError) -> UnixSocketFile.Preparation {
        let bootstrap = ServerBootstrap(group: group)
            // Connections the kernel queues before accept. A burst larger than this gets EAGAIN
            // (Unix socket) or a dropped SYN (TCP) instead of a documented 503 from the admission
            // below, so it is generous; Linux caps it at net.core.somaxconn (4096 by default).
            .serverChannelOption(.backlog, value: 4096)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.maxMessagesPerRead, value: 16)
        let idleTimeout = configuration.idleTimeout
        let admission = self.admission
        let logger = self.logger
        let target = configuration.target
        let unclaimed = self.unclaimed
        let initializer: @Sendable (any Channel) -> EventLoopFuture<Accepted> = { channel in
            Self.clientIdentity(channel).flatMapThrowing { client in
                let decision = admission.admit(client, now: .now)
                if let refusal = decision.refusal {
                    let message = switch refusal {
                    case .listenerFull:
                        "the server has \(admission.maxConnections) connections open (server.max_connections); retry shortly"
                    case .clientFull:
                        "\(client) has \(admission.maxPerClient) connections open (server.max_connections_per_client); close idle ones or retry shortly"
                    }
                    if let count = decision.logRefusals {
                        logger.warning("refused \(count) connection(s) on \(target) with 503: \(message)", metadata: ["event": "connection-refused"])
                    }
                    try channel.pipeline.syncOperations.addHandler(ConnectionRefusal(message: message))
                    return .handled
                }
                channel.closeFuture.whenComplete { _ in admission.release(client) }
                let clock = idleTimeout.map { RequestClock(timeout: TimeAmount($0)) }
                if let clock {
                    try channel.pipeline.syncOperations.addHandler(RequestStartWatcher(clock: clock), position: .first)
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: clock.timeout), position: .first)
                }
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: false)
                try channel.pipeline.syncOperations.addHandler(ProtocolErrorHandler())
                if let clock { try channel.pipeline.syncOperations.addHandler(IdleConnectionCloser(clock: clock)) }
                guard let wrapped = try unclaimed.keep(channel, wrap: { try HTTPConnection.Channel(wrappingChannelSynchronously: $0) }) else {
                    channel.close(promise: nil)  // accepted as the listener closed: nobody will serve it
                    return .handled
                }
                return .serve(wrapped, client: client)
            }
        }
        switch configuration.target {
        case .unixPath(let path):
            let preparation = try UnixSocketFile.prepare(path)
            let listener: ServerChannel
            let previousMask = umask(0o117)
            do {
                listener = try await bootstrap.bind(unixDomainSocketPath: path, childChannelInitializer: initializer)
                umask(previousMask)
            } catch {
                umask(previousMask)
                if case let error as IOError = error, error.errnoCode == EADDRINUSE {
                    throw ListenError(.inUse, "another process is already serving on \(path) (is inferd running?); stop it or choose another --socket")
                }
                throw ListenError(.cannotListen, "cannot listen on \(path): \(error)")
            }
            let identity = try UnixSocketFile.finish(path)
            state.withLock {
                $0.listener = listener
                $0.socketIdentity = identity
            }
            return preparation
        case .tcp(let host, let port):
            let listener: ServerChannel
            do {
                listener = try await bootstrap
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .bind(host: host, port: port, childChannelInitializer: initializer)
            } catch {
                if case let error as IOError = error, error.errnoCode == EADDRINUSE {
                    throw ListenError(.inUse, "another process is already listening on \(configuration.target); stop it or choose another --listen port")
                }
                throw ListenError(.cannotListen, "cannot listen on \(configuration.target): \(error)")
            }
            let bound = listener.channel.localAddress.flatMap { address in
                address.port.map { ListenTarget.tcp(host: address.ipAddress ?? host, port: $0).description }
            } ?? configuration.target.description
            state.withLock {
                $0.listener = listener
                $0.boundAddress = bound
            }
            return .fresh
        case .inheritedFD(let fd):
            do {
                let listener = try await bootstrap.bind(NIOBSDSocket.Handle(fd), childChannelInitializer: initializer)
                state.withLock { $0.listener = listener }
            } catch {
                throw ListenError(.cannotListen, "cannot serve the inherited socket fd \(fd): \(error)")
            }
            return .fresh
        }
    }

    /// Accepts and serves connections until ``beginShutdown()``; returns when all have closed.
    /// Removes the socket file (if still ours) before returning.
    public func serve() async throws {
        guard let listener = state.withLock({ $0.listener }) else {
            preconditionFailure("HTTPServer.serve() called before bind()")
        }
        defer { removeSocketFile() }
        try await withThrowingDiscardingTaskGroup { group in
            var acceptError: (any Error)?
            do {
                try await listener.executeThenClose { inbound in
                    for try await accepted in inbound {
                        guard case .serve(let channel, _) = accepted, unclaimed.claim(channel) else { continue }
                        group.addTask { await self.serveConnection(channel) }
                    }
                }
            } catch {
                acceptError = error
            }
            // Accepted as the listener closed, never handed over: served like any other connection
            // (during shutdown, a request already sent is answered; an idle connection is closed).
            let orphans = unclaimed.close()
            if !orphans.isEmpty { logger.info("serving \(orphans.count) connection(s) accepted as the listener closed") }
            for channel in orphans {
                group.addTask { await self.serveConnection(channel) }
            }
            if let acceptError { throw acceptError }
        }
    }

    /// Stops accepting, lets each connection finish the request it is on (closing idle ones now), and
    /// closes whatever is still open after the grace period. Safe to call more than once.
    public func beginShutdown() {
        let (listener, connections, first) = state.withLock { state in
            let first = !state.shuttingDown
            state.shuttingDown = true
            return (state.listener, Array(state.connections.values), first)
        }
        guard first else { return }
        logger.info("stopping: no new connections; finishing in-flight requests")
        listener?.channel.close(promise: nil)
        for channel in connections { Self.quiesce(channel) }
        let grace = configuration.shutdownGrace
        let logger = self.logger
        Task { [weak self] in
            try? await Task.sleep(for: grace)
            guard let self else { return }
            let remaining = self.state.withLock { Array($0.connections.values) }
            if !remaining.isEmpty {
                logger.warning("shutdown grace period over; closing \(remaining.count) connection(s)")
            }
            for channel in remaining { channel.close(promise: nil) }
        }
    }

    /// What the listener is bound to, for logs and `/v1/status`: the socket path, or
    /// `tcp://HOST:PORT` with the port the kernel picked when the configured one was 0. Nil before
    /// ``bind()``.
    public var boundAddress: String? {
        state.withLock { state in
            guard state.listener != nil else { return nil }
            return state.boundAddress ?? configuration.target.description
        }
    }

    /// True once ``beginShutdown()`` was called.
    public var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    /// Number of open client connections.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    private func serveConnection(_ channel: HTTPConnection.Channel) async {
        let id = ObjectIdentifier(channel.channel)
        let quiesceNow = state.withLock { state in
            state.connections[id] = channel.channel
            return state.shuttingDown
        }
        if quiesceNow { Self.quiesce(channel.channel) }
        defer { _ = state.withLock { $0.connections.removeValue(forKey: id) } }
        var networked = false
        switch configuration.target {
        case .tcp: networked = true
        case .inheritedFD(let fd): networked = SocketActivation.tcpAddress(fd) != nil  // a passed TCP socket
        case .unixPath: break
        }
        let connection = HTTPConnection(channel: channel, router: router, maxBodyBytes: configuration.maxBodyBytes,
                                        inFlight: inFlight, networked: networked, logger: logger, shuttingDown: { [weak self] in self?.isShuttingDown ?? true })
        await connection.run()
    }

    /// Who is connecting, for ``ConnectionAdmission``: `uid N` from `SO_PEERCRED` on a Unix socket,
    /// the IP address over TCP.
    private static func clientIdentity(_ channel: any Channel) -> EventLoopFuture<String> {
        if let address = channel.remoteAddress, let ip = address.ipAddress {
            return channel.eventLoop.makeSucceededFuture(ip)
        }
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture("unknown")
        }
        let future: EventLoopFuture<PeerCredentials.RawCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return future.map { "uid \($0.uid)" }.recover { _ in "unknown" }
    }

    /// Asks the connection's HTTP pipeline to close once the current request has been answered.
    private static func quiesce(_ channel: any Channel) {
        channel.eventLoop.execute {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }

    private func removeSocketFile() {
        guard case .unixPath(let path) = configuration.target,
              let identity = state.withLock({ $0.socketIdentity }) else { return }
        UnixSocketFile.remove(path, identity: identity)
    }
}
