import CRMDomain
import Testing

/// Text the stores must treat alike: searches find the same tickets, and no store cuts a text silently.
@Suite("CRMStore contract: text")
struct StoreTextContractTests {
    static let subjects = [
        "Café ÉCRAN", "écran noir", "ECRAN", "Straße", "İstanbul office", "日本語のチケット", "😀 happy", "100% done",
        "under_score", "back\\slash", "e\u{301}cran", "ǅungla",
    ]
    static let searches = [
        "écran", "ÉCRAN", "café", "ecran", "straße", "istanbul", "i̇stanbul", "日本", "😀", "%", "_", "\\", "e\u{301}",
        "ǆ", "é",
    ]

    @Test("search finds the same tickets on every store, ignoring case beyond ASCII")
    func sameSearchAnswers() async throws {
        var answers: [StoreKind: [String: [Int]]] = [:]
        for kind in StoreKind.allCases {
            let service = CRMService(store: try await kind.make(), clock: SteppingClock(start: t0))
            let agent = try await service.login(token: "agent123", via: .shell)
            for subject in Self.subjects {
                _ = try await service.createTicket(
                    NewTicket(customerID: CustomerID(1), subject: subject, description: "about " + subject), by: agent)
            }
            for search in Self.searches {
                answers[kind, default: [:]][search] = try await service.listTickets(TicketFilter(search: search), by: agent)
                    .items.map(\.id.rawValue)
            }
        }
        #expect(answers[.memory] == answers[.sqlite])
        #expect(answers[.sqlite]?["écran"] == [1, 2, 11], "Café ÉCRAN, écran noir and the decomposed e\u{301}cran")
        #expect(answers[.sqlite]?["ÉCRAN"] == [1, 2, 11])
    }

    @Test("a NUL in a text is kept whole or refused, never cut", arguments: StoreKind.allCases)
    func nul(_ kind: StoreKind) async throws {
        let store = try await kind.make()
        do {
            _ = try await store.insertTicket(for: CustomerID(1)) { id, _ in Make.ticket(id, subject: "a\u{0}b") }
            #expect(try await store.ticket(TicketID(1))?.subject == "a\u{0}b")
        } catch {
            #expect(String(describing: error).contains("NUL"))
            #expect(try await store.ticket(TicketID(1)) == nil)
            #expect(try await store.auditEvents(AuditQuery()).total == 0)
        }
        await expectValidation(field: "subject") {
            _ = try await CRMService(store: store).createTicket(
                NewTicket(customerID: CustomerID(1), subject: "a\u{0}b"),
                by: try await CRMService(store: store).login(token: "agent123", via: .shell))
        }
    }
}
