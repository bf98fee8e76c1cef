import CRMDomain
import Hummingbird

/// An `If-Match` or `If-None-Match` header (RFC 9110 §13.1): `*` or a list of entity tags. Tickets and
/// customers carry `ETag: "<version>"`.
enum EntityTagCondition: Equatable {
    /// `*`: any current representation.
    case any
    /// The listed tags.
    case tags([EntityTag])

    /// One entity tag: `"3"` (strong) or `W/"3"` (weak).
    struct EntityTag: Equatable {
        let isWeak: Bool
        let opaque: String

        /// The version a tag names: its opaque text as a positive decimal integer that fits in 64 bits.
        var version: Int? {
            guard !self.opaque.isEmpty, self.opaque.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
            return Int(self.opaque)
        }
    }

    /// Parses a header value; nil when it is neither `*` nor a comma-separated list of entity tags. A bare
    /// number (`3`) is read as `"3"`, as earlier crm versions accepted it.
    init?(_ header: String) {
        if header == "*" {
            self = .any
            return
        }
        var tags: [EntityTag] = []
        var rest = Substring(header)
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard !rest.isEmpty else { break }
            if rest.first == "," {
                rest = rest.dropFirst()
                continue
            }
            let isWeak = rest.hasPrefix("W/")
            if isWeak { rest = rest.dropFirst(2) }
            if rest.first == "\"" {
                let body = rest.dropFirst()
                guard let close = body.firstIndex(of: "\"") else { return nil }
                let opaque = body[..<close]
                guard opaque.unicodeScalars.allSatisfy({ $0.value == 0x21 || (0x23...0x7E).contains($0.value) }) else {
                    return nil
                }
                tags.append(EntityTag(isWeak: isWeak, opaque: String(opaque)))
                rest = body[body.index(after: close)...]
            } else {
                guard !isWeak else { return nil }
                let bare = rest.prefix { $0 != "," && $0 != " " && $0 != "\t" }
                guard !bare.isEmpty, bare.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
                tags.append(EntityTag(isWeak: false, opaque: String(bare)))
                rest = rest.dropFirst(bare.count)
            }
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard rest.isEmpty || rest.first == "," else { return nil }
        }
        guard !tags.isEmpty else { return nil }
        self = .tags(tags)
    }

    /// The versions `If-Match` may match: strong tags only (weak comparison is forbidden for `If-Match`).
    var strongVersions: [Int] {
        guard case .tags(let tags) = self else { return [] }
        return tags.filter { !$0.isWeak }.compactMap(\.version)
    }

    /// Whether `If-None-Match` holds for the current version (weak comparison): false means 304.
    func noneMatch(version: Int) -> Bool {
        switch self {
        case .any: false
        case .tags(let tags): !tags.contains { $0.version == version }
        }
    }
}

/// Reading the conditional headers of a request.
enum ConditionalRequest {
    /// The version an update must find (the domain compares it atomically, after validating the change), from
    /// `If-Match`: nil without the header or with `*` (any existing entity). A list holding several versions needs
    /// the current one, which `current` reads. When no listed tag can match (weak tags never do), the version asked
    /// for is one no entity has, so the domain still answers a bad body with its validation error first (RFC 9110
    /// §13.2.1) and a good one with 412.
    static func expectedVersion(_ request: Request, current: () async throws -> Int) async throws -> Int? {
        guard let header = request.headers[.ifMatch] else { return nil }
        guard let condition = EntityTagCondition(header) else {
            throw APIError(
                status: .badRequest, code: "malformed_header", message: "If-Match is not * or a list of entity tags")
        }
        if condition == .any { return nil }
        let versions = condition.strongVersions
        switch versions.count {
        case 0: return Self.noVersion
        case 1: return versions[0]
        default:
            let version = try await current()
            return versions.contains(version) ? version : versions[0]
        }
    }

    /// A version no entity has (versions start at 1).
    private static let noVersion = 0

    /// `304 Not Modified` when `If-None-Match` matches `version`, else nil; a malformed header is ignored
    /// (RFC 9110 §13.1.2 lets a server evaluate only what it understands).
    private static func notModified(_ request: Request, version: Int) -> Response? {
        guard let header = request.headers[.ifNoneMatch], let condition = EntityTagCondition(header),
            !condition.noneMatch(version: version)
        else { return nil }
        return Response(status: .notModified, headers: [.eTag: ETag.header(version)])
    }

    /// A GET's answer for an entity at `version`: `304 Not Modified` when `If-None-Match` matches it, else the
    /// entity as JSON with its `ETag`.
    static func answer(_ request: Request, with entity: some JSONWritable, version: Int) -> Response {
        self.notModified(request, version: version)
            ?? JSONResponse.make(headers: [.eTag: ETag.header(version)], body: entity)
    }

}

/// The `ETag` value of a version.
enum ETag {
    static func header(_ version: Int) -> String { "\"\(version)\"" }
}
