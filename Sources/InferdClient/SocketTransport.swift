#if canImport(Glibc)
import Glibc
#endif
import Core
import InferdWire

/// One HTTP/1.1 exchange over a Unix stream socket or a TCP connection, with blocking POSIX calls,
/// timed phase by phase.
///
/// Why not SwiftNIO here (the daemon uses it): a client sends one request and waits for one answer, so
/// an event loop buys nothing, and it costs. Starting an event-loop group spawns threads and adds a few
/// milliseconds to every `inferctl` run, and NIO's callbacks see bytes only after they have crossed
/// the loop's thread hop, which blurs the timings this client exists to measure. With plain
/// `connect`/`send`/`recv` the clock is read right at the system calls: `upload` ends when the last
/// body byte is in the kernel, `wait` ends when the first answer byte is returned by `recv`.
///
/// Each exchange opens its own connection and sends `Connection: close`, so no state leaks between
/// requests (the daemon, which offloads many requests to the same remotes, keeps connections open
/// with its own transport instead). Connecting a Unix socket costs tens of microseconds; a TCP connection costs a handshake
/// (one round trip) plus, for a host name, its resolution — both are reported as `connect`. TCP
/// connections set `TCP_NODELAY`, so a small request head is not held back by Nagle's algorithm.
public struct SocketTransport: HTTPTransport {
    /// A transport whose blocking exchanges run on `executor` (default Dispatch threads: inferctl).
    public init(executor: any BlockingExecutor = BlockingWork.executor) {
        self.executor = executor
    }

    private let executor: any BlockingExecutor

    /// Runs ``exchange(_:deadline:)`` on a worker of the executor.
    public func exchange(_ exchange: HTTPExchange, deadline: ContinuousClock.Instant) async throws(ClientError) -> HTTPResponse {
        do {
            return try await executor.run(deadline: nil) { try Exchange(exchange, deadline: deadline).run() }
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError(.badResponse, "request to \(exchange.endpoint.displayName) failed: \(error)", endpoint: exchange.endpoint.displayName)
        }
    }
}

/// One blocking exchange (see ``SocketTransport``).
private struct Exchange {
    let request: HTTPExchange
    let deadline: ContinuousClock.Instant
    /// What was left of the deadline when the exchange started, for messages.
    let timeout: Duration
    var endpoint: Endpoint { request.endpoint }
    var peer: String { request.peer }

    init(_ request: HTTPExchange, deadline: ContinuousClock.Instant) {
        self.request = request
        self.deadline = deadline
        timeout = .milliseconds(Int64(((deadline - .now) / .milliseconds(1)).rounded()))
    }

