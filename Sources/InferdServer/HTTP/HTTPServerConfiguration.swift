/// How the HTTP server listens and what it accepts. A plain value with documented defaults.
public struct HTTPServerConfiguration: Sendable, Equatable {
    /// Where to listen.
    public var target: ListenTarget
    /// Largest request body accepted, bytes. Default 64 MiB. A declared `Content-Length` above it is
    /// refused with 413 before any of the body is read; a chunked body is refused as soon as it
    /// crosses the limit. Either way the connection is then closed.
    public var maxBodyBytes: Int
    /// How long a graceful shutdown waits for in-flight requests before closing their connections.
    /// Default 30 seconds.
    public var shutdownGrace: Duration
    /// A connection idle this long while no answer is owed is closed (idle keep-alive connections,
    /// clients that never speak), and so is one whose request takes longer than this to arrive (slow
    /// senders). Default 60 seconds; nil never closes.
    public var idleTimeout: Duration?
    /// Connections served at once on this listener; more are answered `503` with `Retry-After` and
    /// closed as they arrive (each open connection may buffer a request body up to ``maxBodyBytes``).
    /// Default 512.
    public var maxConnections: Int
    /// Connections one client may hold open on this listener — a peer uid on a Unix socket, an IP
    /// address over TCP — so that one client's idle connections never keep the others out; more are
    /// answered `503` with `Retry-After`. Default a quarter of ``maxConnections`` (128).
    public var maxConnectionsPerClient: Int

    public static let defaultMaxBodyBytes = 64 << 20

    /// A quarter of `maxConnections`, at least 1.
    public static func defaultPerClient(_ maxConnections: Int) -> Int { max(1, maxConnections / 4) }

    public init(target: ListenTarget, maxBodyBytes: Int = HTTPServerConfiguration.defaultMaxBodyBytes,
                shutdownGrace: Duration = .seconds(30), idleTimeout: Duration? = .seconds(60), maxConnections: Int = 512,
                maxConnectionsPerClient: Int? = nil) {
        self.maxConnections = maxConnections
        self.maxConnectionsPerClient = maxConnectionsPerClient ?? Self.defaultPerClient(maxConnections)
        self.target = target
        self.maxBodyBytes = maxBodyBytes
        self.shutdownGrace = shutdownGrace
        self.idleTimeout = idleTimeout
    }
}
