import AsyncHTTPClient
import Core
import InferdRuntime
import InferdWire
import Foundation
import InferdClient
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The daemon's transport for offloading (``HTTPTransport`` for ``InferdClient``): AsyncHTTPClient
/// on the daemon's NIO event loops, so a remote that never answers costs a connection and a timer,
/// not a thread. Connections to a remote are kept open and reused (no `Connection: close`, no
/// handshake per request); at most `maxConnectionsPerRemote` are opened to one remote (the
/// ``OffloadingClassifier`` bounds requests in flight per remote to the same number). Each exchange
/// ends by its deadline; a connection whose exchange timed out is closed, never reused.
///
/// Timings come from the client's delegate callbacks: `connect` until the request head is written
/// (zero on a reused connection but for the hop to the event loop), `upload` until the body is
/// written, `wait` until the answer's head, `download` until its end.
public final class PooledHTTPTransport: HTTPTransport {
    private let client: HTTPClient

    /// - Parameter maxConnectionsPerRemote: connections kept per remote (host and port).
    public init(maxConnectionsPerRemote: Int, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(55), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, maxConnectionsPerRemote))
        // A refused connection fails the request at once (the planner then backs off the remote)
        // instead of being retried until the request's deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.httpVersion = .http1Only
        configuration.decompression = .disabled
        configuration.redirectConfiguration = .disallow
        // The deadline of each exchange bounds it; no separate connect or read timeout.
        configuration.timeout = .init(connect: nil, read: nil)
        client = HTTPClient(eventLoopGroupProvider: .shared(eventLoopGroup), configuration: configuration)
    }

    /// Closes the kept connections. Call once, when the daemon stops.
    public func shutdown() async {
        try? await client.shutdown()
    }

    public func exchange(_ exchange: HTTPExchange, deadline: ContinuousClock.Instant) async throws(ClientError) -> TransportResponse {
        let name = exchange.endpoint.displayName
        let url: URL?
        switch exchange.endpoint {
        case .tcp: url = URL(string: exchange.endpoint.description + exchange.target)
        case .unix(let path): url = URL(httpURLWithSocketPath: path, uri: exchange.target)
        }
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: "inferd")
        headers.add(name: "Accept", value: "application/json")
        for field in exchange.headers { headers.add(name: field.name, value: field.value) }
        if let contentType = exchange.contentType { headers.add(name: "Content-Type", value: contentType) }
        let request: HTTPClient.Request
        do {
            guard let url else { throw ClientError(.badResponse, "cannot form a URL for \(exchange.target) on \(name)", endpoint: name) }
            let hasBody = !exchange.body.isEmpty || exchange.method == "POST" || exchange.method == "PUT"
            request = try HTTPClient.Request(url: url, method: HTTPMethod(rawValue: exchange.method), headers: headers,
                                             body: hasBody ? .bytes(exchange.body) : nil)
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError(.badResponse, "cannot form the request to \(name): \(error)", endpoint: name)
        }
        let left = deadline - .now
        guard left > .zero else { throw Self.timedOut(exchange, left: .zero) }
        do {
            do {
                return try await send(request, deadline: deadline)
            } catch let stale as StaleConnection {
                // A kept-open connection the server closed (or reset) before answering: servers
                // close after an error answer (MLServer after refusing a binary tensor) and the
                // pool can hand the connection out again before it sees the close. Inference has no
                // side effects and no answer byte arrived, so the request is sent once more; the
                // pool has dropped the dead connection by then.
                guard deadline > .now else { throw stale.underlying }
                do {
                    return try await send(request, deadline: deadline)
                } catch let again as StaleConnection {
                    throw again.underlying
                }
            }
        } catch {
            throw Self.clientError(error, exchange, left: left)
        }
    }

    /// What a failed exchange means, in the words ``SocketTransport`` uses.
    private static func clientError(_ error: any Error, _ exchange: HTTPExchange, left: Duration) -> ClientError {
        let name = exchange.endpoint.displayName
        switch error {
        case let error as ClientError:
            return ClientError(error.code, "\(exchange.peer): \(error.message)", endpoint: name)
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout:
            return timedOut(exchange, left: left)
        case let error as HTTPClientError where error == .remoteConnectionClosed:
            return ClientError(.badResponse, "\(exchange.peer) closed the connection without a complete answer", endpoint: name)
        case let error as HTTPClientError where error == .cancelled:
            return ClientError(.timedOut, "the exchange with \(exchange.peer) was cancelled", endpoint: name)
        case let error as NIOConnectionError:
            return ClientError(.daemonUnreachable, "cannot reach \(exchange.endpoint) (\(describe(error, exchange.endpoint)))", endpoint: name)
        case let error as IOError where [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, ENOENT].contains(error.errnoCode):
            return ClientError(.daemonUnreachable, "cannot reach \(exchange.endpoint) (\(describe(error.errnoCode, exchange.endpoint)))", endpoint: name)
        default:
            return ClientError(.badResponse, "the exchange with \(exchange.peer) failed: \(error)", endpoint: name)
        }
    }

    /// One attempt of `request`, cancelled with the calling task, ending by `deadline`.
    private func send(_ request: HTTPClient.Request, deadline: ContinuousClock.Instant) async throws -> TransportResponse {
        let delegate = TimedResponse(limit: HTTPExchange.maxResponseBytes)
        let nanoseconds = Int64(max(.zero, deadline - .now) / .nanoseconds(1))
        let task = client.execute(request: request, delegate: delegate, deadline: .now() + .nanoseconds(nanoseconds))
        do {
            return try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
        } catch {
            throw !delegate.answered && Self.isClosedConnection(error) ? StaleConnection(underlying: error) : error
        }
    }

    /// An attempt whose connection was closed or reset before any answer byte arrived;
    /// ``exchange(_:deadline:)`` retries it once.
    private struct StaleConnection: Error {
        let underlying: any Error
    }

    private static func isClosedConnection(_ error: any Error) -> Bool {
        if let client = error as? HTTPClientError { return client == .remoteConnectionClosed }
        if let io = error as? IOError { return [ECONNRESET, EPIPE].contains(io.errnoCode) }
        // The close arrived while the request was being written: NIO fails the write itself (seen on
        // a loaded CI machine right after MLServer refused a binary tensor and closed).
        if let channel = error as? ChannelError { return channel == .ioOnClosedChannel || channel == .outputClosed || channel == .alreadyClosed }
        return false
    }

    private static func timedOut(_ exchange: HTTPExchange, left: Duration) -> ClientError {
        let milliseconds = Int((left / .milliseconds(1)).rounded())
        return ClientError(.timedOut, "no complete answer from \(exchange.peer) within \(milliseconds) ms (the request's deadline)",
                           endpoint: exchange.endpoint.displayName)
    }

    private static func describe(_ error: NIOConnectionError, _ endpoint: Endpoint) -> String {
        if let refused = error.connectionErrors.lazy.compactMap({ ($0.error as? IOError)?.errnoCode }).first {
            return describe(refused, endpoint)
        }
        if let dns = error.dnsAAAAError ?? error.dnsAError, error.connectionErrors.isEmpty {
            return "cannot resolve host \(error.host): \(dns)"
        }
        return error.connectionErrors.isEmpty ? "\(error)" : error.connectionErrors.map { "\($0.error)" }.joined(separator: "; ")
    }

    /// The words ``SocketTransport`` uses for the same failures, so messages read alike.
    private static func describe(_ errno: Int32, _ endpoint: Endpoint) -> String {
        switch (errno, endpoint) {
        case (ECONNREFUSED, .tcp(_, let port)): "connection refused: nothing listens on port \(port)"
        case (ECONNREFUSED, .unix): "connection refused: a stale socket file"
        default: String(cString: strerror(errno))
        }
    }
}

