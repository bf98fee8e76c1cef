import CRMDomain

/// The one shape of a delete command (`customer delete`, `ticket delete`): the domain refuses a forbidden delete
/// or a missing entity before the question, a yes (or `--yes`) confirms, then the service deletes and the output
/// names what is gone.
enum DeleteCommand {
    /// What a delete command asks the service: whether the caller may delete `ID` now, and the delete itself.
    struct Steps<ID: Sendable>: Sendable {
        let check: @Sendable (ID, Session) async throws -> Void
        let delete: @Sendable (ID, Session) async throws -> Void
    }

    /// `NOUN delete ID [--yes]`; `alsoDeleted` names what goes with it in the question (" and its notes").
    /// `permission` is what `help` shows; the domain enforces it.
    static func spec<ID: CustomStringConvertible & Sendable>(
        _ noun: String, _ idKind: ValueKind, permission: Permission, summary: String, alsoDeleted: String = "",
        id: @escaping @Sendable (Invocation) throws -> ID, _ steps: Steps<ID>
    ) -> CommandSpec {
        CommandSpec(
            [noun, "delete"], [ArgumentSpec("ID", idKind)],
            flags: [FlagSpec("yes", nil, help: "don't ask for confirmation (required without a terminal)")],
            permission: permission, summary: summary, examples: ["\(noun) delete 3 --yes"]
        ) { invocation, session in
            let id = try id(invocation)
            try await steps.check(id, session)
            try await Confirmation.require("delete \(noun) \(id)\(alsoDeleted)?", invocation, session)
            try await steps.delete(id, session)
            return .changed("deleted \(noun) \(id)", Deletion(deleted: "\(noun)/\(id)"))
        }
    }
}
