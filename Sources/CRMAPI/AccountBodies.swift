import CRMDomain
import Hummingbird

/// `POST /api/users`: every field is read before the role is checked.
extension NewUser: JSONBodyDecodable {
    static let acceptedKeys = ["name", "role", "display_name"]

    init(_ fields: JSONFields) throws(CRMError) {
        let name = try fields.requiredString("name")
        let role = try fields.requiredString("role")
        let displayName = try fields.optionalString("display_name")
        self.init(name: name, role: try Role(validating: role), displayName: displayName)
    }
}

/// `PATCH /api/users/{name}`: absent or null fields stay; every field is read before the role is checked.
extension UserChanges: JSONBodyDecodable {
    static let acceptedKeys = ["role", "display_name", "disabled"]

    init(_ fields: JSONFields) throws(CRMError) {
        let role = try fields.optionalString("role")
        let displayName = try fields.optionalString("display_name")
        let disabled = try fields.optionalBool("disabled")
        self.init(
            role: try role.map { (text) throws(CRMError) in try Role(validating: text) }, displayName: displayName,
            disabled: disabled)
    }
}

/// `POST /api/tokens`.
extension NewToken: JSONBodyDecodable {
    static let acceptedKeys = ["user", "label", "expires"]

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
