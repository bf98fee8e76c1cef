import CRMDomain
import HTTPTypes
import Hummingbird

/// JSON responses: the same objects and keys as the shell's `--format json`, written by the domain's `JSONWriter`.
enum JSONResponse {
    /// A response with `body` as JSON.
    static func make(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], body: some JSONWritable) -> Response {
        var json = JSONWriter()
        body.write(to: &json)
        return self.make(status: status, headers: headers, bytes: json.bytes)
    }

    /// `201 Created` with the new resource's path in `Location` (and any further `headers`).
    static func created(_ body: some JSONWritable, at location: String, headers: HTTPFields = [:]) -> Response {
        var fields: HTTPFields = [.location: location]
        fields.append(contentsOf: headers)
        return self.make(status: .created, headers: fields, body: body)
    }

    /// One page of a list: its items as a JSON array, the total in `X-Total-Count`.
    static func page<Item: JSONWritable>(_ page: Page<Item>) -> Response {
        self.make(headers: [.totalCount: String(page.total)], body: page.items)
    }

    /// A response with already written JSON.
    static func make(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], bytes: [UInt8]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        fields[.contentLength] = String(bytes.count)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension JSONResponse {
    /// A JSON array written page by page as `pages` yields them (a chunked body): memory holds one page, however
    /// many items there are. An error after the first byte ends the body early, so the client sees broken JSON
    /// rather than a truncated list that looks complete.
    static func stream<Pages: AsyncSequence & Sendable>(_ pages: Pages) -> Response
    where Pages.Element: Sequence, Pages.Element.Element: JSONWritable {
        let body = ResponseBody { writer in
            var first = true
            try await writer.write(ByteBuffer(string: "["))
            for try await page in pages {
                var bytes: [UInt8] = []
                for item in page {
                    var json = JSONWriter()
                    item.write(to: &json)
                    if !first { bytes.append(UInt8(ascii: ",")) }
                    bytes += json.bytes
                    first = false
                }
                try await writer.write(ByteBuffer(bytes: bytes))
            }
            try await writer.write(ByteBuffer(string: "]"))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }
}

/// `{"data": note}`, the shape the original service gave `POST /api/notes/{id}`.
struct DataEnvelope<Value: JSONWritable>: JSONWritable {
    let data: Value

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("data")
        json.value(self.data)
        json.endObject()
    }
}

extension HTTPField.Name {
    static let processTime = HTTPField.Name("X-Process-Time-ms")!
    static let totalCount = HTTPField.Name("X-Total-Count")!
}