/// Collects one answer with its phase times, refusing more than `limit` bytes.
private final class TimedResponse: HTTPClientResponseDelegate {
    typealias Response = TransportResponse

    private struct State {
        var start = ContinuousClock.now
        var headSent: ContinuousClock.Instant?
        var bodySent: ContinuousClock.Instant?
        var headReceived: ContinuousClock.Instant?
        var head: HTTPResponseHead?
        var body: [UInt8] = []
        var bytesSent = 0
        var bytesReceived = 0
    }

    private let state = Mutex(State())
    private let limit: Int

    /// True once the answer's head arrived.
    var answered: Bool { state.withLock { $0.head != nil } }

    init(limit: Int) {
        self.limit = limit
    }

    func didSendRequestHead(task: HTTPClient.Task<Response>, _ head: HTTPRequestHead) {
        state.withLock { state in
            state.headSent = .now
            // The head as written: request line, fields, blank line.
            state.bytesSent += head.method.rawValue.utf8.count + head.uri.utf8.count + 12
                + head.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 } + 2
        }
    }

    func didSendRequestPart(task: HTTPClient.Task<Response>, _ part: IOData) {
        state.withLock { $0.bytesSent += part.readableBytes }
    }

    func didSendRequest(task: HTTPClient.Task<Response>) {
        state.withLock { $0.bodySent = .now }
    }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.withLock { state in
            state.headReceived = .now
            state.head = head
            state.bytesReceived += head.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 } + 17
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let tooLarge = state.withLock { state in
            state.bytesReceived += buffer.readableBytes
            guard state.body.count + buffer.readableBytes <= limit else { return true }
            state.body.append(contentsOf: buffer.readableBytesView)
            return false
        }
        guard !tooLarge else {
            return task.eventLoop.makeFailedFuture(ClientError(.badResponse, "sent more than \(limit) bytes; refusing the answer", endpoint: ""))
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response {
        state.withLock { state in
            let finished = ContinuousClock.now
            let headSent = state.headSent ?? state.start
            let bodySent = state.bodySent ?? headSent
            let headReceived = state.headReceived ?? finished
            var timings = ClientTimings()
            timings.connect = Stopwatch.milliseconds(headSent - state.start)
            timings.upload = Stopwatch.milliseconds(bodySent - headSent)
            timings.wait = Stopwatch.milliseconds(headReceived - bodySent)
            timings.download = Stopwatch.milliseconds(finished - headReceived)
            timings.endToEnd = Stopwatch.milliseconds(finished - state.start)
            let head = state.head
            return TransportResponse(status: Int(head?.status.code ?? 0), reason: head?.status.reasonPhrase ?? "",
                                     headers: head?.headers.map { (name: $0.name, value: $0.value) } ?? [], body: state.body,
                                     timings: timings, bytesSent: state.bytesSent, bytesReceived: state.bytesReceived)
        }
    }
}
