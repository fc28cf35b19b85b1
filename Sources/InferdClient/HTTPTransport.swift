import Core

/// One HTTP/1.1 request as an ``InferdClient`` hands it to its transport: the endpoint, the request
/// line, the body and the header fields (the bearer token already among them).
public struct HTTPExchange: Sendable {
    /// Where to send it.
    public var endpoint: Endpoint
    /// `GET`, `POST`, `PUT`.
    public var method: String
    /// The path and query (`/v1/models/nin/classify?top=5`).
    public var target: String
    /// The body (empty for none).
    public var body: [UInt8]
    /// `Content-Type`, when there is a body.
    public var contentType: String?
    /// Further header fields (`Authorization`, `Inference-Header-Content-Length`, …).
    public var headers: [(name: String, value: String)]
}

/// How an ``InferdClient`` moves one exchange: the client builds requests and understands answers
/// (inferd's and the Open Inference Protocol's), the transport only carries bytes. inferctl uses the
/// blocking ``SocketTransport`` (a connection per exchange, phases timed at the system calls); the
/// daemon injects a non-blocking one that keeps connections open per remote.
public protocol HTTPTransport: Sendable {
    /// Sends `exchange` and returns the complete answer, whatever its status, with its timings.
    ///
    /// - Parameter deadline: the whole exchange (connecting, sending, waiting, receiving) ends by then.
    /// - Throws: ``ClientError``: `.daemonUnreachable` when no connection can be made, `.timedOut`
    ///   past `deadline`, `.badResponse` for an answer that is not HTTP/1.x, ends early or is larger
    ///   than ``HTTPExchange/maxResponseBytes``.
    func exchange(_ exchange: HTTPExchange, deadline: ContinuousClock.Instant) async throws(ClientError) -> HTTPResponse
}

extension HTTPExchange {
    /// The largest answer accepted, bytes (classify and infer answers are kilobytes; a server that
    /// sends more is broken or hostile).
    public static let maxResponseBytes = 64 << 20

    /// Who answers, for messages: "inferd on /run/inferd/inferd.sock" or "http://host:port".
    public var peer: String {
        switch endpoint {
        case .unix(let path): "inferd on \(path)"
        case .tcp: endpoint.description
        }
    }
}

/// The client's answer type under a name that does not collide with a server's own `HTTPResponse`
/// (for transports written in a module that has one).
public typealias TransportResponse = HTTPResponse
