import CRMDomain

/// What a request body does with a key its type does not accept (DESIGN §3.6: nothing is silently dropped).
enum UnknownKeys: Sendable {
    /// Every unknown key is 422 naming it and the accepted ones: the new routes (DESIGN §6.2).
    case refused
    /// The original's routes (DESIGN §6.1) ignore unknown keys as FastAPI did, the original's own fields included
    /// (a client may send a whole ticket back), but refuse the fields crm added that the route does not take (`tags`,
    /// `version`, …): no client of the original sends them, and one that does may think it set them.
    case ignoredUnlessCRMField

    /// The ticket and note fields crm added to the original's (DESIGN §6.2), and the shell's `tag`.
    static let crmFieldNames: Set<String> = [
        "priority", "assignee", "tags", "tag", "add_tags", "remove_tags", "version", "author",
    ]

    /// Refuses the first key (in sorted order) that `Body` does not accept and this policy does not ignore.
    func check<Body: JSONBodyDecodable>(_ keys: Dictionary<String, JSONValue>.Keys, for body: Body.Type) throws(CRMError) {
        let accepted = Body.acceptedKeys
        let refused = keys.filter { key in
            !accepted.contains(key) && (self == .refused || Self.crmFieldNames.contains(key))
        }
        guard let key = refused.min() else { return }
        let hint = Body.keyHints[key].map { $0 + "; " } ?? ""
        throw .validation(field: key, reason: "unknown field; \(hint)accepted: \(accepted.joined(separator: ", "))")
    }
}
