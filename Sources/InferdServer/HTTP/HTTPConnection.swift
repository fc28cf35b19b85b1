import Core
import InferdWire
import Logging
import NIOCore
import NIOHTTP1

/// One client connection: reads requests (bodies within the limit), answers them in order, keeps
/// the connection alive when the client wants it.
///
/// Body limit: a `Content-Length` above the limit is answered with 413 before any body byte is read;
/// a chunked body is answered with 413 as soon as it crosses the limit. In both cases the connection
/// closes afterwards (the rest of the upload is never read). A client that goes away mid-upload
/// simply ends the loop: the partial body is dropped and no model was touched.
///
/// In-flight memory: a body is charged twice to the ``InFlightMemory`` cap (itself, and what is decoded
/// from it) before it is read (its declared length; a chunked body as it grows) and given back once the answer is ready, before
/// it is written (a refusal's, once the refusal is written). No room within
/// the cap's wait: 503 with `Retry-After`, and the connection closes (the body is never read).
struct HTTPConnection {
    typealias Channel = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
    typealias Inbound = NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator
    typealias Outbound = NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>

    let channel: Channel
    let router: Router
    let maxBodyBytes: Int
    /// The cap on request data in flight; nil: none.
    let inFlight: InFlightMemory?
    /// True on a TCP listener: requests carry the client's address and no peer credentials.
    let networked: Bool
    let logger: Logger
    /// True once the server shuts down: answers then carry `Connection: close`.
    let shuttingDown: @Sendable () -> Bool

    /// What reading a request body ended with.
    enum Body {
        case complete(ByteBuffer)
        case tooLarge(received: Int)
        case overloaded(InferdError)
        case disconnected
    }

