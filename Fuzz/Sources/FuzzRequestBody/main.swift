import CRMAPI
import CRMDomain
import CRMMemoryStore
import Dispatch
import FuzzSupport
import Hummingbird
import Logging
import NIOEmbedded

/// One HTTP request in, as text: the first line is `METHOD PATH`, the rest is the JSON body. It goes through the
/// real router of one seeded in-memory service (kept across inputs, so later requests meet what earlier ones
/// created) as the admin, and the answer must not be a server error: any body is decoded into an input or refused
/// as the client's mistake.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
    let requestLine = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<newline]), as: UTF8.self)
    let parts = requestLine.split(separator: " ", maxSplits: 1)
    guard parts.count == 2, let method = HTTPRequest.Method(String(parts[0])) else { return 0 }
    let body = Array(bytes[min(newline + 1, bytes.endIndex)...])
    let request = Request(
        head: HTTPRequest(
            method: method, scheme: "http", authority: "localhost", path: String(parts[1]),
            headerFields: [
                .authorization: "Bearer admin123", .contentType: "application/json",
                .contentLength: String(body.count),
            ]),
        body: RequestBody(buffer: ByteBuffer(bytes: body)))
    let status = blocking { await respond(to: request) }
    check(status.code < 500, "\(requestLine) with body \(String(decoding: body, as: UTF8.self).debugDescription) answered \(status)")
    return 0
}

/// The status the router answers, after writing the whole response body.
private func respond(to request: Request) async -> HTTPResponse.Status {
    let context = CRMRequestContext(source: .init(channel: channel, logger: quiet))
    do {
        let response = try await responder.respond(to: request, context: context)
        try await response.body.write(DiscardingWriter())
        return response.status
    } catch let error as any HTTPResponseError {
        return error.status
    } catch {
        return .internalServerError
    }
}

private let start = Timestamp(iso8601: "2025-01-06T09:00:00Z")!
private let responder: some HTTPResponder<CRMRequestContext> = buildRouter(
    service: CRMService(store: InMemoryCRMStore(seed: .demo(), seededAt: start), clock: SteppingClock(start: start))
).buildResponder()
private let channel = NIOAsyncTestingChannel()
private let quiet = Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() })

/// Runs `work` on the concurrency pool and waits for its result.
private func blocking<Value: Sendable>(_ work: @escaping @Sendable () async -> Value) -> Value {
    let box = ResultBox<Value>()
    let done = DispatchSemaphore(value: 0)
    Task {
        box.value = await work()
        done.signal()
    }
    done.wait()
    return box.value!
}

private final class ResultBox<Value>: @unchecked Sendable {
    var value: Value?
}

/// A response body writer that drops what it is given.
private struct DiscardingWriter: ResponseBodyWriter {
    mutating func write(_ buffer: ByteBuffer) async throws {}
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

/// The executable's entry point, which SwiftPM names `<module>_main` and links as `main`: libFuzzer's driver.
@_cdecl("FuzzRequestBody_main")
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv) { data, size in fuzz(data!, size) }
}
