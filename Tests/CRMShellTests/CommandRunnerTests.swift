import CRMDomain
import CRMShell
import CRMTestSupport
import Foundation
import Testing

/// Every command of DESIGN §5.3 (but `server`) through `CommandRunner`: success and failure paths, the exit status
/// of each error class (§5.5), and the output formats (§5.4).
struct CommandRunnerTests {
    // MARK: help

    /// The `help` overview line of a command, found by its name; nil when the command is not listed.
    static func helpLine(_ overview: String, _ name: String) -> Substring? {
        overview.split(separator: "\n").first { line in
            line.count > 2 && (line.dropFirst(2).hasPrefix(name + " ") || line.dropFirst(2) == name)
        }
    }

    static let everyCommand = [
        "help", "login", "logout", "whoami", "customer list", "customer show", "customer create", "customer update",
        "customer delete", "ticket list", "ticket show", "ticket create", "ticket update", "ticket assign",
        "ticket resolve", "ticket close", "ticket reopen", "ticket delete", "ticket history", "note add", "note list",
        "audit", "server start", "server stop", "server status", "set", "source", "exit", "quit",
    ]

    @Test func helpListsEveryCommand() async throws {
        let shell = TestShell()
        let overview = await shell.ok("help")
        #expect(overview.hasPrefix("commands (* = not allowed for anonymous):\n"))
        for name in Self.everyCommand {
            #expect(Self.helpLine(overview, name) != nil, "help does not list \(name)")
        }
        #expect(overview.contains("Type 'help COMMAND' or 'COMMAND --help' for details."))
    }

    @Test(arguments: [
        // (who, command, marked with *)
        ("anonymous", "customer list", true), ("anonymous", "ticket create", true), ("anonymous", "note add", true),
        ("anonymous", "ticket list", false), ("anonymous", "ticket show", false), ("anonymous", "login", false),
        ("anonymous", "help", false), ("anonymous", "set", false),
        ("agent", "customer list", false), ("agent", "ticket create", false), ("agent", "ticket history", false),
        ("agent", "ticket delete", true), ("agent", "customer delete", true), ("agent", "audit", true),
        ("admin", "ticket delete", false), ("admin", "customer delete", false), ("admin", "audit", false),
    ])
    func helpMarksCommandsTheRoleMayNotRun(who: String, command: String, marked: Bool) async throws {
        let shell = TestShell()
        if who != "anonymous" { await shell.login(as: who) }
        let overview = await shell.ok("help")
        #expect(overview.hasPrefix("commands (* = not allowed for \(who)):\n"))
        let line = try #require(Self.helpLine(overview, command))
        #expect(line.hasPrefix("* ") == marked, "\(line)")
        #expect(line.hasPrefix("  ") == !marked, "\(line)")
    }

    @Test func helpMarksNothingForAnAdmin() async {
        let shell = await TestShell.loggedIn(as: "admin")
        let overview = await shell.ok("help")
        #expect(!overview.split(separator: "\n").contains { $0.hasPrefix("* ") })
    }

    @Test func helpOfANounListsItsCommands() async {
        let shell = TestShell()
        let text = await shell.ok("help ticket")
        let lines = text.split(separator: "\n")
        #expect(lines.count == 10)
        #expect(lines.allSatisfy { $0.dropFirst(2).hasPrefix("ticket ") })
        // Anonymous may list but not delete.
        #expect(Self.helpLine(text, "ticket list")?.hasPrefix("  ") == true)
        #expect(Self.helpLine(text, "ticket delete")?.hasPrefix("* ") == true)
    }

    @Test func helpOfACommandShowsUsageFlagsPermissionAndExamples() async {
        let shell = TestShell()
        let text = await shell.ok("help ticket update")
        #expect(text.hasPrefix("usage: ticket update ID [--subject SUBJECT] [--description DESCRIPTION] [--status "))
        #expect(text.contains("\nflags:\n"))
        #expect(text.contains("  --add-tag "))
        #expect(text.contains("\nrequires: ticket.update\n"))
        #expect(text.contains("\nexamples:\n  ticket update 3 --status in_progress\n"))
    }

    @Test(arguments: [
        ("ticket update --help", "help ticket update"),
        ("ticket update 1 --status closed --help", "help ticket update"),
        ("ticket create --customer 1 --subject X --help", "help ticket create"),
        ("customer create --name X --email x@example.com --help", "help customer create"),
        ("login admin123 --help", "help login"),
        ("note add 1 --help", "help note add"),
        ("audit --help", "help audit"),
    ])
    func dashDashHelpShowsTheCommandsHelpAndRunsNothing(line: String, same: String) async {
        let shell = await TestShell.loggedIn(as: "agent")
        await shell.ok("ticket create --customer 1 --subject Existing")
        let help = await shell.ok(line)
        #expect(help.hasPrefix("usage: "))
        let reference = await shell.ok(same)
        #expect(help == reference)
        // Nothing ran: still the agent, one open ticket, two customers.
        let who = await shell.ok("whoami")
        #expect(who == "agent (agent); token 1 \"seed\", never expires\n")
        let tickets = await shell.ok("ticket list")
        #expect(tickets.hasSuffix("(1-1 of 1 tickets)\n"))
        #expect(tickets.contains(" open "))
        let customers = await shell.ok("customer list")
        #expect(customers.hasSuffix("(1-2 of 2 customers)\n"))
    }

    @Test(arguments: [("customer list", "customers"), ("ticket list", "tickets"), ("audit", "events")])
    func pagingHelpNamesWhatTheCommandLists(command: String, noun: String) async {
        let help = await TestShell().ok("help \(command)")
        #expect(help.contains("  at most N \(noun) (default 100, max 1000)\n"))
        #expect(help.contains("  skip the first N \(noun)\n"))
    }

    @Test func helpOfAnUnknownCommandSuggestsTheClosestOne() async {
        let shell = TestShell()
        await shell.fails("help tickt", .usage, "unknown command 'tickt'; did you mean 'ticket'?")
        await shell.fails("help ticket shwo", .usage, "did you mean 'ticket show'?")
    }

    // MARK: login, logout, whoami

    @Test func loginWithAGoodTokenLogsIn() async {
        let shell = TestShell()
        #expect(shell.session.prompt == "crm> ")
        #expect((await shell.ok("login agent123")) == "logged in as agent (agent)\n")
        #expect(shell.session.caller.principal.name == "agent")
        #expect(shell.session.caller.principal.user?.role == .agent)
        #expect(shell.session.prompt == "crm(agent)> ")
        #expect((await shell.ok("login admin123")) == "logged in as admin (admin)\n")
        #expect(shell.session.prompt == "crm(admin)> ")
    }

    @Test func loginWithABadTokenIsDeniedAndLeavesTheSessionAsItWas() async {
        let shell = TestShell()
        let anonymous = await shell.fails("login hunter2", .denied, "invalid token")
        #expect(!anonymous.error.contains("hunter2"))
        #expect(shell.session.caller == .anonymous(via: .shell))

        await shell.login(as: "agent")
        let before = shell.session.caller
        let agent = await shell.fails("login admin1234", .denied, "invalid token")
        #expect(!agent.error.contains("admin1234"))
        #expect(shell.session.caller == before)
        #expect(shell.session.prompt == "crm(agent)> ")
    }

