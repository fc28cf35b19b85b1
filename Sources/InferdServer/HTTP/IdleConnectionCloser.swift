import NIOCore
import NIOHTTP1

/// Closes a connection that is idle while no answer is owed — no byte read or written for the idle
/// timeout: an idle keep-alive connection, a client that opened a connection and never spoke — and a
/// connection whose request takes longer than the idle timeout to arrive, counted from its first byte
/// (a slow-loris sender trickling its head or body a byte at a time). Over TCP such connections would
/// otherwise hold a file descriptor, a task and a body buffer each, for ever.
///
/// Two handlers share one ``RequestClock``: ``RequestStartWatcher`` at the front of the pipeline sees
/// the first raw byte of a request and arms the deadline; ``IdleConnectionCloser`` after the HTTP codec
/// sees the request end (disarming it) and the response end, so it knows whether the server still owes
/// an answer: from a request's end until its response's end the server is working (a cold load may
/// take seconds), and the connection is never closed under it. The silence itself is measured by
/// NIO's `IdleStateHandler` (`allTimeout`: reads and writes, so the clock restarts when an answer is
/// written). All of it runs on the channel's event loop.
final class RequestClock: @unchecked Sendable {
    /// Requests received whose response has not ended yet.
    var owed = 0
    /// Closes the connection if the request being read is not complete in time.
    var deadline: Scheduled<Void>?
    let timeout: TimeAmount

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    /// Starts the clock of a request that began arriving (no-op when one is running).
    func arm(_ channel: any Channel) {
        guard deadline == nil else { return }
        deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    /// The request arrived whole.
    func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}

/// The front half of the idle and slow-request policy (see ``RequestClock``): a request's first raw
/// byte arms its deadline.
final class RequestStartWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    let clock: RequestClock

    init(clock: RequestClock) {
        self.clock = clock
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if clock.owed == 0 { clock.arm(context.channel) }
        context.fireChannelRead(data)
    }
}

/// The back half of the idle and slow-request policy (see ``RequestClock``).
final class IdleConnectionCloser: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart
    let clock: RequestClock

    init(clock: RequestClock) {
        self.clock = clock
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            clock.arm(context.channel)  // a pipelined request whose bytes came with the previous one
        case .end:
            clock.disarm()
            clock.owed += 1
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { clock.owed = max(0, clock.owed - 1) }
        context.write(data, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        clock.disarm()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .all, clock.owed == 0 {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
