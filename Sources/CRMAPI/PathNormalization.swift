import Hummingbird

/// Decodes percent-encoded unreserved characters in the path before routing (RFC 3986 §6.2.2.2), so
/// `/api/customers/%31` is `/api/customers/1`, as the original service read it. Encoded reserved characters
/// (`%2F`), other bytes and malformed escapes stay as they are: no route or ID matches them, so they are 404.
/// It wraps the whole router, since Hummingbird picks the route before any middleware runs.
public struct PathNormalizingResponder<Next: HTTPResponder>: HTTPResponder {
    let next: Next

    public func respond(to request: Request, context: Next.Context) async throws -> Response {
        guard let path = request.head.path, path.utf8.contains(UInt8(ascii: "%")) else {
            return try await self.next.respond(to: request, context: context)
        }
        var head = request.head
        head.path = Self.normalize(path)
        return try await self.next.respond(to: Request(head: head, body: request.body), context: context)
    }

    /// `path` (with its query, left as it is) with `%XX` of unreserved characters decoded.
    static func normalize(_ path: String) -> String {
        let bytes = Array(path.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "?") {
                output += bytes[index...]
                break
            }
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = Self.hex(bytes[index + 1]), let low = Self.hex(bytes[index + 2]),
                Self.isUnreserved(high << 4 | low)
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        Character(Unicode.Scalar(byte)).hexDigitValue.map(UInt8.init)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        ASCII.isLetterOrDigit(byte) || "-._~".utf8.contains(byte)
    }
}