    @Test func loginWithoutATokenOffATerminalIsAUsageError() async {
        let shell = TestShell()
        #expect(shell.session.readSecret == nil)
        await shell.fails("login", .usage, "login needs a TOKEN when not on a terminal")
        #expect(shell.session.caller == .anonymous(via: .shell))
    }

    @Test func loginWithoutATokenOnATerminalAsksForIt() async {
        let shell = TestShell()
        var asked: [String] = []
        shell.session.readSecret = { prompt in
            asked.append(prompt)
            return "admin123"
        }
        #expect((await shell.ok("login")) == "logged in as admin (admin)\n")
        #expect(asked == ["token: "])
        #expect(shell.session.caller.principal.name == "admin")
    }

    @Test func loginAbandonedAtTheTokenPromptDoesNothing() async {
        let shell = TestShell()
        shell.session.readSecret = { _ in nil }
        #expect((await shell.ok("login")) == "")
        #expect(shell.session.caller == .anonymous(via: .shell))
    }

    @Test func logoutMakesTheSessionAnonymousAgain() async {
        let shell = await TestShell.loggedIn(as: "agent")
        #expect((await shell.ok("logout")) == "logged out\n")
        #expect(shell.session.prompt == "crm> ")
        #expect((await shell.ok("whoami")) == "anonymous\n")
        await shell.fails("customer list", .denied, "customer.read requires login")
    }

    @Test func whoamiNamesUserAndRole() async {
        let shell = TestShell()
        #expect((await shell.ok("whoami")) == "anonymous\n")
        await shell.login(as: "agent")
        #expect((await shell.ok("whoami")) == "agent (agent); token 1 \"seed\", never expires\n")
        await shell.login(as: "admin")
        #expect((await shell.ok("whoami")) == "admin (admin); token 2 \"seed\", never expires\n")
        await shell.fails("whoami now", .usage, "unexpected argument 'now' for 'whoami'")
    }

    // MARK: customers

