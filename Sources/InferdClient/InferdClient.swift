import Core
import InferdWire

/// A client of inferd's HTTP/1.1 API over its Unix socket or over TCP (a remote inferd, or another
/// Open Inference Protocol server for the `/v2` calls).
///
/// Every call opens a connection, sends one request and reads the whole answer on a Dispatch worker
/// (``BlockingWork``), so awaiting it never blocks Swift's cooperative threads; concurrent calls run
/// in parallel on their own connections. See ``SocketTransport`` for why the exchange uses plain
/// POSIX sockets rather than SwiftNIO.
///
/// Errors are ``ClientError``: `.daemonUnreachable` when nothing listens at the endpoint (or, for
/// TCP, the host is unknown or unreachable),
/// `.requestFailed` with the daemon's status and ``ErrorBody`` for an error answer, `.badResponse`
/// when the answer cannot be understood, `.timedOut` after ``timeout``. Cancelling the calling task
/// does not interrupt an exchange already started; it ends at the latest after ``timeout``.
public struct InferdClient: Sendable {
    /// How long one send or receive may block: 5 minutes by default (the first request for a large
    /// model pays its compile).
    public static let defaultTimeout: Duration = .seconds(300)

    /// A keep-alive setting for a model (`PUT /v1/models/{name}/keep-alive`).
    public enum KeepAlive: Sendable, Equatable {
        /// Unload after this many idle seconds; 0 unloads right after each request.
        case seconds(Double)
        /// The daemon's configured default (`{"seconds": null}`).
        case daemonDefault
        /// Never unload for idleness (`{"seconds": -1}`).
        case forever
    }

    /// The level of a trim request (`POST /v1/trim?level=`), as Android's `onTrimMemory`.
    public enum TrimLevel: String, Sendable, CaseIterable {
        /// Evict cached models down to the low watermark.
        case moderate
        /// Evict everything but pinned models and models with requests in flight.
        case critical
    }

    /// Where requests go.
    public let endpoint: Endpoint
    /// Sent as `Authorization: Bearer <token>` with every request when set (a remote inferd asks for
    /// it on admin routes over TCP).
    public let token: String?
    /// See ``defaultTimeout``.
    public let timeout: Duration

    /// The socket path for a Unix endpoint, the URL for TCP (``Endpoint/displayName``).
    public var socketPath: String { endpoint.displayName }

    /// A client of the server at `endpoint`, sending `token` as a bearer token when given.
    public init(endpoint: Endpoint, token: String? = nil, timeout: Duration = InferdClient.defaultTimeout) {
        self.endpoint = endpoint
        self.token = token
        self.timeout = timeout
    }

    /// A client of the daemon listening on `socketPath`.
    public init(socketPath: String, timeout: Duration = InferdClient.defaultTimeout) {
        self.init(endpoint: .unix(path: socketPath), timeout: timeout)
    }

    /// A client of the daemon at `location` (see ``SocketLocation/forClient(explicit:environment:fileExists:userID:)``).
    public init(location: SocketLocation, timeout: Duration = InferdClient.defaultTimeout) {
        self.init(socketPath: location.path, timeout: timeout)
    }

    // MARK: Classification

    /// Classifies an encoded image (JPEG or PNG) with `model`, asking for the `top` best classes;
    /// `offload` overrides the daemon's offload mode for this request (a daemon with remotes only).
    ///
    /// - Throws: ``ClientError``; `.requestFailed` carries the daemon's reason (unknown model 404, bad
    ///   image 400, too large 413, unsupported 415, load failure 500, …).
    public func classify(model: String, image: [UInt8], top: Int = 5, offload: OffloadMode? = nil) async throws(ClientError) -> ClassifyResult {
        let query = "top=\(top)" + (offload.map { "&offload=\($0.rawValue)" } ?? "")
        let response = try await send("POST", "/v1/models/\(Self.escape(model))/classify?\(query)",
                                      body: image, contentType: Self.contentType(of: image))
        let answer: ClassifyResponse = try decode(response)
        return ClassifyResult(response: answer, client: response.timings, bytesSent: response.bytesSent, imageBytes: image.count,
                              bytesReceived: response.bytesReceived)
    }

    // MARK: Models and status

    /// Every model the daemon knows, with its state (`GET /v1/models`).
    public func models() async throws(ClientError) -> ModelList {
        try decode(try await send("GET", "/v1/models"))
    }

    /// One model (`GET /v1/models/{name}`).
    public func model(_ name: String) async throws(ClientError) -> ModelSummary {
        try decode(try await send("GET", "/v1/models/\(Self.escape(name))"))
    }

