import Foundation
import InferdWire
import NIOCore
import NIOHTTP1

/// Answers malformed HTTP (a request the parser rejects) with a JSON ``ErrorBody`` and status 400,
/// like every other error of the API, then lets the parser close the connection. NIO's own
/// `HTTPServerProtocolErrorHandler` does the same with an empty body.
///
/// Sits after NIO's pipelining handler; the error is passed on, so the connection's reader sees it too.
final class ProtocolErrorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// A response head went out and its end has not: no error answer can be written now.
    private var responseInProgress = false
    /// A request head came in and its answer has not ended: the connection's reader answers it.
    private var requestOpen = false
    /// An answer with `Connection: close` went out: the client was told the connection ends, and gets
    /// no second answer (an oversized upload that is then half-closed got 413 and then 400).
    private var closeAnnounced = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { requestOpen = true }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        // A stream that ends inside a request the reader holds is the reader's to answer (or not).
        let endedInsideRequest = parserError == .invalidEOFState && requestOpen
        if !responseInProgress, !closeAnnounced, !endedInsideRequest {
            let body = ErrorBody(error: "malformed HTTP request: \(parserError)", code: .badRequest)
            let bytes = (try? JSONCoding.encoder.encode(body)) ?? Data()
            let headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", String(bytes.count)),
                                       ("Connection", "close")])
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where !(100..<200).contains(head.status.code):
            responseInProgress = true
            if head.headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "close" }) { closeAnnounced = true }
        case .end:
            responseInProgress = false
            requestOpen = false
        default:
            break
        }
        context.write(data, promise: promise)
    }
}