    @Test func customerListShowsATableWithARange() async {
        let shell = await TestShell.loggedIn(as: "agent")
        let table = await shell.ok("customer list")
        #expect(
            table == """
                id  name        email             company
                1   Jane Doe    jane@example.com
                2   John Smith  john@example.com
                (1-2 of 2 customers)

                """)
    }

    @Test(arguments: [
        ("customer list --limit 1", ["Jane Doe"], "(1-1 of 2 customers)"),
        ("customer list --limit=1", ["Jane Doe"], "(1-1 of 2 customers)"),
        ("customer list --offset 1", ["John Smith"], "(2-2 of 2 customers)"),
        ("customer list --limit 1 --offset 1", ["John Smith"], "(2-2 of 2 customers)"),
        ("customer list --offset 5", [], "(0 of 2 customers)"),
    ])
    func customerListPages(line: String, names: [String], range: String) async {
        let shell = await TestShell.loggedIn(as: "agent")
        let table = await shell.ok(line)
        for name in ["Jane Doe", "John Smith"] {
            #expect(table.contains(name) == names.contains(name), "\(name) in \(table)")
        }
        #expect(table.hasSuffix(range + "\n"))
    }

    @Test func customerListFailures() async {
        let shell = TestShell()
        await shell.fails("customer list", .denied, "permission denied: customer.read requires login")
        await shell.login(as: "agent")
        await shell.fails("customer list --limit x", .usage, "--limit must be a whole number, got 'x'")
        await shell.fails("customer list --offset=y", .usage, "--offset must be a whole number, got 'y'")
        await shell.fails("customer list --limit 0", .failure, "limit: must be at least 1")
        await shell.fails("customer list --limit 1001", .failure, "limit: must be at most 1000")
        await shell.fails("customer list --offset -1", .failure, "offset: must not be negative")
        await shell.fails("customer list --limt 1", .usage, "unknown flag '--limt' for 'customer list'; did you mean '--limit'?")
        await shell.fails("customer list --limit", .usage, "--limit needs a value")
    }

    @Test func customerShowPrintsOneRecord() async {
        let shell = await TestShell.loggedIn(as: "agent")
        #expect(
            (await shell.ok("customer show 1")) == """
                id:         1
                name:       Jane Doe
                email:      jane@example.com
                company:
                created_at: 2025-01-06T09:00:00Z
                updated_at: 2025-01-06T09:00:00Z
                version:    1

                """)
    }

    @Test func customerShowFailures() async {
        let shell = TestShell()
        await shell.fails("customer show 1", .denied, "customer.read requires login")
        await shell.login(as: "agent")
        await shell.fails("customer show 99", .failure, "customer/99 not found")
        await shell.fails("customer show abc", .usage, "ID must be a positive whole number, got 'abc'")
        await shell.fails("customer show 0", .usage, "ID must be a positive whole number, got '0'")
        await shell.fails("customer show", .usage, "missing ID; usage: customer show ID")
        await shell.fails("customer show 1 2", .usage, "unexpected argument '2' for 'customer show'")
    }

    @Test func customerCreateAddsACustomer() async {
        let shell = await TestShell.loggedIn(as: "agent")
        #expect(
            (await shell.ok("customer create --name \"Ada Lovelace\" --email ada@example.com --company Analytical"))
                == "created customer 3\n")
        let record = await shell.ok("customer show 3")
        #expect(record.contains("name:       Ada Lovelace\n"))
        #expect(record.contains("email:      ada@example.com\n"))
        #expect(record.contains("company:    Analytical\n"))
        #expect(record.contains("created_at: 2025-01-06T09:00:00Z\n"))
        #expect((await shell.ok("customer create --name=Bob --email=bob@example.com")) == "created customer 4\n")
    }

    @Test func customerCreateFailures() async {
        let shell = TestShell()
        await shell.fails("customer create --name X --email x@example.com", .denied, "customer.write requires login")
        await shell.login(as: "agent")
        await shell.fails("customer create --email x@example.com", .usage, "customer create needs --name")
        await shell.fails("customer create --name X", .usage, "customer create needs --email")
        await shell.fails(
            "customer create --name X --email not-an-email", .failure, "email: 'not-an-email' is not a valid email address")
        await shell.fails("customer create --name '' --email x@example.com", .failure, "name:")
        await shell.fails("customer create --name X --emial x@example.com", .usage, "did you mean '--email'?")
        // Nothing was created by the failures.
        #expect((await shell.ok("customer list")).hasSuffix("(1-2 of 2 customers)\n"))
    }

    @Test func customerUpdateChangesFields() async {
        let shell = await TestShell.loggedIn(as: "agent")
        #expect((await shell.ok("customer update 2 --email john.smith@example.com")) == "saved customer 2\n")
        #expect((await shell.ok("customer show 2")).contains("email:      john.smith@example.com\n"))
        await shell.ok("customer update 2 --company Acme --name 'John Q. Smith'")
        let record = await shell.ok("customer show 2")
        #expect(record.contains("name:       John Q. Smith\n"))
        #expect(record.contains("company:    Acme\n"))
        await shell.ok("customer update 2 --company ''")
        #expect((await shell.ok("customer show 2")).contains("company:\n"))
    }

    @Test func customerUpdateFailures() async {
        let shell = TestShell()
        await shell.fails("customer update 2 --name X", .denied, "customer.write requires login")
        await shell.login(as: "agent")
        await shell.fails("customer update 99 --name X", .failure, "customer/99 not found")
        await shell.fails("customer update 2 --email nope", .failure, "email: 'nope' is not a valid email address")
        await shell.fails("customer update x --name X", .usage, "ID must be a positive whole number, got 'x'")
        await shell.fails("customer update --name X", .usage, "missing ID")
        #expect((await shell.ok("customer show 2")).contains("email:      john@example.com\n"))
    }

    @Test func customerDeleteByAnAdminWithYes() async {
        let shell = await TestShell.loggedIn(as: "admin")
        await shell.ok("customer create --name Temp --email temp@example.com")
        #expect((await shell.ok("customer delete 3 --yes")) == "deleted customer 3\n")
        await shell.fails("customer show 3", .failure, "customer/3 not found")
        await shell.fails("customer delete 3 --yes", .failure, "customer/3 not found")
    }

    @Test func customerDeleteRefusesACustomerWithTickets() async {
        let shell = await TestShell.loggedIn(as: "admin")
        await shell.ok("ticket create --customer 1 --subject Hello")
        await shell.fails("customer delete 1 --yes", .failure, "customer/1 still has 1 ticket")
        #expect((await shell.ok("customer show 1")).contains("Jane Doe"))
    }

    @Test func customerDeleteWithoutATerminalNeedsYes() async {
        let shell = await TestShell.loggedIn(as: "admin")
        await shell.fails("customer delete 2", .usage, "customer delete needs --yes when not run on a terminal")
        #expect((await shell.ok("customer show 2")).contains("John Smith"))
        await shell.fails("customer delete 2 --yes=please", .usage, "--yes takes no value")
    }

    @Test func customerDeleteChecksPermissionBeforeAskingForYes() async {
        let shell = TestShell()
        await shell.fails("customer delete 2", .denied, "customer.delete requires login")
        await shell.login(as: "agent")
        var asked = 0
        shell.session.confirm = { _ in
            asked += 1
            return true
        }
        await shell.fails("customer delete 2", .denied, "permission denied: agent lacks customer.delete")
        await shell.fails("customer delete 2 --yes", .denied, "permission denied: agent lacks customer.delete")
        #expect(asked == 0)
        #expect((await shell.ok("customer show 2")).contains("John Smith"))
    }

    @Test func customerDeleteOnATerminalAsksForConfirmation() async {
        let shell = await TestShell.loggedIn(as: "admin")
        var questions: [String] = []
        var answer = false
        shell.session.confirm = { question in
            questions.append(question)
            return answer
        }
        await shell.fails("customer delete 2", .failure, "cancelled")
        #expect(questions == ["delete customer 2? [y/N] "])
        #expect((await shell.ok("customer show 2")).contains("John Smith"))
        answer = true
        #expect((await shell.ok("customer delete 2")) == "deleted customer 2\n")
        #expect(questions.count == 2)
        // --yes skips the question.
        await shell.ok("customer create --name Temp --email temp@example.com")
        await shell.ok("customer delete 3 --yes")
        #expect(questions.count == 2)
    }

    // MARK: tickets

    /// A shell with the triage queue of four tickets (as the agent):
    /// 1 Jane "Invoice shows wrong VAT" billing, open, normal, unassigned
    /// 2 John "Site down for all users" outage, open, urgent, agent
    /// 3 John "Export to CSV is slow" performance, pending, low, unassigned
    /// 4 Jane "Refund not received" billing, open, normal, admin, description mentions an order
    static func queue() async -> TestShell {
        let shell = await TestShell.loggedIn(as: "agent")
        await shell.ok("ticket create --customer 1 --subject 'Invoice shows wrong VAT' --tag billing")
        await shell.ok("ticket create --customer 2 --subject 'Site down for all users' --priority urgent --tag outage --assignee me")
        await shell.ok("ticket create --customer 2 --subject 'Export to CSV is slow' --priority low --tag performance")
        await shell.ok("ticket update 3 --status pending")
        await shell.ok(
            "ticket create --customer 1 --subject 'Refund not received' --tag billing --assignee admin --description 'Order 7 was returned'"
        )
        return shell
    }

    /// The IDs a `ticket list` line gives, read from its JSON output.
    static func ids(_ shell: TestShell, _ line: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [Int]
    {
        let format = shell.session.format
        shell.session.format = .json
        defer { shell.session.format = format }
        let output = await shell.ok(line, sourceLocation: sourceLocation)
        let tickets = try JSONDecoder().decode([Ticket].self, from: Data(output.utf8))
        return tickets.map(\.id.rawValue)
    }

    @Test(arguments: [
        ("ticket list", [1, 2, 3, 4]),
        ("ticket list --customer 2", [2, 3]),
        ("ticket list --customer=1", [1, 4]),
        ("ticket list --status open", [1, 2, 4]),
        ("ticket list --status pending", [3]),
        ("ticket list --status closed", []),
        ("ticket list --priority urgent", [2]),
        ("ticket list --priority normal", [1, 4]),
        ("ticket list --assignee me", [2]),
        ("ticket list --assignee agent", [2]),
        ("ticket list --assignee admin", [4]),
        ("ticket list --assignee none", [1, 3]),
        ("ticket list --tag billing", [1, 4]),
        ("ticket list --tag outage", [2]),
        ("ticket list --search refund", [4]),
        ("ticket list --search 'order 7'", [4]),
        ("ticket list --search CSV", [3]),
        ("ticket list --assignee admin --tag billing", [4]),
        ("ticket list --status=open --priority=normal", [1, 4]),
        ("ticket list --limit 2", [1, 2]),
        ("ticket list --offset 3", [4]),
        ("ticket list --limit 1 --offset 1", [2]),
    ])
    func ticketListFilters(line: String, expected: [Int]) async throws {
        let shell = await Self.queue()
        #expect(try await Self.ids(shell, line) == expected)
    }

    @Test func ticketListTable() async {
        let shell = await Self.queue()
        #expect(
            (await shell.ok("ticket list --status open --limit 2")) == """
                id  customer_id  status  priority  assignee  tags     subject
                1   1            open    normal              billing  Invoice shows wrong VAT
                2   2            open    urgent    agent     outage   Site down for all users
                (1-2 of 3 tickets)

                """)
        #expect((await shell.ok("ticket list --tag nothing")).hasSuffix("(0 of 0 tickets)\n"))
    }

    @Test func ticketListFailures() async {
        let shell = await Self.queue()
        await shell.fails("ticket list --status bogus", .failure, "status: unknown status 'bogus'")
        await shell.fails("ticket list --priority extreme", .failure, "priority: unknown priority 'extreme'")
        await shell.fails("ticket list --customer abc", .usage, "--customer must be a positive whole number, got 'abc'")
        await shell.fails("ticket list --limit x", .usage, "--limit must be a whole number, got 'x'")
        await shell.fails("ticket list --tag 'no spaces'", .failure, "tag:")
        await shell.fails("ticket list --stauts open", .usage, "unknown flag '--stauts' for 'ticket list'; did you mean '--status'?")
        await shell.fails("ticket list --status", .usage, "--status needs a value")
    }

    @Test func ticketListIsPublicUnlessTheSettingSaysOtherwise() async {
        let open = TestShell()
        #expect((await open.ok("ticket list")).hasSuffix("(0 of 0 tickets)\n"))
        let closed = TestShell(publicTickets: false)
        await closed.fails("ticket list", .denied, "permission denied: ticket.read requires login")
        await closed.fails("ticket show 1", .denied, "ticket.read requires login")
        await closed.login(as: "agent")
        await closed.ok("ticket list")
    }

    @Test func ticketShowPrintsTheTicketAndItsNotes() async {
        let shell = await TestShell.loggedIn(as: "agent")
        await shell.ok("ticket create --customer 1 --subject 'Cannot log in' --tag login --tag web")
        #expect(
            (await shell.ok("ticket show 1")) == """
                id:          1
                customer_id: 1
                subject:     Cannot log in
                description:
                status:      open
                priority:    normal
                assignee:
                tags:        login,web
                created_at:  2025-01-06T09:00:00Z
                updated_at:  2025-01-06T09:00:00Z
                version:     1
                notes:  (none)

                """)
        await shell.ok("note add 1 Called Jane")
        #expect((await shell.ok("ticket show 1")).hasSuffix("notes:\n  [2025-01-06T09:00:01Z] agent: Called Jane\n"))
    }

    @Test func ticketShowWithoutNotePermissionLeavesNotesOut() async {
        let shell = await TestShell.loggedIn(as: "agent")
        await shell.ok("ticket create --customer 1 --subject 'Cannot log in'")
        await shell.ok("note add 1 Private remark")
        await shell.ok("logout")
        let shown = await shell.ok("ticket show 1")
        #expect(shown.contains("subject:     Cannot log in\n"))
        #expect(!shown.contains("notes"))
        #expect(!shown.contains("Private remark"))
    }

    @Test func ticketShowFailures() async {
        let shell = TestShell()
        await shell.fails("ticket show 999", .failure, "ticket/999 not found")
        await shell.fails("ticket show abc", .usage, "ID must be a positive whole number, got 'abc'")
        await shell.fails("ticket show -1", .usage, "ID must be a positive whole number, got '-1'")
        await shell.fails("ticket show", .usage, "missing ID")
        await shell.fails("ticket shwo 1", .usage, "unknown command 'ticket shwo'; did you mean 'ticket show'?")
    }

    @Test func ticketCreateOpensATicket() async throws {
        let shell = await TestShell.loggedIn(as: "agent")
        #expect((await shell.ok("ticket create --customer 1 --subject 'Cannot log in'")) == "created ticket 1\n")
        #expect(
            (await shell.ok(
                "ticket create --customer=2 --subject=Refund --description 'Order 7' --priority high --assignee me --tag b --tag a"))
                == "created ticket 2\n")
        shell.session.format = .json
        let ticket = try JSONDecoder().decode(Ticket.self, from: Data((await shell.ok("ticket show 2")).utf8))
        #expect(ticket.customerID == CustomerID(2))
        #expect(ticket.subject == "Refund")
        #expect(ticket.description == "Order 7")
        #expect(ticket.priority == .high)
        #expect(ticket.assignee == "agent")
        #expect(ticket.tags == ["a", "b"])
        #expect(ticket.status == .open)
        #expect(ticket.version == 1)
    }

    @Test func ticketCreateFailures() async {
        let shell = TestShell()
        await shell.fails("ticket create --customer 1 --subject X", .denied, "permission denied: ticket.create requires login")
        await shell.login(as: "agent")
        await shell.fails("ticket create --subject X", .usage, "ticket create needs --customer")
        await shell.fails("ticket create --customer 1", .usage, "ticket create needs --subject")
        await shell.fails("ticket create --customer abc --subject X", .usage, "--customer must be a positive whole number")
        await shell.fails("ticket create --customer 99 --subject X", .failure, "customer/99 not found")
        await shell.fails("ticket create --customer 1 --subject ''", .failure, "subject:")
        await shell.fails(
            "ticket create --customer 1 --subject \(String(repeating: "x", count: 201))", .failure, "subject:")
        await shell.fails("ticket create --customer 1 --subject X --priority extreme", .failure, "unknown priority 'extreme'")
        await shell.fails("ticket create --customer 1 --subject X --assignee ghost", .failure, "unknown user 'ghost'")
        await shell.fails("ticket create --customer 1 --subject X --subject Y", .usage, "--subject given more than once")
        await shell.fails("ticket create --customer 1 --subjet X", .usage, "did you mean '--subject'?")
        #expect((await shell.ok("ticket list")).hasSuffix("(0 of 0 tickets)\n"))
    }

    @Test func ticketUpdateChangesFieldsAndStatus() async throws {
        let shell = await Self.queue()
        #expect((await shell.ok("ticket update 1 --status in_progress")) == "ticket 1: in_progress, version 2\n")
        #expect(
            (await shell.ok("ticket update 1 --subject 'VAT wrong' --priority high --add-tag vip --remove-tag billing"))
                == "ticket 1: in_progress, version 3\n")
        // Setting what is already there is a no-op that succeeds and keeps the version.
        #expect((await shell.ok("ticket update 1 --status in_progress")) == "ticket 1: in_progress, version 3\n")
        shell.session.format = .json
        let ticket = try JSONDecoder().decode(Ticket.self, from: Data((await shell.ok("ticket show 1")).utf8))
        #expect(ticket.subject == "VAT wrong")
        #expect(ticket.priority == .high)
        #expect(ticket.tags == ["vip"])
        #expect(ticket.status == .inProgress)
        #expect(ticket.version == 3)
    }

    @Test func ticketUpdateFailures() async {
        let shell = await Self.queue()
        await shell.ok("ticket resolve 1")
        await shell.fails(
            "ticket update 1 --status pending", .failure,
            "cannot move ticket from resolved to pending; allowed: open, in_progress, closed")
        await shell.fails("ticket update 1 --status bogus", .failure, "status: unknown status 'bogus'")
        await shell.fails("ticket update 999 --status open", .failure, "ticket/999 not found")
        await shell.fails("ticket update 1 --colour red", .usage, "unknown flag '--colour' for 'ticket update'")
        await shell.fails("ticket update --status open", .usage, "missing ID")
        await shell.fails("ticket update 1 --add-tag 'two words'", .failure, "tags:")
        await shell.ok("logout")
        await shell.fails("ticket update 1 --status open", .denied, "ticket.update requires login")
    }

    @Test func ticketAssign() async throws {
        let shell = await Self.queue()
        #expect((await shell.ok("ticket assign 1 me")) == "ticket 1: open, version 2\n")
        #expect(try await Self.ids(shell, "ticket list --assignee me") == [1, 2])
        #expect((await shell.ok("ticket assign 1 admin")) == "ticket 1: open, version 3\n")
        #expect(try await Self.ids(shell, "ticket list --assignee admin") == [1, 4])
        #expect((await shell.ok("ticket assign 1 none")) == "ticket 1: open, version 4\n")
        #expect(try await Self.ids(shell, "ticket list --assignee none") == [1, 3])
        await shell.fails("ticket assign 1 ghost", .failure, "assignee: unknown user 'ghost'")
        await shell.fails("ticket assign 1", .usage, "missing USER")
        await shell.fails("ticket assign 999 me", .failure, "ticket/999 not found")
        await shell.ok("logout")
        await shell.fails("ticket assign 1 me", .denied, "ticket.update requires login")
    }

    @Test func ticketResolveCloseReopen() async {
        let shell = await Self.queue()
        #expect((await shell.ok("ticket resolve 1")) == "ticket 1: resolved, version 2\n")
        #expect((await shell.ok("ticket reopen 1")) == "ticket 1: open, version 3\n")
        #expect((await shell.ok("ticket close 1")) == "ticket 1: closed, version 4\n")
        #expect((await shell.ok("ticket close 1")) == "ticket 1: closed, version 4\n")
        await shell.fails("ticket resolve 1", .failure, "cannot move ticket from closed to resolved; allowed: none")
        // An agent may not reopen a closed ticket; an admin may.
        await shell.fails("ticket reopen 1", .denied, "permission denied: agent lacks ticket.reopen_closed")
        await shell.login(as: "admin")
        await shell.fails("ticket resolve 1", .failure, "cannot move ticket from closed to resolved; allowed: open")
        #expect((await shell.ok("ticket reopen 1")) == "ticket 1: open, version 5\n")
        await shell.fails("ticket resolve 999", .failure, "ticket/999 not found")
        await shell.fails("ticket close x", .usage, "ID must be a positive whole number, got 'x'")
        await shell.fails("ticket reopen", .usage, "missing ID")
        await shell.ok("logout")
        await shell.fails("ticket close 2", .denied, "ticket.update requires login")
    }

    @Test func ticketDeleteByAnAdmin() async throws {
        let shell = await Self.queue()
        await shell.login(as: "admin")
        #expect((await shell.ok("ticket delete 1 --yes")) == "deleted ticket 1\n")
        await shell.fails("ticket show 1", .failure, "ticket/1 not found")
        await shell.fails("ticket delete 1 --yes", .failure, "ticket/1 not found")
        await shell.fails("ticket delete abc --yes", .usage, "ID must be a positive whole number, got 'abc'")
        #expect(try await Self.ids(shell, "ticket list") == [2, 3, 4])
    }

    @Test func ticketDeleteWithoutATerminalNeedsYes() async {
        let shell = await Self.queue()
        await shell.login(as: "admin")
        await shell.fails("ticket delete 1", .usage, "ticket delete needs --yes when not run on a terminal")
        #expect((await shell.ok("ticket show 1")).contains("Invoice shows wrong VAT"))
    }

    @Test func ticketDeleteChecksPermissionBeforeConfirmation() async {
        let shell = await Self.queue()
        // An agent's delete without --yes is a permission error (4), not a usage error (2).
        await shell.fails("ticket delete 1", .denied, "permission denied: agent lacks ticket.delete")
        await shell.fails("ticket delete 1 --yes", .denied, "permission denied: agent lacks ticket.delete")
        var asked = 0
        shell.session.confirm = { _ in
            asked += 1
            return true
        }
        await shell.fails("ticket delete 1", .denied, "agent lacks ticket.delete")
        #expect(asked == 0)
        await shell.ok("logout")
        await shell.fails("ticket delete 1", .denied, "ticket.delete requires login")
        #expect((await shell.ok("ticket show 1")).contains("Invoice shows wrong VAT"))
    }

    @Test func deleteOfAMissingTicketOrCustomerAsksNothing() async {
        let shell = await TestShell.loggedIn(as: "admin")
        var asked = 0
        shell.session.confirm = { _ in
            asked += 1
            return true
        }
        await shell.fails("ticket delete 99", .failure, "ticket/99 not found")
        await shell.fails("customer delete 99", .failure, "customer/99 not found")
        // Off a terminal too: the missing entity is reported, not the missing --yes.
        shell.session.confirm = nil
        await shell.fails("ticket delete 99", .failure, "ticket/99 not found")
        #expect(asked == 0)
    }

    @Test func ticketDeleteOnATerminalAsksForConfirmation() async {
        let shell = await Self.queue()
        await shell.login(as: "admin")
        var questions: [String] = []
        shell.session.confirm = { question in
            questions.append(question)
            return questions.count > 1
        }
        await shell.fails("ticket delete 1", .failure, "cancelled")
        #expect((await shell.ok("ticket show 1")).contains("Invoice shows wrong VAT"))
        #expect((await shell.ok("ticket delete 1")) == "deleted ticket 1\n")
        #expect(questions == ["delete ticket 1 and its notes? [y/N] ", "delete ticket 1 and its notes? [y/N] "])
    }

    @Test func ticketHistoryShowsTheAuditTrail() async {
        let shell = await TestShell.loggedIn(as: "agent")
        await shell.ok("ticket create --customer 1 --subject 'Cannot log in'")
        await shell.ok("ticket update 1 --status in_progress")
        await shell.ok("note add 1 Called back")
        #expect(
            (await shell.ok("ticket history 1")) == """
                id  at                    actor  action         entity    changes
                1   2025-01-06T09:00:00Z  agent  ticket.create  ticket/1  customer_id: null -> 1; priority: null -> normal; status: null -> open; subject: null -> Cannot log in
                2   2025-01-06T09:00:01Z  agent  ticket.update  ticket/1  status: open -> in_progress
                3   2025-01-06T09:00:02Z  agent  note.add       ticket/1  note_id: null -> 1; text: null -> Called back
                (1-3 of 3 events)

                """)
    }

    @Test func ticketHistoryFailures() async {
        let shell = TestShell()
        await shell.fails("ticket history 1", .denied, "permission denied: ticket.history requires login")
        await shell.login(as: "agent")
        await shell.fails("ticket history 999", .failure, "ticket/999 not found")
        await shell.fails("ticket history abc", .usage, "ID must be a positive whole number")
    }

    // MARK: notes

    @Test func noteAddTakesTheRestOfTheLineAsText() async throws {
        let shell = await Self.queue()
        #expect((await shell.ok("note add 3 Called back, left voicemail")) == "added note 1 to ticket 3\n")
        #expect((await shell.ok("note add 3 \"Customer   confirmed\" the fix")) == "added note 2 to ticket 3\n")
        #expect((await shell.ok("note add 3 Ask about --verbose flags")) == "added note 3 to ticket 3\n")
        shell.session.format = .json
        let notes = try JSONDecoder().decode([Note].self, from: Data((await shell.ok("note list 3")).utf8))
        #expect(
            notes.map(\.text) == [
                "Called back, left voicemail", #""Customer   confirmed" the fix"#, "Ask about --verbose flags",
            ])
        #expect(notes.map(\.author) == ["agent", "agent", "agent"])
        #expect(notes.allSatisfy { $0.ticketID == TicketID(3) })
    }

    /// DESIGN §5.2: TEXT is the rest of the line as typed; only a TEXT that is one quoted word loses its quotes;
    /// a quoted word is never a flag, and `--` ends the flags.
    @Test(arguments: [
        ("note add 3 See ticket #42", "See ticket #42"),
        ("note add 3 Customer can't log in, see #42", "Customer can't log in, see #42"),
        (#"note add 3 "--not a flag""#, "--not a flag"),
        ("note add 3 '--not a flag either'", "--not a flag either"),
        ("note add 3 -- --verbose is the text", "--verbose is the text"),
        (#"note add 3 "two" "words""#, #""two" "words""#),
        (#"note add 3 He said "it's fine"   "#, #"He said "it's fine""#),
    ])
    func noteTextIsTheRestOfTheLineAsTyped(line: String, text: String) async throws {
        let shell = await Self.queue()
        #expect((await shell.ok(line)) == "added note 1 to ticket 3\n")
        shell.session.format = .json
        let notes = try JSONDecoder().decode([Note].self, from: Data((await shell.ok("note list 3")).utf8))
        #expect(notes.map(\.text) == [text])
    }

    @Test func aQuotedWordIsNeverAFlag() async {
        let shell = await Self.queue()
        await shell.fails(#"ticket list "--status" open"#, .usage, "unexpected argument '--status' for 'ticket list'")
        await shell.fails("ticket list -- --status open", .usage, "unexpected argument '--status' for 'ticket list'")
        await shell.fails(#"ticket show "--help""#, .usage, "ID must be a positive whole number, got '--help'")
        let quoted = await shell.ok(#"ticket update 3 --subject "--dashes--""#)
        #expect(quoted.hasPrefix("ticket 3: "))
        let dashValue = await shell.ok("ticket update 3 --subject --still-a-value")
        #expect(dashValue.hasPrefix("ticket 3: "), "a flag's value may start with --")
    }

    @Test func noteListShowsATable() async {
        let shell = await Self.queue()
        await shell.ok("note add 3 Called back, left voicemail")
        #expect(
            (await shell.ok("note list 3")) == """
                id  created_at            author  text
                1   2025-01-06T09:00:05Z  agent   Called back, left voicemail
                (1-1 of 1 notes)

                """)
        #expect((await shell.ok("note list 1")) == "id  created_at  author  text\n(0 of 0 notes)\n")
    }

    @Test func noteFailures() async {
        let shell = await Self.queue()
        await shell.fails("note add 3", .usage, "missing TEXT")
        await shell.fails("note add", .usage, "missing TICKET_ID")
        await shell.fails("note add x hello", .usage, "TICKET_ID must be a positive whole number, got 'x'")
        await shell.fails("note add 999 hello", .failure, "ticket/999 not found")
        await shell.fails("note add 3 ''", .failure, "text:")
        await shell.fails("note list 999", .failure, "ticket/999 not found")
        await shell.fails("note lst 3", .usage, "did you mean 'note list'?")
        await shell.ok("logout")
        await shell.fails("note add 3 hello", .denied, "permission denied: note.write requires login")
        await shell.fails("note list 3", .denied, "permission denied: note.read requires login")
    }

    // MARK: audit

    @Test func auditReadsTheWholeLogForAnAdmin() async {
        let shell = await Self.queue()
        await shell.login(as: "admin")
        await shell.ok("ticket close 2")
        let log = await shell.ok("audit")
        #expect(log.hasPrefix("id  at                    actor  action         entity    changes\n"))
        #expect(log.hasSuffix("(1-6 of 6 events)\n"))
        let byAdmin = await shell.ok("audit --actor admin")
        #expect(byAdmin.contains("6   2025-01-06T09:00:05Z  admin  ticket.update  ticket/2  status: open -> closed\n"))
        #expect(byAdmin.hasSuffix("(1-1 of 1 events)\n"))
        #expect((await shell.ok("audit --entity ticket/3")).hasSuffix("(1-2 of 2 events)\n"))
        #expect((await shell.ok("audit --actor agent --limit 2")).hasSuffix("(1-2 of 5 events)\n"))
        #expect((await shell.ok("audit --entity customer/1")).hasSuffix("(0 of 0 events)\n"))
    }

    @Test func auditFailures() async {
        let shell = TestShell()
        await shell.fails("audit", .denied, "permission denied: audit.read requires login")
        await shell.login(as: "agent")
        await shell.fails("audit", .denied, "permission denied: agent lacks audit.read")
        await shell.login(as: "admin")
        await shell.fails("audit --entity bogus", .failure, "entity: 'bogus' is not of the form ticket/3, customer/1, user/alice or token/4")
        await shell.fails("audit --limit x", .usage, "--limit must be a whole number, got 'x'")
        await shell.fails("audit --actr agent", .usage, "did you mean '--actor'?")
    }

    // MARK: set, exit

    @Test func setFormatChangesTheSessionFormat() async {
        let shell = TestShell()
        for format in OutputFormat.allCases {
            #expect((await shell.ok("set format \(format.rawValue)")) == "")
            #expect(shell.session.format == format)
        }
        await shell.fails("set format xml", .usage, "unknown format 'xml' (one of table, json, csv, tsv)")
        await shell.fails("set colour json", .usage, "unknown setting 'colour'; the only one is 'format'")
        await shell.fails("set format", .usage, "missing VALUE")
        #expect(shell.session.format == .tsv)
    }

    @Test(arguments: ["exit", "quit"])
    func exitAsksTheShellToStop(command: String) async {
        let shell = TestShell()
        #expect(!shell.session.exitRequested)
        #expect((await shell.ok(command)) == "")
        #expect(shell.session.exitRequested)
    }

    // MARK: error classes and exit statuses

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let who: String
        let line: String
        let status: ExitStatus
        let message: String
        var testDescription: String { "\(self.who): \(self.line)" }
    }

    static let errorCases: [ErrorCase] = [
        // usage (2)
        ErrorCase(who: "agent", line: "tickt list", status: .usage, message: "unknown command 'tickt'; did you mean 'ticket'?"),
        ErrorCase(who: "agent", line: "custmer show 1", status: .usage, message: "did you mean 'customer'?"),
        ErrorCase(who: "agent", line: "frobnicate", status: .usage, message: "unknown command 'frobnicate'"),
        ErrorCase(who: "agent", line: "ticket", status: .usage, message: "'ticket' needs a subcommand: list, show"),
        ErrorCase(who: "agent", line: "ticket --status open", status: .usage, message: "'ticket' needs a subcommand"),
        ErrorCase(
            who: "agent", line: "ticket list --stauts open", status: .usage,
            message: "unknown flag '--stauts' for 'ticket list'; did you mean '--status'?"),
        ErrorCase(who: "agent", line: "customer show", status: .usage, message: "missing ID"),
        ErrorCase(who: "agent", line: "ticket show abc", status: .usage, message: "ID must be a positive whole number, got 'abc'"),
        ErrorCase(who: "agent", line: "customer list --limit x", status: .usage, message: "--limit must be a whole number, got 'x'"),
        ErrorCase(who: "agent", line: "ticket show 'abc", status: .usage, message: "unterminated quote"),
        // failure (1)
        ErrorCase(who: "agent", line: "ticket show 999", status: .failure, message: "ticket/999 not found"),
        ErrorCase(who: "agent", line: "customer show 42", status: .failure, message: "customer/42 not found"),
        ErrorCase(
            who: "agent", line: "customer create --name X --email nope", status: .failure,
            message: "email: 'nope' is not a valid email address"),
        ErrorCase(
            who: "agent", line: "ticket update 1 --status pending", status: .failure,
            message: "cannot move ticket from resolved to pending; allowed: open, in_progress, closed"),
        // denied (4)
        ErrorCase(who: "anonymous", line: "customer list", status: .denied, message: "permission denied: customer.read requires login"),
        ErrorCase(who: "agent", line: "audit", status: .denied, message: "permission denied: agent lacks audit.read"),
        ErrorCase(who: "agent", line: "ticket reopen 2", status: .denied, message: "agent lacks ticket.reopen_closed"),
        ErrorCase(who: "anonymous", line: "login not-a-token", status: .denied, message: "invalid token"),
    ]

    @Test(arguments: errorCases)
    func errorClassesMapToExitStatuses(_ row: ErrorCase) async {
        let shell = await TestShell.loggedIn(as: "admin")
        await shell.ok("ticket create --customer 1 --subject One")
        await shell.ok("ticket resolve 1")
        await shell.ok("ticket create --customer 1 --subject Two")
        await shell.ok("ticket close 2")
        if row.who == "anonymous" { await shell.ok("logout") } else { await shell.login(as: row.who) }
        await shell.fails(row.line, row.status, row.message)
    }

    @Test func exitStatusesHaveTheDocumentedNumbers() {
        #expect(ExitStatus.success.rawValue == 0)
        #expect(ExitStatus.failure.rawValue == 1)
        #expect(ExitStatus.usage.rawValue == 2)
        #expect(ExitStatus.denied.rawValue == 4)
        #expect(ExitStatus.interrupted.rawValue == 130)
        #expect(ExitStatus(for: CRMError.notFound(entity: "ticket/1")) == .failure)
        #expect(ExitStatus(for: CRMError.validation(field: "f", reason: "r")) == .failure)
        #expect(ExitStatus(for: CRMError.invalidTransition(from: .closed, to: .open, allowed: [])) == .failure)
        #expect(ExitStatus(for: CRMError.conflict(entity: "ticket/1", reason: .staleVersion(expected: 1, current: 2))) == .failure)
        #expect(ExitStatus(for: CRMError.forbidden(permission: .auditRead, principal: "agent")) == .denied)
        #expect(ExitStatus(for: CRMError.unauthenticated) == .denied)
        #expect(ExitStatus(for: ShellError.usage("x")) == .usage)
        #expect(ExitStatus(for: ShellError.failed("x")) == .failure)
    }

    @Test func blankAndCommentLinesDoNothing() async {
        let shell = TestShell()
        for line in ["", "   ", "# just a comment", "  # indented"] {
            #expect((await shell.run(line)) == CommandResult())
        }
        #expect((await shell.run("whoami # who am I?")).output == "anonymous\n")
    }

    // MARK: JSON

    static func object(_ line: String) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(value as? [String: Any])
    }

    static func expectOneLine(_ output: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(output.hasSuffix("\n"), sourceLocation: sourceLocation)
        #expect(output.dropLast().firstIndex(of: "\n") == nil, "\(output)", sourceLocation: sourceLocation)
    }

    static let ticketKeys: Set = [
        "id", "customer_id", "subject", "description", "status", "priority", "assignee", "tags", "created_at",
        "updated_at", "version",
    ]

    @Test func jsonTicketsDecodeIntoTheDomainType() async throws {
        let shell = await TestShell.loggedIn(as: "agent")
        #expect((await shell.ok("set format json")) == "")
        let created = await shell.ok(
            "ticket create --customer 1 --subject 'Cannot log in' --description 'Reset mail missing' --priority high --tag login --assignee me")
        Self.expectOneLine(created)
        let ticket = try JSONDecoder().decode(Ticket.self, from: Data(created.utf8))
        #expect(
            ticket == Ticket(
                id: TicketID(1), customerID: CustomerID(1), subject: "Cannot log in", description: "Reset mail missing",
                status: .open, priority: .high, assignee: "agent", tags: ["login"], createdAt: t0, updatedAt: t0,
                version: 1))
        #expect(Set(try Self.object(created).keys) == Self.ticketKeys)

        let updated = await shell.ok("ticket update 1 --status in_progress")
        let moved = try JSONDecoder().decode(Ticket.self, from: Data(updated.utf8))
        #expect(moved.status == .inProgress)
        #expect(try Self.object(updated)["status"] as? String == "in_progress")
        #expect(moved.updatedAt == t0.adding(seconds: 1))

        await shell.ok("ticket create --customer 2 --subject Second")
        let list = await shell.ok("ticket list")
        Self.expectOneLine(list)
        let tickets = try JSONDecoder().decode([Ticket].self, from: Data(list.utf8))
        #expect(tickets.map(\.id) == [TicketID(1), TicketID(2)])
        #expect(tickets[1].assignee == nil)
        let second = await shell.ok("ticket show 2")
        #expect(try Self.object(second)["assignee"] is NSNull)
        #expect((await shell.ok("ticket list --tag nothing")) == "[]\n")
    }

    @Test func jsonTicketShowCarriesItsNotes() async throws {
        let shell = await TestShell.loggedIn(as: "agent")
        await shell.ok("ticket create --customer 1 --subject 'Cannot log in'")
        await shell.ok("note add 1 First call")
        await shell.ok("set format json")
        let shown = await shell.ok("ticket show 1")
        Self.expectOneLine(shown)
        #expect(try JSONDecoder().decode(Ticket.self, from: Data(shown.utf8)).subject == "Cannot log in")
        let object = try Self.object(shown)
        #expect(Set(object.keys) == Self.ticketKeys.union(["notes"]))
        let notes = try #require(object["notes"] as? [[String: Any]])
        #expect(notes.count == 1)
        #expect(notes.first?["text"] as? String == "First call")
        // Anonymous may read the ticket, not its notes: no notes key at all.
        await shell.ok("logout")
        let anonymous = await shell.ok("ticket show 1")
        #expect(try Self.object(anonymous)["notes"] == nil)
    }

    @Test func jsonCustomersAndNotesDecodeIntoTheDomainTypes() async throws {
        let shell = await TestShell.loggedIn(as: "agent")
        await shell.ok("ticket create --customer 1 --subject 'Cannot log in'")
        await shell.ok("set format json")

        let shown = await shell.ok("customer show 1")
        Self.expectOneLine(shown)
        #expect(
            try JSONDecoder().decode(Customer.self, from: Data(shown.utf8)) == Customer(
                id: CustomerID(1), name: "Jane Doe", email: "jane@example.com", company: nil, createdAt: t0,
                updatedAt: t0))
        #expect(
            Set(try Self.object(shown).keys) == ["id", "name", "email", "company", "created_at", "updated_at", "version"])

        let created = await shell.ok("customer create --name Ada --email ada@example.com --company Analytical")
        #expect(try JSONDecoder().decode(Customer.self, from: Data(created.utf8)).company == "Analytical")
        let customers = try JSONDecoder().decode([Customer].self, from: Data((await shell.ok("customer list")).utf8))
        #expect(customers.map(\.name) == ["Jane Doe", "John Smith", "Ada"])

        let added = await shell.ok("note add 1 Called back, left voicemail")
        Self.expectOneLine(added)
        let note = try JSONDecoder().decode(Note.self, from: Data(added.utf8))
        #expect(
            note == Note(
                id: NoteID(1), ticketID: TicketID(1), author: "agent", text: "Called back, left voicemail",
                createdAt: t0.adding(seconds: 2)))
        #expect(Set(try Self.object(added).keys) == ["id", "ticket_id", "author", "text", "created_at"])
        #expect(try JSONDecoder().decode([Note].self, from: Data((await shell.ok("note list 1")).utf8)) == [note])
    }

    @Test func jsonSessionAndDeleteAcknowledgements() async throws {
        let shell = TestShell()
        await shell.ok("set format json")
        #expect((await shell.ok("login admin123")) == "{\"role\":\"admin\",\"user\":\"admin\"}\n")
        #expect(
            (await shell.ok("whoami"))
                == #"{"display_name":"admin","role":"admin","token":{"expires_at":null,"id":2,"label":"seed"},"user":"admin"}"#
                + "\n")
        await shell.ok("ticket create --customer 1 --subject X")
        #expect((await shell.ok("ticket delete 1 --yes")) == "{\"deleted\":\"ticket/1\"}\n")
        #expect((await shell.ok("logout")) == "{\"user\":\"anonymous\"}\n")
        // Errors stay plain text on the error channel.
        await shell.fails("ticket show 1", .failure, "ticket/1 not found")
        // Help answers JSON too (DESIGN §5.4).
        #expect((await shell.ok("ticket show --help")).hasPrefix(#"{"arguments":[{"name":"ID","#))
    }

    @Test func jsonAuditEventsUseWireNames() async throws {
        let shell = await TestShell.loggedIn(as: "admin")
        await shell.ok("ticket create --customer 1 --subject X")
        await shell.ok("set format json")
        let log = await shell.ok("audit")
        Self.expectOneLine(log)
        let events = try #require(try JSONSerialization.jsonObject(with: Data(log.utf8)) as? [[String: Any]])
        #expect(events.count == 1)
        #expect(events.first?["action"] as? String == "ticket.create")
        #expect(events.first?["entity"] as? String == "ticket/1")
        #expect(events.first?["actor"] as? String == "admin")
        #expect(events.first?["via"] as? String == "shell")
        #expect(events.first?["at"] as? String == "2025-01-06T09:00:00Z")
    }

    // MARK: CSV and TSV

    /// Parses RFC 4180 text into records of fields.
    static func parseCSV(_ text: String, separator: Character = ",") -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = text.makeIterator()
        var pending: Character?
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" && field.isEmpty {
                quoted = true
            } else if character == separator {
                record.append(field)
                field = ""
            } else if character == "\r\n" || character == "\n" {
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else {
                field.append(character)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }

    static let ticketHeader = "id,customer_id,subject,description,status,priority,assignee,tags,created_at,updated_at,version"

    @Test func csvQuotesFieldsPerRFC4180() async {
        let shell = await TestShell.loggedIn(as: "agent")
        let subject = #"Printer says "PC LOAD LETTER", again"#
        await shell.ok(#"ticket create --customer 1 --subject 'Printer says "PC LOAD LETTER", again' --tag b --tag a"#)
        await shell.ok("ticket create --customer 2 --subject Plain --description \"two\\nlines\"")
        await shell.ok("set format csv")
        let csv = await shell.ok("ticket list")
        #expect(
            csv == Self.ticketHeader + "\r\n"
                + #"1,1,"Printer says ""PC LOAD LETTER"", again",,open,normal,,"a,b",2025-01-06T09:00:00Z,2025-01-06T09:00:00Z,1"#
                + "\r\n"
                + "2,2,Plain,\"two\nlines\",open,normal,,,2025-01-06T09:00:01Z,2025-01-06T09:00:01Z,1\r\n")
        let records = Self.parseCSV(csv)
        #expect(records.count == 3)
        #expect(records.allSatisfy { $0.count == 11 })
        #expect(records.dropFirst().map { $0[2] } == [subject, "Plain"])
        #expect(records[1][7] == "a,b")
        #expect(records[2][3] == "two\nlines")
    }

    @Test func csvOfOneRecordHasAHeaderRow() async {
        let shell = await TestShell.loggedIn(as: "agent")
        await shell.ok("set format csv")
        #expect(
            (await shell.ok("customer show 1"))
                == "id,name,email,company,created_at,updated_at,version\r\n"
                + "1,Jane Doe,jane@example.com,,2025-01-06T09:00:00Z,2025-01-06T09:00:00Z,1\r\n")
        #expect((await shell.ok("ticket list")) == Self.ticketHeader + "\r\n")
    }

    @Test func tsvSeparatesWithTabs() async {
        let shell = await TestShell.loggedIn(as: "agent")
        await shell.ok("ticket create --customer 1 --subject 'Commas, are fine' --tag x")
        await shell.ok(#"ticket create --customer 1 --subject 'A "quoted" word'"#)
        await shell.ok("set format tsv")
        let tsv = await shell.ok("ticket list")
        let lines = tsv.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4)
        #expect(lines.last == "")
        #expect(lines[0] == Self.ticketHeader.replacingOccurrences(of: ",", with: "\t"))
        #expect(!tsv.contains("\r"))
        let first = lines[1].split(separator: "\t", omittingEmptySubsequences: false)
        #expect(first.count == 11)
        #expect(first[2] == "Commas, are fine")
        #expect(first[7] == "x")
        // A double quote still gets RFC 4180 quoting.
        #expect(Self.parseCSV(String(lines[2]), separator: "\t").first?[2] == #"A "quoted" word"#)
        #expect(lines[2].split(separator: "\t", omittingEmptySubsequences: false)[2] == #""A ""quoted"" word""#)
        #expect(
            (await shell.ok("customer show 2"))
                == "id\tname\temail\tcompany\tcreated_at\tupdated_at\tversion\n"
                + "2\tJohn Smith\tjohn@example.com\t\t2025-01-06T09:00:00Z\t2025-01-06T09:00:00Z\t1\n")
    }
}
