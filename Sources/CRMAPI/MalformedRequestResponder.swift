import CRMDomain
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Answers a request the HTTP parser rejects before its head is complete (a bad request line, a bad header,
/// headers over the limit) with the API's JSON error body and `X-Process-Time-ms`, then closes the connection.
/// Hummingbird alone would send an empty 400. Errors inside a request's body reach the handler reading it
/// (see `ErrorMiddleware`), so they are passed on.
final class MalformedRequestResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Requests whose head was read and whose response is not finished.
    private var openRequests = 0
    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = self.unwrapInboundIn(data) { self.openRequests += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = self.unwrapOutboundIn(data) { self.openRequests = max(0, self.openRequests - 1) }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let start = ContinuousClock.now
        guard self.openRequests == 0, !self.answered, let apiError = APIError(framing: error) else {
            context.fireErrorCaught(error)
            return
        }
        self.answered = true
        var json = JSONWriter()
        apiError.write(to: &json)
        let bytes = json.bytes
        var head = HTTPResponse(status: apiError.status)
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = String(bytes.count)
        head.headerFields[.connection] = "close"
        head.headerFields[.processTime] = TimingMiddleware.milliseconds(ContinuousClock.now - start)
        context.write(self.wrapOutboundOut(.head(head)), promise: nil)
        context.write(self.wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: bytes))), promise: nil)
        context.writeAndFlush(self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

extension APIError {
    /// The answer to a request the HTTP parser or the conversion of its head refused; nil for other errors
    /// (a reset connection, say), which have no one to answer.
    init?(framing error: any Error) {
        switch error {
        case HTTPParserError.headerOverflow:
            self.init(
                status: .requestHeaderFieldsTooLarge, code: "headers_too_large",
                message: "request headers are larger than the server accepts")
        case let error as HTTPParserError:
            self.init(status: .badRequest, code: "bad_request", message: "malformed HTTP request (\(error))")
        case let error as HTTP1TypeConversionError:
            self.init(status: .badRequest, code: "bad_request", message: "malformed HTTP request (\(error))")
        default:
            return nil
        }
    }
}
