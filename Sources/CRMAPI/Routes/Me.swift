import CRMDomain

/// `GET /api/me`: `role` is null for an anonymous caller (the key is always there, as the OpenAPI schema says).
struct Me: JSONWritable {
    let user: String
    let role: String?
    let permissions: [String]

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("permissions")
        json.strings(self.permissions)
        json.key("role")
        json.string(self.role)
        json.key("user")
        json.string(self.user)
        json.endObject()
    }
}
