import CRMDomain
import CRMShell
import Testing

/// The public renderers (for fuzzers) print exactly what the commands print.
struct RenderingTests {
    @Test(arguments: OutputFormat.allCases)
    func publicRenderersMatchTheCommands(format: OutputFormat) async throws {
        let shell = await TestShell.loggedIn(as: "agent")
        await shell.ok("ticket create --customer 1 --subject 'Printer on fire' --tag hw")
        await shell.ok("note add 1 It's out now")
        shell.session.format = format
        let service = shell.session.service
        let caller = shell.session.caller
        let customer = try await service.customer(CustomerID(1), by: caller)
        #expect(Rendering.customer(customer, format: format) == (await shell.ok("customer show 1")))
        let tickets = try await service.listTickets(TicketFilter(), PageRequest(), by: caller)
        #expect(
            Rendering.tickets(tickets.items, total: tickets.total, format: format) == (await shell.ok("ticket list")))
        let notes = try await service.notes(on: TicketID(1), by: caller)
        #expect(Rendering.ticket(tickets.items[0], notes: notes, format: format) == (await shell.ok("ticket show 1")))
        #expect(Rendering.notes(notes, format: format) == (await shell.ok("note list 1")))
    }

    @Test func theParseEntryPointNeedsNoSession() throws {
        guard case .invocation(let invocation) = try CommandTable.parse(line: "note add 3 it's #1") else {
            Issue.record("not an invocation")
            return
        }
        #expect(invocation.command.name == "note add")
        #expect(invocation.arguments["TEXT"] == ["it's #1"])
        #expect(throws: ShellError.usage("unterminated quote")) { try CommandTable.parse(line: "ticket show 'x") }
    }
}