    func run() async {
        let peer: PeerCredentials? = networked ? nil : await PeerCredentials.of(channel.channel)
        let clientAddress: String? = networked ? channel.channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "unknown" : nil
        do {
            try await channel.executeThenClose { inbound, outbound in
                var parts = inbound.makeAsyncIterator()
                while let part = try await parts.next() {
                    guard case .head(let head) = part else { continue }
                    let keepGoing = try await handle(head, peer: peer, clientAddress: clientAddress, &parts, outbound)
                    if !keepGoing { return }
                }
            }
        } catch {
            logger.debug("connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    /// Reads the body of the request `head` starts and answers it. Returns false when the connection
    /// must close.
    private func handle(_ head: HTTPRequestHead, peer: PeerCredentials?, clientAddress: String?, _ parts: inout Inbound, _ outbound: Outbound) async throws -> Bool {
        let declared = head.headers.first(name: "content-length").flatMap { Int($0) }
        if let declared, declared > maxBodyBytes {
            try await refuseTooLarge(head, size: "\(declared) bytes", outbound)
            return false
        }
        let reservation: InFlightMemory.Reservation?
        do {
            // Twice the body: the body, and what is decoded from it (a tensor's pixels are at most its size).
            reservation = try await inFlight?.reserve(2 * Int64(declared ?? 0), for: "a request body")
        } catch {
            try await refuseOverloaded(head, error, outbound)
            return false
        }
        // Only once there is room: a client that waits for 100 Continue then gets the 503 instead.
        if head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
            try await outbound.write(.head(HTTPResponseHead(version: head.version, status: .continue)))
        }
        var grown: [InFlightMemory.Reservation] = []
        func giveBack() {
            reservation?.release()
            for part in grown { part.release() }
        }
        defer { giveBack() }
        let body: ByteBuffer
        switch try await readBody(&parts, capacity: declared ?? 0, reservation: reservation, grown: &grown) {
        case .complete(let buffer):
            body = buffer
        case .tooLarge(let received):
            try await refuseTooLarge(head, size: "more than \(received) bytes (chunked)", outbound)
            return false
        case .overloaded(let error):
            try await refuseOverloaded(head, error, outbound)
            return false
        case .disconnected:
            logger.debug("client went away mid-request", metadata: ["path": "\(head.uri)"])
            return false
        }
        let watch = Stopwatch()
        let request = HTTPRequest(method: head.method, uri: head.uri, headers: head.headers, body: body, peer: peer,
                                  clientAddress: clientAddress)
        let response = await router.respond(to: request)
        // The request's data is spent once it is answered: its share of the cap goes back before the
        // answer is written, so a client holding its answer never sees it still counted.
        giveBack()
        let keepAlive = head.isKeepAlive && !shuttingDown()
        logger.debug("\(head.method) \(request.path) \(response.status.code)",
                     metadata: ["ms": "\(Int(watch.elapsedMilliseconds))", "bytes_in": "\(body.readableBytes)"])
        if response.status.code >= 500 {
            logger.warning("\(head.method) \(request.path) answered \(response.status.code)",
                           metadata: ["body": "\(String(buffer: response.body).prefix(300))"])
        }
        try await write(response, to: head, keepAlive: keepAlive, outbound)
        return keepAlive
    }

    private func readBody(_ parts: inout Inbound, capacity: Int, reservation: InFlightMemory.Reservation?,
                          grown: inout [InFlightMemory.Reservation]) async throws -> Body {
        var body = channel.channel.allocator.buffer(capacity: capacity)
        var reserved = 2 * Int64(capacity)
        while let part = try await parts.next() {
            switch part {
            case .body(var chunk):
                guard body.readableBytes + chunk.readableBytes <= maxBodyBytes else {
                    return .tooLarge(received: body.readableBytes + chunk.readableBytes)
                }
                // A chunked (or under-declared) body: charge it as it grows, doubling each time.
                if let inFlight, reservation != nil, 2 * Int64(body.readableBytes + chunk.readableBytes) > reserved {
                    let more = max(Int64(chunk.readableBytes), reserved, 64 << 10)
                    do {
                        grown.append(try await inFlight.reserve(more, for: "a chunked request body"))
                    } catch {
                        return .overloaded(error)
                    }
                    reserved += more
                }
                body.writeBuffer(&chunk)
            case .end:
                return .complete(body)
            case .head:
                return .disconnected
            }
        }
        return .disconnected
    }

    private func refuseTooLarge(_ head: HTTPRequestHead, size: String, _ outbound: Outbound) async throws {
        logger.info("refused an oversized body", metadata: ["path": "\(head.uri)", "size": "\(size)", "limit": "\(maxBodyBytes)"])
        let error = InferdError(.tooLarge, "request body of \(size) is over the limit of \(maxBodyBytes) bytes")
        try await write(.error(error), to: head, keepAlive: false, outbound)
    }

    private func refuseOverloaded(_ head: HTTPRequestHead, _ error: InferdError, _ outbound: Outbound) async throws {
        logger.info("refused a request: in-flight memory cap", metadata: ["path": "\(head.uri)", "reason": "\(error.message)"])
        try await write(.error(error), to: head, keepAlive: false, outbound)
    }

    private func write(_ response: HTTPResponse, to head: HTTPRequestHead, keepAlive: Bool, _ outbound: Outbound) async throws {
        var headers = response.headers
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.readableBytes))
        if !keepAlive {
            headers.replaceOrAdd(name: "Connection", value: "close")
        } else if head.version.major == 1, head.version.minor == 0 {
            headers.replaceOrAdd(name: "Connection", value: "keep-alive")
        }
        var parts: [HTTPServerResponsePart] = [.head(HTTPResponseHead(version: head.version, status: response.status, headers: headers))]
        // HEAD: the head GET would send (with its Content-Length), no body.
        if head.method != .HEAD, response.body.readableBytes > 0 { parts.append(.body(.byteBuffer(response.body))) }
        parts.append(.end(nil))
        try await outbound.write(contentsOf: parts)
        if !keepAlive {
            // The connection closes after this answer. A full close drops whatever the kernel has not
            // taken yet (a Unix socket takes ~200 KB at once), so an answer larger than that was cut
            // off: shut the writing side first, which NIO does only after every pending byte is written.
            try? await channel.channel.close(mode: .output).get()
        }
    }
}
