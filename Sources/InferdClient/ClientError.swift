import InferdWire

/// Why a request to inferd did not give the answer asked for. Callers switch on ``code``; people
/// read ``description``.
public struct ClientError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure it is, for callers that switch on it.
    public enum Code: String, Sendable, Equatable {
        /// Nothing answers at the endpoint: no socket file, a stale one (connection refused), no
        /// permission; for TCP also a refused connection, an unreachable network or an unknown host
        /// name. `inferctl` exits with 3.
        case daemonUnreachable
        /// The daemon answered with an error status; ``ClientError/status`` and ``ClientError/body``
        /// carry its answer. `inferctl` exits with 1.
        case requestFailed
        /// The answer is not HTTP/1.1 or not the JSON expected. `inferctl` exits with 1.
        case badResponse
        /// No complete answer within the client's timeout. `inferctl` exits with 1.
        case timedOut
    }

    /// See ``Code``.
    public let code: Code
    /// A message a person can act on.
    public let message: String
    /// The endpoint the request went to, as ``Endpoint/description`` writes it (`unix:/path`,
    /// `http://host:port`), or a bare socket path from callers that give one.
    public let endpoint: String
    /// The endpoint (kept for callers written when there were only sockets): same as ``endpoint``.
    public var socketPath: String { endpoint }
    /// The HTTP status, for `.requestFailed`.
    public let status: Int?
    /// The daemon's error body, for `.requestFailed` when it sent JSON.
    public let body: ErrorBody?

    /// An error of kind `code` with a message for people, about a request to `endpoint`.
    public init(_ code: Code, _ message: String, endpoint: String, status: Int? = nil, body: ErrorBody? = nil) {
        self.code = code
        self.message = message
        self.endpoint = endpoint
        self.status = status
        self.body = body
    }

    /// An error of kind `code` with a message for people, about a request to the socket at `socketPath`.
    public init(_ code: Code, _ message: String, socketPath: String, status: Int? = nil, body: ErrorBody? = nil) {
        self.init(code, message, endpoint: socketPath, status: status, body: body)
    }

    /// The message.
    public var description: String { message }

    /// The daemon is not running on `path`: the message says how to start it.
    static func notRunning(_ path: String, reason: String) -> ClientError {
        ClientError(.daemonUnreachable,
                    "inferd is not running on \(path) (\(reason)): start it with `inferd --socket \(path)`, "
                        + "or point --socket / INFERD_SOCKET at the socket of a running one",
                    socketPath: path)
    }

    /// Nothing answers at the TCP `endpoint`: the message names the URL and the reason.
    static func unreachable(_ endpoint: Endpoint, reason: String) -> ClientError {
        ClientError(.daemonUnreachable,
                    "cannot reach \(endpoint) (\(reason)): check the address and port, that the server listens there "
                        + "(inferd --listen tcp://HOST:PORT) and that no firewall is in the way",
                    endpoint: endpoint.description)
    }

    /// The daemon answered `status` with `body` (an ``ErrorBody`` when it is the API's JSON).
    static func failed(status: Int, body: [UInt8], endpoint: Endpoint) -> ClientError {
        let decoded = try? JSONCoding.decode(ErrorBody.self, from: body)
        let text = decoded?.error ?? String(decoding: body.prefix(500), as: UTF8.self)
        let code = decoded?.code.map { " [\($0.rawValue)]" } ?? ""
        let who = endpoint.isTCP ? "\(endpoint)" : "inferd"
        return ClientError(.requestFailed, "\(who) answered \(status)\(code): \(text.isEmpty ? "no message" : text)",
                           endpoint: endpoint.displayName,
                           status: status, body: decoded)
    }
}
