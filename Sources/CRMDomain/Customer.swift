/// A customer of the support desk.
public struct Customer: Hashable, Sendable, Decodable, JSONWritable {
    public var id: CustomerID
    public var name: String
    public var email: String
    public var company: String?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    /// 1 at creation, +1 on every change (an `If-Match` / expected version compares against it).
    public var version: Int

    public init(
        id: CustomerID, name: String, email: String, company: String?, createdAt: Timestamp, updatedAt: Timestamp,
        version: Int = 1
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.company = company
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    enum CodingKeys: String, CodingKey {
        case id, name, email, company, version
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("company", self.company)
        json.field("created_at", self.createdAt)
        json.field("email", self.email)
        json.field("id", self.id)
        json.field("name", self.name)
        json.field("updated_at", self.updatedAt)
        json.field("version", self.version)
        json.endObject()
    }
}
