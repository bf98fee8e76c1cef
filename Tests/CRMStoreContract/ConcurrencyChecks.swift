import CRMDomain
import CRMTestSupport
import Testing

/// Use cases stay atomic under contention on every store (DESIGN §2 rule 4).
struct ConcurrencyChecks {
    enum Outcome: Sendable {
        case created(Ticket)
        case updated(TicketID, version: Int)
        case noted(Note)
    }

    /// Hundreds of concurrent creates, updates and notes end with exact counts and one event each.
    static func mixedLoad(_ kind: StoreUnderTest) async throws {
        let world = try await kind.world()
        let baseCount = 20
        for i in 0..<baseCount { try await world.ticket("Base \(i)", customer: i % 2 + 1) }
        let creates = 200, updates = 300, notes = 300

        let outcomes = try await withThrowingTaskGroup(of: Outcome.self, returning: [Outcome].self) { group in
            for i in 0..<creates {
                group.addTask {
                    let caller = i % 2 == 0 ? world.agent : world.admin
                    return .created(
                        try await world.service.createTicket(
                            NewTicket(customerID: CustomerID(i % 2 + 1), subject: "Load \(i)", tags: ["load"]),
                            by: caller))
                }
            }
            for i in 0..<updates {
                group.addTask {
                    let id = TicketID(i % baseCount + 1)
                    // A unique subject, so every update is a real change.
                    let ticket = try await world.service.updateTicket(
                        id, TicketChanges(subject: "Update \(i)", addTags: ["t\(i % 7)"]), by: world.agent)
                    return .updated(id, version: ticket.version)
                }
            }
            for i in 0..<notes {
                group.addTask {
                    .noted(try await world.service.addNote(to: TicketID(i % baseCount + 1), text: "note \(i)", by: world.admin))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.count == creates + updates + notes)

        // Tickets: exact count, unique sequential IDs.
        let created = outcomes.compactMap { if case .created(let t) = $0 { t } else { nil } }
        #expect(created.count == creates)
        #expect(Set(created.map(\.id)).count == creates)
        let all = try await world.service.listTickets(TicketFilter(), PageRequest(limit: 1000), by: world.agent)
        #expect(all.total == baseCount + creates)
        #expect(all.items.map(\.id) == (1...(baseCount + creates)).map(TicketID.init))
        #expect(try await world.service.listTickets(TicketFilter(tag: "load"), by: world.agent).total == creates)

        // Updates: each base ticket's version counts its updates, and every returned version is distinct per ticket.
        var versionsByTicket: [TicketID: [Int]] = [:]
        for case .updated(let id, let version) in outcomes { versionsByTicket[id, default: []].append(version) }
        for i in 0..<baseCount {
            let id = TicketID(i + 1)
            let expectedUpdates = updates / baseCount
            let versions = versionsByTicket[id, default: []].sorted()
            #expect(versions == Array(2...(expectedUpdates + 1)), "ticket \(id) saw every version once")
            let ticket = try #require(try await world.store.ticket(id))
            #expect(ticket.version == expectedUpdates + 1)
        }

        // Notes: unique IDs, all stored, on the right tickets.
        let noted = outcomes.compactMap { if case .noted(let n) = $0 { n } else { nil } }
        #expect(Set(noted.map(\.id)) == Set((1...notes).map(NoteID.init)))
        var storedNotes = 0
        for i in 0..<baseCount {
            let onTicket = try await world.service.notes(on: TicketID(i + 1), by: world.agent)
            #expect(onTicket.count == notes / baseCount)
            #expect(onTicket.allSatisfy { $0.ticketID == TicketID(i + 1) })
            #expect(onTicket.map(\.createdAt) == onTicket.map(\.createdAt).sorted(), "oldest first")
            storedNotes += onTicket.count
        }
        #expect(storedNotes == notes)

        // Audit: exactly one event per successful mutation, IDs sequential, clock one second per event in log order.
        let mutations = baseCount + creates + updates + notes
        let log = try await world.service.auditLog(PageRequest(limit: 1000), by: world.admin)
        #expect(log.total == mutations)
        let events = try await world.auditEvents()
        #expect(events.count == mutations)
        #expect(events.map(\.id) == (1...mutations).map(AuditEventID.init))
        #expect(events.map(\.at) == (0..<mutations).map { at(Int64($0)) })
        #expect(events.filter { $0.action == "ticket.create" }.count == baseCount + creates)
        #expect(events.filter { $0.action == "ticket.update" }.count == updates)
        #expect(events.filter { $0.action == "note.add" }.count == notes)
        // Each entity's stamp matches its event's stamp (entity and event written in one step).
        let createdAt = Dictionary(uniqueKeysWithValues: events.filter { $0.action == "ticket.create" }.map { ($0.entity, $0.at) })
        for ticket in created { #expect(createdAt["ticket/\(ticket.id)"] == ticket.createdAt) }
    }

    /// Concurrent updates at the same expected version: exactly one wins, the rest conflict.
    static func optimisticLocking(_ kind: StoreUnderTest) async throws {
        let world = try await kind.world()
        let ticket = try await world.ticket()
        let contenders = 100
        let results = await withTaskGroup(of: Result<Ticket, CRMError>.self, returning: [Result<Ticket, CRMError>].self) { group in
            for i in 0..<contenders {
                group.addTask {
                    do {
                        return .success(
                            try await world.service.updateTicket(
                                ticket.id, TicketChanges(subject: "Winner \(i)", expectedVersion: 1), by: world.agent))
                    } catch let error as CRMError {
                        return .failure(error)
                    } catch {
                        return .failure(.notFound(entity: "unexpected \(error)"))
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let winners = results.compactMap { try? $0.get() }
        #expect(winners.count == 1)
        let failures = results.compactMap { if case .failure(let e) = $0 { e } else { nil } }
        #expect(failures.count == contenders - 1)
        #expect(failures.allSatisfy { $0 == .conflict(entity: "ticket/1", reason: .staleVersion(expected: 1, current: 2)) })
        #expect(try await world.store.ticket(ticket.id) == winners.first)
        #expect(try await world.auditEvents().count == 2)
    }

    /// Concurrent status moves never skip the lifecycle: every recorded move is allowed.
    static func concurrentMoves(_ kind: StoreUnderTest) async throws {
        let world = try await kind.world()
        let ticket = try await world.ticket()
        let targets: [TicketStatus] = [.inProgress, .pending, .resolved, .closed, .open]
        let successes = await withTaskGroup(of: Int.self, returning: Int.self) { group in
            for i in 0..<200 {
                group.addTask {
                    let caller = i % 3 == 0 ? world.admin : world.agent
                    let changed = try? await world.service.updateTicket(
                        ticket.id, TicketChanges(status: targets[i % targets.count]), by: caller)
                    return changed == nil ? 0 : 1
                }
            }
            return await group.reduce(0, +)
        }
        let history = try await world.service.ticketHistory(ticket.id, by: world.admin)
        let moves = history.items.dropFirst()
        #expect(successes >= moves.count, "no-op moves succeed without an event")
        var status = TicketStatus.open
        for event in moves {
            guard case .string(let from)? = event.changes["status"]?.old, case .string(let to)? = event.changes["status"]?.new,
                let fromStatus = TicketStatus(rawValue: from), let toStatus = TicketStatus(rawValue: to)
            else {
                Issue.record("malformed event \(event)")
                continue
            }
            #expect(fromStatus == status, "each move starts where the previous one ended")
            let mover = event.actor == "admin" ? world.admin : world.agent
            let permissions = AccessPolicy().permissions(of: mover.principal)
            #expect(TicketLifecycle.allowedTargets(from: fromStatus, permissions: permissions).contains(toStatus))
            status = toStatus
        }
        let final = try #require(try await world.store.ticket(ticket.id))
        #expect(final.status == status)
        #expect(final.version == 1 + moves.count)
    }
}

extension ConcurrencyChecks {
    static let checks: [StoreContractCheck] = [
        StoreContractCheck(
            "hundreds of concurrent creates, updates and notes end with exact counts and one event each", mixedLoad),
        StoreContractCheck(
            "concurrent updates at the same expected version: exactly one wins, the rest conflict", optimisticLocking),
        StoreContractCheck(
            "concurrent status moves never skip the lifecycle: every recorded move is allowed", concurrentMoves),
    ]
}
