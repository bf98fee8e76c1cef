import CRMDomain

/// `GET /api/me`: `role` is null for an anonymous caller (the key is always there, as the OpenAPI schema says).
struct Me: JSONWritable {
    let user: String
    let role: String?
    let permissions: [String]

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("permissions", self.permissions)
        json.field("role", self.role)
        json.field("user", self.user)
        json.endObject()
    }
}
