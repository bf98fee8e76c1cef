import CRMDomain
import Hummingbird

/// `POST /api/users`.
struct UserCreateBody: JSONBodyDecodable {
    let name: String
    let role: String
    let displayName: String?

    init(_ fields: JSONFields) throws(CRMError) {
        self.name = try fields.requiredString("name")
        self.role = try fields.requiredString("role")
        self.displayName = try fields.optionalString("display_name")
    }

    func input() throws(CRMError) -> NewUser {
        NewUser(name: self.name, role: try Role(validating: self.role), displayName: self.displayName)
    }
}

/// `PATCH /api/users/{name}`: absent or null fields stay.
struct UserPatchBody: JSONBodyDecodable {
    let role: String?
    let displayName: String?
    let disabled: Bool?

    init(_ fields: JSONFields) throws(CRMError) {
        self.role = try fields.optionalString("role")
        self.displayName = try fields.optionalString("display_name")
        self.disabled = try fields.optionalBool("disabled")
    }

    func changes() throws(CRMError) -> UserChanges {
        UserChanges(
            role: try self.role.map { (text) throws(CRMError) in try Role(validating: text) },
            displayName: self.displayName, disabled: self.disabled)
    }
}

/// `POST /api/tokens`.
extension NewToken: JSONBodyDecodable {
    init(_ fields: JSONFields) throws(CRMError) {
        self.init(
            user: try fields.optionalString("user"), label: try fields.optionalString("label"),
            expires: try fields.optionalString("expires"))
    }
}

extension JSONFields {
    /// A boolean, nil when absent or null.
    func optionalBool(_ key: String) throws(CRMError) -> Bool? {
        switch self.members[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw .validation(field: key, reason: "must be true or false")
        }
    }
}

extension QueryParameters {
    /// A switch: absent, `0` or `false` is off; empty, `1` or `true` is on; anything else is 422.
    func flag(_ name: String) throws -> Bool {
        guard let text = self.value(name) else { return false }
        switch text.lowercased() {
        case "", "1", "true": return true
        case "0", "false": return false
        default: throw APIError.validation(field: name, "must be true or false, got '\(text)'")
        }
    }
}
