import Core
import Foundation
import NIOCore

/// Answers a connection the listener will not serve (``ConnectionAdmission``): writes one
/// `503 Service Unavailable` with `Retry-After` and the API's JSON error body as soon as the connection
/// is active, then closes it once the answer is written. Reads are dropped; no HTTP parser is set up,
/// so a refused connection costs almost nothing.
final class ConnectionRefusal: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Seconds a client is asked to wait before trying again.
    static let retryAfterSeconds = 1

    let message: String

    init(message: String) {
        self.message = message
    }

    func channelActive(context: ChannelHandlerContext) {
        let bytes = HTTPResponse.overloadedBytes(message: message, retryAfter: Self.retryAfterSeconds)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
