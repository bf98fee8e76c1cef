import CRMDomain

extension FlagSpec {
    /// `--limit` and `--offset` of a list command, their help naming what it lists (`paging("tickets")`); read back
    /// with `Invocation.page()`.
    static func paging(_ noun: String) -> [FlagSpec] {
        [
            FlagSpec(
                "limit", .number,
                help: "at most N \(noun) (default \(PageRequest.defaultLimit), max \(PageRequest.maximumLimit))"),
            FlagSpec("offset", .number, help: "skip the first N \(noun)"),
        ]
    }
}
