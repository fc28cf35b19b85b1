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
    typealias ServerChannel = NIOAsyncChannel<HTTPConnection.Channel, Never>

    public let configuration: HTTPServerConfiguration
    private let router: Router
    private let logger: Logger
    private let group: any EventLoopGroup
    private let state = Mutex(State())

    private struct State {
        var listener: ServerChannel?
        var socketIdentity: UnixSocketFile.Identity?
        var boundAddress: String?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var shuttingDown = false
    }

    /// - Parameters:
    ///   - group: event loops for the listener and connections; defaults to NIO's shared singleton.
    public init(configuration: HTTPServerConfiguration, router: Router, logger: Logger,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
        self.group = group
    }

    /// Starts listening. For a Unix path: prepares the path (stale socket replaced, live one refused),
    /// binds with mode 0660.
    ///
    /// - Returns: what was found at the path (for the start-up log line).
    /// - Throws: ``ListenError``.
    @discardableResult
    public func bind() async throws(ListenError) -> UnixSocketFile.Preparation {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.maxMessagesPerRead, value: 16)
        let idleTimeout = configuration.idleTimeout
        let initializer: @Sendable (any Channel) -> EventLoopFuture<HTTPConnection.Channel> = { channel in
            channel.eventLoop.makeCompletedFuture {
                let clock = idleTimeout.map { RequestClock(timeout: TimeAmount($0)) }
                if let clock {
                    try channel.pipeline.syncOperations.addHandler(RequestStartWatcher(clock: clock), position: .first)
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: clock.timeout), position: .first)
                }
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: false)
                try channel.pipeline.syncOperations.addHandler(ProtocolErrorHandler())
                if let clock { try channel.pipeline.syncOperations.addHandler(IdleConnectionCloser(clock: clock)) }
                return try HTTPConnection.Channel(wrappingChannelSynchronously: channel)
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
            try await listener.executeThenClose { inbound in
                for try await channel in inbound {
                    group.addTask { await self.serveConnection(channel) }
                }
            }
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
        let (quiesceNow, full) = state.withLock { state in
            guard state.connections.count < configuration.maxConnections else { return (false, true) }
            state.connections[id] = channel.channel
            return (state.shuttingDown, false)
        }
        if full {
            logger.warning("refused a connection on \(configuration.target): \(configuration.maxConnections) are open (server.max_connections)",
                           metadata: ["event": "connection-refused"])
            try? await channel.channel.close()
            return
        }
        if quiesceNow { Self.quiesce(channel.channel) }
        defer { _ = state.withLock { $0.connections.removeValue(forKey: id) } }
        var networked = false
        if case .tcp = configuration.target { networked = true }
        let connection = HTTPConnection(channel: channel, router: router, maxBodyBytes: configuration.maxBodyBytes,
                                        networked: networked, logger: logger, shuttingDown: { [weak self] in self?.isShuttingDown ?? true })
        await connection.run()
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
