import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body is not complete `limit` after its head arrived. Hummingbird's
/// idle timeout restarts with every body chunk, so a client trickling one byte at a time would hold the
/// connection (and a task) forever without this.
final class RequestBodyDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let limit: TimeAmount
    private var deadline: Scheduled<Void>?

    init(limit: TimeAmount) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head) where head.headerFields[.contentLength] == nil && head.headerFields[.transferEncoding] == nil:
            // No body follows (most GETs): no timer to arm and cancel on this request's path.
            self.deadline?.cancel()
            self.deadline = nil
        case .head:
            self.deadline?.cancel()
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            self.deadline = context.eventLoop.scheduleTask(in: self.limit) {
                loopBound.value.close(promise: nil)
            }
        case .body:
            break
        case .end:
            self.deadline?.cancel()
            self.deadline = nil
        }
        context.fireChannelRead(data)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        self.deadline = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        self.deadline = nil
        context.fireChannelInactive()
    }
}
