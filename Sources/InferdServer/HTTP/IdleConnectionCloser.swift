import NIOCore
import NIOHTTP1

/// Closes a connection on which the client has sent nothing for the idle timeout while no answer is
/// owed: an idle keep-alive connection, a client that opened a connection and never spoke, or one
/// that stalls mid-request (a slow-loris sender). Over TCP such connections would otherwise hold a
/// file descriptor and a task each, for ever.
///
/// The silence is measured by NIO's `IdleStateHandler` at the front of the pipeline (raw bytes); this
/// handler, after the HTTP codec, knows whether the server still owes an answer: from a request's
/// end until its response's end the server is working (a cold load may take seconds), and the
/// connection is never closed under it.
final class IdleConnectionCloser: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// Requests received whose response has not ended yet.
    private var owed = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) { owed += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { owed = max(0, owed - 1) }
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read, owed == 0 {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
