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

    /// A response with already written JSON.
    static func make(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], bytes: [UInt8]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        fields[.contentLength] = String(bytes.count)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
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
