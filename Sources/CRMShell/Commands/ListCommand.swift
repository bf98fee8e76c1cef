import CRMDomain

extension CommandSpec {
    /// A paged list command: `filters` plus `--limit`/`--offset`, whose help and footer both count `noun`;
    /// `read` gets the page the user asked for.
    static func list<Item: Renderable>(
        _ path: [String], filters: [FlagSpec] = [], noun: String, permission: Permission, summary: String,
        examples: [String],
        read: @escaping @Sendable (Invocation, Session, PageRequest) async throws -> Page<Item>
    ) -> CommandSpec {
        CommandSpec(
            path, flags: filters + FlagSpec.paging(noun), permission: permission, summary: summary, examples: examples
        ) { invocation, session in
            .list(try await read(invocation, session, try invocation.page()), noun: noun)
        }
    }
}