    /// The daemon as a whole: budget, memory, policy, counters (`GET /v1/status`).
    public func status() async throws(ClientError) -> StatusResponse {
        try decode(try await send("GET", "/v1/status"))
    }

    /// True when the daemon answers `GET /v2/health/ready` with 200; false for any other answer or
    /// none at all. Never throws: made for polling until the daemon is up.
    public func isReady() async -> Bool {
        (try? await send("GET", "/v2/health/ready", acceptingAnyStatus: true).status) == 200
    }

    // MARK: Operator actions

    /// Loads `name` now, so that its next request is warm (`POST /v1/models/{name}/load`).
    public func load(_ name: String) async throws(ClientError) -> ActionResult {
        ActionResult(try await send("POST", "/v1/models/\(Self.escape(name))/load"))
    }

    /// Unloads `name` (`POST /v1/models/{name}/unload`).
    public func unload(_ name: String) async throws(ClientError) -> ActionResult {
        ActionResult(try await send("POST", "/v1/models/\(Self.escape(name))/unload"))
    }

    /// Pins `name`: never evicted automatically (`POST /v1/models/{name}/pin`).
    public func pin(_ name: String) async throws(ClientError) -> ActionResult {
        ActionResult(try await send("POST", "/v1/models/\(Self.escape(name))/pin"))
    }

    /// Unpins `name` (`POST /v1/models/{name}/unpin`).
    public func unpin(_ name: String) async throws(ClientError) -> ActionResult {
        ActionResult(try await send("POST", "/v1/models/\(Self.escape(name))/unpin"))
    }

    /// Sets how long `name` stays loaded when idle (`PUT /v1/models/{name}/keep-alive`).
    public func setKeepAlive(_ name: String, _ keepAlive: KeepAlive) async throws(ClientError) -> ActionResult {
        let value: String = switch keepAlive {
        case .seconds(let seconds): seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int64(seconds)) : String(seconds)
        case .daemonDefault: "null"
        case .forever: "-1"
        }
        return ActionResult(try await send("PUT", "/v1/models/\(Self.escape(name))/keep-alive",
                                           body: Array("{\"seconds\": \(value)}".utf8), contentType: "application/json"))
    }

    /// Asks the daemon to free memory as if the kernel had signalled pressure (`POST /v1/trim`).
    public func trim(level: TrimLevel = .moderate) async throws(ClientError) -> ActionResult {
        ActionResult(try await send("POST", "/v1/trim?level=\(level.rawValue)"))
    }

    // MARK: Raw exchange

    /// Sends any request and returns the answer. Unless `acceptingAnyStatus`, a non-2xx answer throws
    /// ``ClientError`` `.requestFailed` with the daemon's ``ErrorBody``.
    ///
    /// - Parameter headers: extra request header fields (`Inference-Header-Content-Length`, …).
    public func send(_ method: String, _ target: String, body: [UInt8] = [], contentType: String? = nil,
                     headers: [(name: String, value: String)] = [],
                     acceptingAnyStatus: Bool = false) async throws(ClientError) -> HTTPResponse {
        let transport = SocketTransport(endpoint: endpoint, timeout: timeout, token: token)
        let response: HTTPResponse
        do {
            response = try await BlockingWork.run {
                try transport.exchange(method: method, target: target, body: body, contentType: contentType, headers: headers)
            }
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError(.badResponse, "request to \(socketPath) failed: \(error)", endpoint: socketPath)
        }
        guard acceptingAnyStatus || response.isSuccess else {
            throw ClientError.failed(status: response.status, body: response.body, endpoint: endpoint)
        }
        return response
    }

    // MARK: Helpers

    func decode<T: Decodable>(_ response: HTTPResponse) throws(ClientError) -> T {
        try decode(T.self, from: response.body, status: response.status, text: response.text)
    }

    /// Decodes `bytes` (a whole body, or a JSON header of a binary body) as `T`.
    func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], status: Int, text: String) throws(ClientError) -> T {
        do {
            return try JSONCoding.decode(T.self, from: bytes)
        } catch {
            let who = endpoint.isTCP ? endpoint.description : "inferd on \(socketPath)"
            throw ClientError(.badResponse, "\(who) sent a \(status) answer that is not a \(T.self): \(DecodingErrorText.describe(error)) — body: \(text.prefix(300))",
                              endpoint: socketPath)
        }
    }

    /// The content type of an encoded image, from its signature.
    static func contentType(of image: [UInt8]) -> String {
        if image.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if image.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        return "application/octet-stream"
    }

    /// Percent-encodes a path segment (model names are plain already; anything else is escaped).
    static func escape(_ segment: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~".utf8)
        var result = ""
        for byte in segment.utf8 {
            if plain.contains(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
