import CRMDomain

/// `customer list|show|create|update|delete`.
enum CustomerCommands {
    static let all: [CommandSpec] = [
        CommandSpec.list(
            ["customer", "list"], noun: "customers", permission: .customerRead, summary: "List customers by ID.",
            examples: ["customer list", "customer list --limit 10 --offset 20"]
        ) { _, session, page in
            try await session.service.listCustomers(page, by: session.caller)
        },
        CommandSpec(
            ["customer", "show"], [ArgumentSpec("ID", .customerID)], permission: .customerRead,
            summary: "Show one customer.", examples: ["customer show 1"]
        ) { invocation, session in
            .record(try await session.service.customer(try invocation.customerID(), by: session.caller))
        },
        CommandSpec(
            ["customer", "create"],
            flags: [
                FlagSpec("name", .text, required: true, help: "full name (required)"),
                FlagSpec("email", .text, required: true, help: "email address (required)"),
                FlagSpec("company", .text, help: "company name"),
            ],
            permission: .customerWrite, summary: "Add a customer.",
            examples: ["customer create --name \"Ada Lovelace\" --email ada@example.com --company Analytical"]
        ) { invocation, session in
            let input = NewCustomer(
                name: try invocation.required("name"), email: try invocation.required("email"),
                company: invocation.flag("company"))
            let customer = try await session.service.createCustomer(input, by: session.caller)
            return .changed("created customer \(customer.id)", customer)
        },
        CommandSpec(
            ["customer", "update"], [ArgumentSpec("ID", .customerID)],
            flags: [
                FlagSpec("name", .text, help: "new name"),
                FlagSpec("email", .text, help: "new email address"),
                FlagSpec("company", .text, help: "new company (empty to clear)"),
            ],
            permission: .customerWrite, summary: "Change a customer's name, email or company.",
            examples: ["customer update 2 --email john.smith@example.com"]
        ) { invocation, session in
            let changes = CustomerChanges(
                name: invocation.flag("name"), email: invocation.flag("email"),
                company: invocation.flag("company").map(Optional.some))
            let customer = try await session.service.updateCustomer(try invocation.customerID(), changes, by: session.caller)
            return .changed("saved customer \(customer.id)", customer)
        },
        DeleteCommand.spec(
            "customer", .customerID, permission: .customerDelete,
            summary: "Delete a customer that has no tickets (admin only).", id: { try $0.customerID() },
            DeleteCommand.Steps(
                check: { try await $1.service.checkDeletable($0, by: $1.caller) },
                delete: { try await $1.service.deleteCustomer($0, by: $1.caller) })
        ),
    ]
}
