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

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        if !responseInProgress {
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
        case .end:
            responseInProgress = false
        default:
            break
        }
        context.write(data, promise: promise)
    }
}
