import CRMDomain

/// The one shape of a delete command (`customer delete`, `ticket delete`): the permission is checked before the
/// question, a yes (or `--yes`) confirms, then the service deletes and the output names what is gone.
enum DeleteCommand {
    /// `NOUN delete ID [--yes]`; `alsoDeleted` names what goes with it in the question (" and its notes").
    static func spec<ID: CustomStringConvertible & Sendable>(
        _ noun: String, _ idKind: ValueKind, permission: Permission, summary: String, alsoDeleted: String = "",
        id: @escaping @Sendable (Invocation) throws -> ID,
        delete: @escaping @Sendable (ID, Session) async throws -> Void
    ) -> CommandSpec {
        CommandSpec(
            [noun, "delete"], [ArgumentSpec("ID", idKind)],
            flags: [FlagSpec("yes", nil, help: "don't ask for confirmation (required without a terminal)")],
            permission: permission, summary: summary, examples: ["\(noun) delete 3 --yes"]
        ) { invocation, session in
            let id = try id(invocation)
            try session.service.authorize(session.caller, permission)
            try await Confirmation.require("delete \(noun) \(id)\(alsoDeleted)?", invocation, session)
            try await delete(id, session)
            return .changed("deleted \(noun) \(id)", Deletion(deleted: "\(noun)/\(id)"))
        }
    }
}
