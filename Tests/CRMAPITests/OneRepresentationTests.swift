import CRMDomain
import CRMShell
import CRMTestSupport
import Foundation
import Testing

/// DESIGN §2 rule 3: an entity rendered as JSON by the shell (`--format json`) and by the HTTP API is the same
/// object, byte for byte, whichever adapter created it.
@Suite("One representation: the shell's JSON and the HTTP API's are the same bytes")
struct OneRepresentationTests {
    /// The shell's answer to `line` without its closing newline, expecting success.
    static func json(
        _ shell: CommandRunner, _ line: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async -> String {
        let result = await shell.run(line)
        #expect(result.status == .success && result.error.isEmpty, "\(line) -> \(result.error)", sourceLocation: sourceLocation)
        #expect(result.output.hasSuffix("}\n") || result.output.hasSuffix("]\n"), "\(line) -> \(result.output)")
        return String(result.output.dropLast())
    }

    @Test("a ticket, a customer and a note: shell --format json == HTTP body")
    func sameBytes() async throws {
        let world = try await APIWorld.make()
        let shell = CommandRunner(session: Session(service: world.service, format: .json))
        _ = await Self.json(shell, "login agent123")
        let ticket = await Self.json(
            shell,
            "ticket create --customer 2 --subject 'Printer \"on fire\" – ünïcödé 😀' --description \"line one\\n\\tline two\""
                + " --priority high --assignee me --tag hw --tag printer")
        let note = await Self.json(shell, "note add 1 Called back; said \"soon\" \\ ok")
        let notes = await Self.json(shell, "note list 1")
        let customer = await Self.json(shell, "customer show 2")

        let http = try await world.test { client in
            (
                ticket: try await client.get("/api/tickets/1").text,
                notes: try await client.get("/api/tickets/1/notes", token: Token.agent).text,
                customer: try await client.get("/api/customers/2", token: Token.agent).text,
                created: try await client.post(
                    "/api/customers", #"{"name": "Ada Lovelace", "email": "ada@example.com", "company": "Analytical"}"#,
                    token: Token.agent
                ).text
            )
        }
        #expect(http.ticket == ticket)
        #expect(http.notes == notes)
        #expect(http.notes == "[" + note + "]")
        #expect(http.customer == customer)
        #expect(http.created == (await Self.json(shell, "customer show 3")), "an entity the API created, shown by the shell")
        #expect(ticket.contains(#""customer_id":2"#) && ticket.contains(#""tags":["hw","printer"]"#), "\(ticket)")
    }
}