    /// Sends the request and returns the complete answer, whatever its status.
    ///
    /// - Throws: ``ClientError`` `.daemonUnreachable` when the connection cannot be made,
    ///   `.timedOut` when the exchange runs past the deadline (one deadline for all of it, so
    ///   a peer trickling bytes cannot hold it open), `.badResponse` when the answer is not HTTP/1.x,
    ///   ends early or is larger than ``HTTPExchange/maxResponseBytes``.
    func run() throws(ClientError) -> HTTPResponse {
        let (method, target, body, contentType, headers) = (request.method, request.target, request.body, request.contentType, request.headers)
        var timings = ClientTimings()
        let start = ContinuousClock.now
        let fd = try connectSocket(deadline: deadline)
        defer { close(fd) }
        let connected = ContinuousClock.now
        timings.connect = Stopwatch.milliseconds(connected - start)

        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(endpoint.hostHeader)\r\nUser-Agent: inferctl\r\nAccept: application/json\r\n"
        for field in headers { head += "\(field.name): \(field.value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" {
            head += "Content-Length: \(body.count)\r\n"
        }
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        head += "Connection: close\r\n\r\n"
        let headBytes = Array(head.utf8)

        // A daemon may answer early and hang up (413 for a body over its limit): stop writing then,
        // and read the answer it left.
        var hungUp = false
        var sent = try sendAll(fd, headBytes, hungUp: &hungUp, deadline: deadline)
        if !hungUp { sent += try sendAll(fd, body, hungUp: &hungUp, deadline: deadline) }
        let uploaded = ContinuousClock.now
        timings.upload = Stopwatch.milliseconds(uploaded - connected)

        var parser = HTTPResponseParser()
        var firstByte: ContinuousClock.Instant?
        var received = 0
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        do {
            reading: while true {
                guard Self.setTimeouts(fd, until: deadline) else {
                    throw ClientError(.timedOut, "no complete answer from \(peer) within \(timeout)", endpoint: endpoint.displayName)
                }
                let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count < 0 {
                    let error = errno
                    if error == EINTR { continue }
                    if error == EAGAIN || error == EWOULDBLOCK {
                        throw ClientError(.timedOut, "no answer from \(peer) within \(timeout)", endpoint: endpoint.displayName)
                    }
                    if error == ECONNRESET, firstByte == nil {
                        throw ClientError(.badResponse, "\(peer) reset the connection without answering", endpoint: endpoint.displayName)
                    }
                    throw ClientError(.badResponse, "reading the answer from \(peer) failed: \(Self.describe(error))", endpoint: endpoint.displayName)
                }
                if firstByte == nil { firstByte = ContinuousClock.now }
                received += count
                guard received <= HTTPExchange.maxResponseBytes else {
                    throw ClientError(.badResponse, "\(peer) sent more than \(HTTPExchange.maxResponseBytes) bytes; refusing the answer", endpoint: endpoint.displayName)
                }
                if count == 0 {
                    try parser.finish()
                    break reading
                }
                let done = try chunk.withUnsafeBytes { (raw) throws(HTTPResponseParser.Failure) in
                    try parser.feed(UnsafeRawBufferPointer(rebasing: raw[0..<count]))
                }
                if done { break reading }
            }
        } catch let failure as HTTPResponseParser.Failure {
            let context = hungUp ? " (it hung up after \(sent) of \(headBytes.count + body.count) request bytes)" : ""
            throw ClientError(.badResponse, "bad answer from \(peer)\(context): \(failure)", endpoint: endpoint.displayName)
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError(.badResponse, "reading the answer from \(peer) failed: \(error)", endpoint: endpoint.displayName)
        }
        let finished = ContinuousClock.now
        timings.wait = Stopwatch.milliseconds((firstByte ?? finished) - uploaded)
        timings.download = Stopwatch.milliseconds(finished - (firstByte ?? finished))
        timings.endToEnd = Stopwatch.milliseconds(finished - start)
        return HTTPResponse(status: parser.status, reason: parser.reason, headers: parser.headers, body: parser.body,
                            timings: timings, bytesSent: sent, bytesReceived: received)
    }

    /// Opens a connected socket, giving up at `deadline`.
    private func connectSocket(deadline: ContinuousClock.Instant) throws(ClientError) -> Int32 {
        switch endpoint {
        case .unix(let path): try connectUnix(path, deadline: deadline)
        case .tcp(let host, let port): try connectTCP(host: host, port: port, deadline: deadline)
        }
    }

    /// Sets what is left until `deadline` as the socket's send and receive timeout (on Linux the send
    /// timeout also bounds a blocking `connect`). False when the deadline has passed.
    static func setTimeouts(_ fd: Int32, until deadline: ContinuousClock.Instant) -> Bool {
        let left = deadline - ContinuousClock.now
        guard left > .zero else { return false }
        // At least 1 µs: a zero timeval would mean "block for ever".
        var limit = timeval(tv_sec: Int(left.components.seconds),
                            tv_usec: max(Int(left.components.attoseconds / 1_000_000_000_000), left.components.seconds == 0 ? 1 : 0))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        return true
    }

    /// Connects to the Unix socket at `path`, after checking that it (and, once connected, the process
    /// listening there) belongs to the caller, root or the service user (``SocketTrust``).
    private func connectUnix(_ path: String, deadline: ContinuousClock.Instant) throws(ClientError) -> Int32 {
        let trust = SocketTrust.forCurrentUser()
        do {
            try trust.checkSocket(path)
        } catch {
            throw ClientError(.untrustedSocket, error.message, socketPath: path)
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !pathBytes.isEmpty, pathBytes.count < capacity else {
            throw ClientError(.daemonUnreachable, "socket path \"\(path)\" is empty or longer than \(capacity - 1) bytes", socketPath: path)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw ClientError(.daemonUnreachable, "cannot create a socket: \(Self.describe(errno))", socketPath: path)
        }
        _ = Self.setTimeouts(fd, until: deadline)
        var result: Int32
        repeat {
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
        } while result != 0 && errno == EINTR
        guard result == 0 else {
            let error = errno
            close(fd)
            switch error {
            case ENOENT: throw ClientError.notRunning(path, reason: "no socket there")
            case ECONNREFUSED:
                // Linux refuses a connection to any non-socket file the same way: say which it is.
                if let kind = Self.nonSocketKind(path) {
                    throw ClientError(.daemonUnreachable,
                                      "\(path) is \(kind), not a socket: point --socket (or INFERD_SOCKET) at the socket inferd listens on (`inferctl status --socket PATH`; the default is \(SocketLocation.systemPath))",
                                      socketPath: path)
                }
                throw ClientError.notRunning(path, reason: "connection refused: a stale socket file, nobody listens")
            case ENOTDIR: throw ClientError.notRunning(path, reason: "a parent of it is not a directory")
            case EACCES, EPERM:
                throw ClientError(.daemonUnreachable,
                                  "permission denied connecting to inferd on \(path): join the socket's group or use your own daemon (--socket)",
                                  socketPath: path)
            default:
                throw ClientError(.daemonUnreachable, "cannot connect to inferd on \(path): \(Self.describe(error))", socketPath: path)
            }
        }
        do {
            try trust.checkPeer(of: fd, path: path)
        } catch {
            close(fd)
            throw ClientError(.untrustedSocket, error.message, socketPath: path)
        }
        return fd
    }

    /// `a directory`, `a regular file`, … when `path` exists and is not a socket; nil for a socket or
    /// when it cannot be inspected.
    static func nonSocketKind(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFSOCK: return nil
        case S_IFDIR: return "a directory"
        case S_IFREG: return "a regular file"
        default: return "a special file"
        }
    }

    /// Resolves `host` (IPv4 and IPv6) and connects to the first address that accepts.
    private func connectTCP(host: String, port: Int, deadline: ContinuousClock.Instant) throws(ClientError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else {
            let reason = resolved == EAI_SYSTEM ? Self.describe(errno) : String(cString: gai_strerror(resolved))
            throw ClientError.unreachable(endpoint, reason: "cannot resolve host \"\(host)\": \(reason)")
        }
        defer { freeaddrinfo(list) }
        var lastError: Int32 = 0
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard fd >= 0 else { lastError = errno; continue }
            guard Self.setTimeouts(fd, until: deadline) else {
                close(fd)
                lastError = ETIMEDOUT
                break
            }
            var noDelay: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            var result: Int32
            repeat {
                result = connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen)
            } while result != 0 && errno == EINTR
            if result == 0 { return fd }
            lastError = errno
            close(fd)
        }
        let reason = switch lastError {
        case ECONNREFUSED: "connection refused: nothing listens on port \(port)"
        case EINPROGRESS, EAGAIN, ETIMEDOUT: "no answer to the connection within \(timeout)"
        case ENETUNREACH, EHOSTUNREACH: "\(Self.describe(lastError))"
        default: Self.describe(lastError)
        }
        throw ClientError.unreachable(endpoint, reason: reason)
    }

    /// Writes all of `bytes`; sets `hungUp` and stops when the daemon closed its end. Returns bytes written.
    private func sendAll(_ fd: Int32, _ bytes: [UInt8], hungUp: inout Bool, deadline: ContinuousClock.Instant) throws(ClientError) -> Int {
        var offset = 0
        while offset < bytes.count {
            guard Self.setTimeouts(fd, until: deadline) else {
                throw ClientError(.timedOut, "\(peer) did not take the request within \(timeout)", endpoint: endpoint.displayName)
            }
            let count = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if count < 0 {
                let error = errno
                if error == EINTR { continue }
                if error == EPIPE || error == ECONNRESET { hungUp = true; return offset }
                if error == EAGAIN || error == EWOULDBLOCK {
                    throw ClientError(.timedOut, "\(peer) did not read the request within \(timeout)", endpoint: endpoint.displayName)
                }
                throw ClientError(.badResponse, "sending to \(peer) failed: \(Self.describe(error))", endpoint: endpoint.displayName)
            }
            offset += count
        }
        return offset
    }

    static func describe(_ error: Int32) -> String {
        String(cString: strerror(error))
    }
}
