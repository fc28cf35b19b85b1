import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A deliberately small HTTP/1.1 client over a Unix socket, written on POSIX calls, for tests.
///
/// It sends exactly the bytes a test gives it, so tests can send malformed requests, pipeline several
/// requests, stop halfway through an upload or vanish without reading the answer. Blocking I/O runs on
/// Dispatch threads (never on Swift's cooperative pool), so many concurrent calls really are concurrent.
enum RawHTTP {
    /// Why a raw exchange failed.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// One parsed response.
    struct Response: Sendable {
        /// Status code (`200`).
        var status: Int
        /// Header fields in the order received; names as sent.
        var headers: [(name: String, value: String)]
        /// The body (by `Content-Length`, or up to end of stream when there is none).
        var body: [UInt8]

        /// The first header called `name` (case-insensitive).
        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The body as UTF-8 text.
        var text: String { String(decoding: body, as: UTF8.self) }

        /// The body decoded as JSON.
        func json<T: Decodable>(_ type: T.Type = T.self) throws -> T {
            try JSONDecoder().decode(T.self, from: Data(body))
        }

        /// The body as a JSON object (for checking fields without a type).
        func object() throws -> [String: Any] {
            guard let value = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                throw Failure(description: "body is not a JSON object: \(text)")
            }
            return value
        }
    }

    /// Runs blocking `body` on a thread of its own (``OwnThread``): a burst of requests from Dispatch
    /// workers reached the daemon two at a time on a 2-core machine.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await OwnThread.run(body)
    }

    /// Sends one request on a fresh connection (`Connection: close`) and reads the answer.
    ///
    /// `Content-Length` is added when there is a body and the caller did not set it (nor chunked encoding).
    static func send(socket path: String, method: String, path target: String, headers: [String: String] = [:],
                     body: [UInt8]? = nil, timeout: Double = 300) async throws -> Response {
        let exchange: @Sendable () throws -> Response = {
            let connection = try Connection(socket: path, timeout: timeout)
            defer { connection.close() }
            var all = headers
            if all.keys.first(where: { $0.lowercased() == "connection" }) == nil { all["Connection"] = "close" }
            try connection.write(request(method: method, path: target, headers: all, body: body))
            return try connection.readResponse()
        }
        return try await offPool(exchange)
    }

    /// Convenience: `GET path`.
    static func get(socket path: String, _ target: String) async throws -> Response {
        try await send(socket: path, method: "GET", path: target)
    }

    /// Convenience: `POST path` with a body.
    static func post(socket path: String, _ target: String, body: [UInt8] = [], contentType: String? = nil) async throws -> Response {
        var headers: [String: String] = [:]
        if let contentType { headers["Content-Type"] = contentType }
        return try await send(socket: path, method: "POST", path: target, headers: headers, body: body)
    }

    /// The bytes of a request: request line, headers (plus `Host` and, for a body, `Content-Length`), body.
    static func request(method: String, path: String, headers: [String: String] = [:], body: [UInt8]? = nil) -> [UInt8] {
        var lines = ["\(method) \(path) HTTP/1.1"]
        let names = Set(headers.keys.map { $0.lowercased() })
        if !names.contains("host") { lines.append("Host: localhost") }
        if let body, !names.contains("content-length"), !names.contains("transfer-encoding") {
            lines.append("Content-Length: \(body.count)")
        }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { lines.append("\(name): \(value)") }
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8) + (body ?? [])
    }

    /// One client connection. Not thread-safe: one test task drives it.
    final class Connection: @unchecked Sendable {
        private var fd: Int32
        /// Bytes read past the end of the last response (pipelined answers).
        private var pending: [UInt8] = []

        /// Connects to the Unix socket at `path`, or to `tcp://HOST:PORT` (IPv4) when `path` has that
        /// form, from the local IPv4 address `source` when given (e.g. `127.0.0.2`, to be another
        /// client on loopback); reads and writes time out after `timeout` seconds.
        init(socket path: String, timeout: Double = 300, source: String? = nil) throws {
            if path.hasPrefix("tcp://") {
                let address = path.dropFirst("tcp://".count)
                guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
                    throw Failure(description: "bad tcp address \(path)")
                }
                fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                guard fd >= 0 else { throw Failure(description: "socket(): \(String(cString: strerror(errno)))") }
                var inet = sockaddr_in()
                inet.sin_family = sa_family_t(AF_INET)
                inet.sin_port = port.bigEndian
                guard inet_pton(AF_INET, String(address[..<colon]), &inet.sin_addr) == 1 else {
                    Glibc.close(fd)
                    throw Failure(description: "not an IPv4 address: \(path)")
                }
                if let source {
                    var local = sockaddr_in()
                    local.sin_family = sa_family_t(AF_INET)
                    let bound = inet_pton(AF_INET, source, &local.sin_addr) == 1 && withUnsafePointer(to: &local) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                    } == 0
                    guard bound else {
                        let reason = String(cString: strerror(errno))
                        Glibc.close(fd)
                        throw Failure(description: "bind(\(source)): \(reason)")
                    }
                }
                let status = withUnsafePointer(to: &inet) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                guard status == 0 else {
                    let reason = String(cString: strerror(errno))
                    Glibc.close(fd)
                    throw Failure(description: "connect(\(path)): \(reason)")
                }
            } else {
                fd = try Self.connectUnix(path)
            }
            var interval = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        }

        private static func connectUnix(_ path: String) throws -> Int32 {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket(): \(String(cString: strerror(errno)))") }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
                Glibc.close(fd)
                throw Failure(description: "socket path too long: \(path)")
            }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                raw.copyBytes(from: bytes)
                raw[bytes.count] = 0
            }
            let status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard status == 0 else {
                let reason = String(cString: strerror(errno))
                Glibc.close(fd)
                throw Failure(description: "connect(\(path)): \(reason)")
            }
            return fd
        }

        deinit { close() }

        /// Writes all of `bytes`.
        ///
        /// - Throws: ``Failure`` when the peer closed the connection (EPIPE/ECONNRESET) or on timeout.
        func write(_ bytes: [UInt8]) throws {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Failure(description: "write: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }

        /// Writes `text` as UTF-8.
        func write(_ text: String) throws { try write(Array(text.utf8)) }

        /// Closes the writing half (the server sees end of stream), keeping the reading half open.
        func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

        /// Reads one response. Handles `Content-Length` and chunked bodies, else reads to end of stream.
        func readResponse() throws -> Response {
            var buffer = pending
            pending = []
            var headerEnd: Int?
            while headerEnd == nil {
                headerEnd = Self.find([13, 10, 13, 10], in: buffer)
                if headerEnd == nil {
                    guard try fill(&buffer) else { throw Failure(description: "connection closed before a complete response head (\(buffer.count) bytes)") }
                }
            }
            let head = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
            var rest = Array(buffer[(headerEnd! + 4)...])
            var lines = head.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
            guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(description: "bad status line: \(head)") }
            let headers = lines.compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            let response = Response(status: status, headers: headers, body: [])
            if (100..<200).contains(status) {
                pending = rest
                return response
            }
            if let length = response.header("content-length").flatMap(Int.init) {
                while rest.count < length {
                    guard try fill(&rest) else { throw Failure(description: "connection closed after \(rest.count) of \(length) body bytes") }
                }
                pending = Array(rest[length...])
                return Response(status: status, headers: headers, body: Array(rest[..<length]))
            }
            if response.header("transfer-encoding")?.lowercased().contains("chunked") == true {
                var body: [UInt8] = []
                while true {
                    while Self.find([13, 10], in: rest) == nil { guard try fill(&rest) else { throw Failure(description: "truncated chunk") } }
                    let lineEnd = Self.find([13, 10], in: rest)!
                    let size = Int(String(decoding: rest[..<lineEnd], as: UTF8.self).split(separator: ";")[0], radix: 16) ?? 0
                    rest.removeFirst(lineEnd + 2)
                    while rest.count < size + 2 { guard try fill(&rest) else { throw Failure(description: "truncated chunk") } }
                    body += rest[..<size]
                    rest.removeFirst(size + 2)
                    if size == 0 { break }
                }
                pending = rest
                return Response(status: status, headers: headers, body: body)
            }
            while try fill(&rest) {}
            return Response(status: status, headers: headers, body: rest)
        }

        /// Everything the peer sends until it closes, unparsed (for answers without a body, like `HEAD`'s).
        func readAll() throws -> [UInt8] {
            var all: [UInt8] = []
            while try fill(&all) {}
            return all
        }

        /// Reads until the peer closes; true when it did (false on timeout or error).
        func readUntilClosed() -> Bool {
            var sink: [UInt8] = []
            do {
                while try fill(&sink) { sink.removeAll(keepingCapacity: true) }
                return true
            } catch {
                return (error as? Failure)?.description.contains("reset") ?? false
            }
        }

        /// Closes the connection at once (idempotent).
        func close() {
            if fd >= 0 {
                Glibc.close(fd)
                fd = -1
            }
        }

        /// Appends what one read returns; false at end of stream.
        private func fill(_ buffer: inout [UInt8]) throws -> Bool {
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = chunk.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
                if count > 0 {
                    buffer += chunk[..<count]
                    return true
                }
                if count == 0 { return false }
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure(description: "read timed out") }
                throw Failure(description: "read: \(String(cString: strerror(errno)))")
            }
        }

        private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
            guard haystack.count >= needle.count else { return nil }
            for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
                if Array(haystack[i..<(i + needle.count)]) == needle { return i }
            }
            return nil
        }
    }
}
