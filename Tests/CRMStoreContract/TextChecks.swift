import CRMDomain
import CRMTestSupport
import Testing

/// Text the stores must treat alike: searches find the same tickets, and no store cuts a text silently.
struct TextChecks {
    static let subjects = [
        "Café ÉCRAN", "écran noir", "ECRAN", "Straße", "İstanbul office", "日本語のチケット", "😀 happy", "100% done",
        "under_score", "back\\slash", "e\u{301}cran", "ǅungla",
    ]
    static let searches = [
        "écran", "ÉCRAN", "café", "ecran", "straße", "istanbul", "i̇stanbul", "日本", "😀", "%", "_", "\\", "e\u{301}",
        "ǆ", "é",
    ]

    /// Search finds the same tickets on every store, ignoring case beyond ASCII: exactly those the domain's one
    /// definition of a match (`TicketQuery.matches`) selects.
    static func sameSearchAnswers(_ kind: StoreUnderTest) async throws {
        let world = try await kind.world()
        var created: [Ticket] = []
        for subject in Self.subjects {
            created.append(
                try await world.service.createTicket(
                    NewTicket(customerID: CustomerID(1), subject: subject, description: "about " + subject),
                    by: world.agent))
        }
        var answers: [String: [Int]] = [:]
        for search in Self.searches {
            answers[search] = try await world.service.listTickets(TicketFilter(search: search), by: world.agent)
                .items.map(\.id.rawValue)
            let query = TicketQuery(search: try Validation.search(search))
            #expect(answers[search] == created.filter(query.matches).map(\.id.rawValue), "search \(search)")
        }
        #expect(answers["écran"] == [1, 2, 11], "Café ÉCRAN, écran noir and the decomposed e\u{301}cran")
        #expect(answers["ÉCRAN"] == [1, 2, 11])
    }

    /// A NUL in a text is kept whole or refused, never cut.
    static func nul(_ kind: StoreUnderTest) async throws {
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

extension TextChecks {
    static let checks: [StoreContractCheck] = [
        StoreContractCheck(
            "search finds the same tickets as the domain's definition of a match, ignoring case beyond ASCII",
            sameSearchAnswers),
        StoreContractCheck(
            "a NUL in a text is kept whole or refused, never cut",
            nul),
    ]
}
