import Foundation
import HTTPTypes
import Hummingbird

/// JSON encoding shared by every response: the same objects and keys as the shell's `--format json`.
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A response with `body` as JSON.
    static func make(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], body: some Encodable) -> Response {
        let data = (try? self.encoder.encode(body)) ?? Data("{}".utf8)
        var fields = headers
        fields[.contentType] = "application/json"
        fields[.contentLength] = String(data.count)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension HTTPField.Name {
    static let processTime = HTTPField.Name("X-Process-Time-ms")!
    static let totalCount = HTTPField.Name("X-Total-Count")!
}
