/// The one door to crm's data: one method per use case, each taking the acting `Caller`. Authorization,
/// validation, the status lifecycle, timestamps and the audit trail are decided here and nowhere else.
public struct CRMService: Sendable {
    public let store: any CRMStore
    public let policy: AccessPolicy
    public let clock: any CRMClock

    public init(store: any CRMStore, policy: AccessPolicy = AccessPolicy(), clock: any CRMClock = SystemClock()) {
        self.store = store
        self.policy = policy
        self.clock = clock
    }

    // MARK: Session

    /// What a caller may do under the current policy.
    public func permissions(of caller: Caller) -> Set<Permission> {
        self.policy.permissions(of: caller.principal)
    }

    /// Throws `forbidden` unless the caller holds `permission`.
    public func authorize(_ caller: Caller, _ permission: Permission) throws {
        guard self.policy.allows(caller.principal, permission) else {
            throw CRMError.forbidden(permission: permission, principal: caller.principal.name)
        }
    }

    /// Authorizes `permission`, validates the paging, then reads that page.
    func readPage<Item>(
        _ page: PageRequest, needing permission: Permission, by caller: Caller,
        _ read: (_ limit: Int, _ offset: Int) async throws -> Page<Item>
    ) async throws -> Page<Item> {
        try self.authorize(caller, permission)
        let page = try Validation.page(page)
        return try await read(page.limit, page.offset)
    }

    // MARK: Customers

    /// A page of customers.
    public func listCustomers(_ page: PageRequest = PageRequest(), by caller: Caller) async throws -> Page<Customer> {
        try await self.readPage(page, needing: .customerRead, by: caller) { limit, offset in
            try await self.store.customers(limit: limit, offset: offset)
        }
    }

    /// One customer.
    public func customer(_ id: CustomerID, by caller: Caller) async throws -> Customer {
        try self.authorize(caller, .customerRead)
        guard let customer = try await self.store.customer(id) else { throw CRMError.notFound(entity: "customer/\(id)") }
        return customer
    }

    /// Creates a customer.
    public func createCustomer(_ input: NewCustomer, by caller: Caller) async throws -> Customer {
        try self.authorize(caller, .customerWrite)
        let name = try Validation.requiredText(input.name, field: "name", maximum: Validation.maximumNameLength)
        let email = try Validation.email(input.email)
        let company = try input.company.flatMap {
            try Validation.optionalLine($0, field: "company", maximum: Validation.maximumNameLength)
        }
        let clock = self.clock
        return try await self.store.insertCustomer { id in
            let now = clock.now()
            let customer = Customer(id: id, name: name, email: email, company: company, createdAt: now, updatedAt: now)
            let changes: [String: FieldChange] = [
                "name": FieldChange(.null, .string(name)), "email": FieldChange(.null, .string(email)),
                "company": FieldChange(.null, AuditValue(company)),
            ]
            return Recorded(customer, audit: self.record("customer.create", "customer/\(id)", changes, caller, now))
        }
    }

    /// Changes a customer's fields (`conflict` when `expectedVersion` is stale); a request that changes nothing
    /// succeeds, records nothing and keeps the version.
    public func updateCustomer(_ id: CustomerID, _ input: CustomerChanges, by caller: Caller) async throws -> Customer {
        try self.authorize(caller, .customerWrite)
        let name = try input.name.map {
            try Validation.requiredText($0, field: "name", maximum: Validation.maximumNameLength)
        }
        let email = try input.email.map { try Validation.email($0) }
        let company = try input.company.map { company in
            try company.flatMap {
                try Validation.optionalLine($0, field: "company", maximum: Validation.maximumNameLength)
            }
        }
        let change = CustomerChanges(name: name, email: email, company: company, expectedVersion: input.expectedVersion)
        let clock = self.clock
        return try await self.store.updateCustomer(id) { customer in
            guard let applied = try change.apply(to: customer) else { return nil }
            var updated = applied.updated
            let now = clock.now()
            updated.updatedAt = now
            updated.version += 1
            return Recorded(updated, audit: self.record("customer.update", "customer/\(id)", applied.changes, caller, now))
        }
    }

    /// Refuses a customer delete before anyone confirms it: `forbidden` without `customer.delete`, then
    /// `not_found` for a missing customer. Changes nothing; `deleteCustomer` decides the rest.
    public func checkDeletable(_ id: CustomerID, by caller: Caller) async throws {
        try await self.checkDeletable("customer/\(id)", .customerDelete, by: caller) { try await self.store.customer(id) }
    }

    /// Deletes a customer that has no tickets (admin only); one that still has tickets is a `conflict`, and so is
    /// one no longer at `expectedVersion` when given.
    public func deleteCustomer(_ id: CustomerID, expectedVersion: Int? = nil, by caller: Caller) async throws {
        try self.authorize(caller, .customerDelete)
        let clock = self.clock
        try await self.store.deleteCustomer(id) { customer, ticketCount in
            try ChangeSet<Customer>.checkVersion(expected: expectedVersion, current: customer.version, entity: "customer/\(id)")
            guard ticketCount == 0 else {
                throw CRMError.conflict(entity: "customer/\(id)", reason: .hasDependants(count: ticketCount, noun: "ticket"))
            }
            let changes: [String: FieldChange] = [
                "name": FieldChange(.string(customer.name), .null),
                "email": FieldChange(.string(customer.email), .null),
            ]
            return self.record("customer.delete", "customer/\(id)", changes, caller, clock.now())
        }
    }

    // MARK: Tickets

    /// A page of the tickets matching `filter`, with the total count.
    public func listTickets(
        _ filter: TicketFilter = TicketFilter(), _ page: PageRequest = PageRequest(), by caller: Caller
    ) async throws -> Page<Ticket> {
        try self.authorize(caller, .ticketRead)
        let page = try Validation.page(page)
        var query = try self.ticketQuery(filter, for: caller)
        query.limit = page.limit
        query.offset = page.offset
        return try await self.store.tickets(query)
    }

    /// The store's query for a filter: `me` resolved, tag and search text validated.
    private func ticketQuery(_ filter: TicketFilter, for caller: Caller) throws -> TicketQuery {
        let assignee: String?? = try filter.assignee.map { try self.resolve($0, for: caller) }
        let tag = try filter.tag.map { try Validation.tag($0, field: "tag") }
        let search = try filter.search.flatMap { try Validation.search($0) }
        return TicketQuery(
            customerID: filter.customerID, status: filter.status, priority: filter.priority, assignee: assignee,
            tag: tag, search: search)
    }

    /// Every ticket matching `filter`, unpaged, as a stream of pages (the original service's `GET /api/tickets/`).
    /// The permission and the filter are checked now; the pages are read as the stream is consumed.
    public func allTickets(_ filter: TicketFilter = TicketFilter(), by caller: Caller) throws -> TicketStream {
        try self.authorize(caller, .ticketRead)
        return TicketStream(store: self.store, query: try self.ticketQuery(filter, for: caller))
    }

    /// One ticket.
    public func ticket(_ id: TicketID, by caller: Caller) async throws -> Ticket {
        try self.authorize(caller, .ticketRead)
        guard let ticket = try await self.store.ticket(id) else { throw CRMError.notFound(entity: "ticket/\(id)") }
        return ticket
    }

    /// One ticket as shown to the caller: the ticket and, only when the caller holds `note.read`, its notes.
    public func ticketDetail(_ id: TicketID, by caller: Caller) async throws -> TicketDetail {
        let ticket = try await self.ticket(id, by: caller)
        guard self.policy.allows(caller.principal, .noteRead) else { return TicketDetail(ticket: ticket, notes: nil) }
        return TicketDetail(ticket: ticket, notes: try await self.store.notes(on: id))
    }

    /// Opens a ticket for an existing customer.
    public func createTicket(_ input: NewTicket, by caller: Caller) async throws -> Ticket {
        try self.authorize(caller, .ticketCreate)
        let subject = try Validation.requiredText(
            input.subject, field: "subject", maximum: Validation.maximumSubjectLength)
        let description = try Validation.optionalText(
            input.description ?? "", field: "description", maximum: Validation.maximumTextLength)
        let priority = input.priority ?? .normal
        let tags = try Set((input.tags ?? []).map { try Validation.tag($0) }).sorted()
        let assignee = try await self.validatedAssignee(input.assignee ?? .nobody, for: caller)
        let clock = self.clock
        return try await self.store.insertTicket(for: input.customerID) { id, customer in
            guard customer != nil else {
                throw CRMError.notFound(entity: "customer/\(input.customerID)")
            }
            let now = clock.now()
            let ticket = Ticket(
                id: id, customerID: input.customerID, subject: subject, description: description, status: .open,
                priority: priority, assignee: assignee, tags: tags, createdAt: now, updatedAt: now, version: 1)
            var changes: [String: FieldChange] = [
                "customer_id": FieldChange(.null, .int(input.customerID.rawValue)),
                "subject": FieldChange(.null, .string(subject)), "status": FieldChange(.null, .string("open")),
                "priority": FieldChange(.null, .string(priority.rawValue)),
            ]
            if !description.isEmpty { changes["description"] = FieldChange(.null, .string(description)) }
            if let assignee { changes["assignee"] = FieldChange(.null, .string(assignee)) }
            if !tags.isEmpty { changes["tags"] = FieldChange(.null, .strings(tags)) }
            return Recorded(ticket, audit: self.record("ticket.create", "ticket/\(id)", changes, caller, now))
        }
    }

    /// Changes a ticket: fields, status (per the lifecycle), priority, assignee and tags, as one audited step.
    /// A request that changes nothing succeeds, records nothing and keeps the version.
    public func updateTicket(_ id: TicketID, _ input: TicketChanges, by caller: Caller) async throws -> Ticket {
        try self.authorize(caller, .ticketUpdate)
        let subject = try input.subject.map {
            try Validation.requiredText($0, field: "subject", maximum: Validation.maximumSubjectLength)
        }
        let description = try input.description.map {
            try Validation.optionalText($0, field: "description", maximum: Validation.maximumTextLength)
        }
        let addTags = try input.addTags.map { try Validation.tag($0) }
        let removeTags = try input.removeTags.map { try Validation.tag($0) }
        let assignee: AssigneeSelector? =
            if let selector = input.assignee {
                try await self.validatedAssignee(selector, for: caller).map(AssigneeSelector.user) ?? .nobody
            } else { nil }
        let change = TicketChanges(
            subject: subject, description: description, status: input.status, priority: input.priority,
            assignee: assignee, addTags: addTags, removeTags: removeTags, expectedVersion: input.expectedVersion)
        let permissions = self.permissions(of: caller)
        let clock = self.clock
        return try await self.store.updateTicket(id) { ticket in
            guard let applied = try change.apply(to: ticket, by: caller.principal, holding: permissions) else {
                return nil
            }
            var updated = applied.updated
            let now = clock.now()
            updated.updatedAt = now
            updated.version += 1
            return Recorded(updated, audit: self.record("ticket.update", "ticket/\(id)", applied.changes, caller, now))
        }
    }

    /// Assigns a ticket to a user (`me` for the caller, `nobody` to unassign).
    public func assignTicket(_ id: TicketID, to assignee: AssigneeSelector, by caller: Caller) async throws -> Ticket {
        try await self.updateTicket(id, TicketChanges(assignee: assignee), by: caller)
    }

    /// Moves a ticket to `resolved`.
    public func resolveTicket(_ id: TicketID, by caller: Caller) async throws -> Ticket {
        try await self.updateTicket(id, TicketChanges(status: .resolved), by: caller)
    }

    /// Moves a ticket to `closed`.
    public func closeTicket(_ id: TicketID, by caller: Caller) async throws -> Ticket {
        try await self.updateTicket(id, TicketChanges(status: .closed), by: caller)
    }

    /// Moves a ticket back to `open`; from `closed` only with `ticket.reopen_closed`.
    public func reopenTicket(_ id: TicketID, by caller: Caller) async throws -> Ticket {
        try await self.updateTicket(id, TicketChanges(status: .open), by: caller)
    }

    /// Refuses a ticket delete before anyone confirms it: `forbidden` without `ticket.delete`, then `not_found`
    /// for a missing ticket. Changes nothing; `deleteTicket` decides the rest.
    public func checkDeletable(_ id: TicketID, by caller: Caller) async throws {
        try await self.checkDeletable("ticket/\(id)", .ticketDelete, by: caller) { try await self.store.ticket(id) }
    }

    /// `forbidden` without `permission`, then `not_found` when `find` finds nothing.
    private func checkDeletable<Entity>(
        _ entity: String, _ permission: Permission, by caller: Caller, find: () async throws -> Entity?
    ) async throws {
        try self.authorize(caller, permission)
        guard try await find() != nil else { throw CRMError.notFound(entity: entity) }
    }

    /// Deletes a ticket and its notes (admin only); a ticket no longer at `expectedVersion`, when given, is a
    /// `conflict` and stays.
    public func deleteTicket(_ id: TicketID, expectedVersion: Int? = nil, by caller: Caller) async throws {
        try self.authorize(caller, .ticketDelete)
        let clock = self.clock
        try await self.store.deleteTicket(id) { ticket in
            try ChangeSet<Ticket>.checkVersion(expected: expectedVersion, current: ticket.version, entity: "ticket/\(id)")
            let changes: [String: FieldChange] = [
                "subject": FieldChange(.string(ticket.subject), .null),
                "status": FieldChange(.string(ticket.status.rawValue), .null),
            ]
            return self.record("ticket.delete", "ticket/\(id)", changes, caller, clock.now())
        }
    }

    // MARK: Notes

    /// Appends a note to a ticket, written by the caller.
    public func addNote(to ticketID: TicketID, text: String, by caller: Caller) async throws -> Note {
        try self.authorize(caller, .noteWrite)
        let text = try Validation.requiredMultiLineText(text, field: "text", maximum: Validation.maximumTextLength)
        let clock = self.clock
        return try await self.store.insertNote(on: ticketID) { id, _ in
            let now = clock.now()
            let note = Note(id: id, ticketID: ticketID, author: caller.principal.name, text: text, createdAt: now)
            let changes: [String: FieldChange] = [
                "note_id": FieldChange(.null, .int(id.rawValue)), "text": FieldChange(.null, .string(text)),
            ]
            return Recorded(note, audit: self.record("note.add", "ticket/\(ticketID)", changes, caller, now))
        }
    }

    /// A ticket's notes, oldest first.
    public func notes(on ticketID: TicketID, by caller: Caller) async throws -> [Note] {
        try self.authorize(caller, .noteRead)
        return try await self.store.notes(on: ticketID)
    }

    // MARK: Audit

    /// One ticket's audit trail (its changes and notes), oldest first; up to `PageRequest.maximumLimit` events
    /// unless the caller asks for fewer.
    public func ticketHistory(
        _ id: TicketID, _ page: PageRequest = PageRequest(), by caller: Caller
    ) async throws -> Page<AuditEvent> {
        try self.authorize(caller, .ticketHistory)
        let page = try Validation.page(page, defaultLimit: PageRequest.maximumLimit)
        let history = try await self.store.auditEvents(
            AuditQuery(entity: "ticket/\(id)", limit: page.limit, offset: page.offset))
        if history.total == 0, try await self.store.ticket(id) == nil {
            throw CRMError.notFound(entity: "ticket/\(id)")
        }
        return history
    }

    /// The whole audit log, filtered by actor and entity (admin only).
    public func auditLog(
        actor: String? = nil, entity: String? = nil, _ page: PageRequest = PageRequest(), by caller: Caller
    ) async throws -> Page<AuditEvent> {
        try self.authorize(caller, .auditRead)
        let page = try Validation.page(page)
        let actor = try actor.map { try Validation.userName($0, field: "actor") }
        let entity = try entity.map { try InputRules.oneLine($0, field: "entity", maximum: 64) }
        if let entity {
            let parts = entity.split(separator: "/")
            let isUser = parts.count == 2 && parts[0] == "user" && (try? Validation.loginName(String(parts[1]))) != nil
            guard parts.count == 2, isUser || ["customer", "ticket", "token"].contains(parts[0]) && Int(parts[1]) != nil
            else {
                throw CRMError.validation(
                    field: "entity",
                    reason: "'\(InputRules.shown(entity))' is not of the form ticket/3, customer/1, user/alice or token/4")
            }
        }
        return try await self.store.auditEvents(
            AuditQuery(actor: actor, entity: entity, limit: page.limit, offset: page.offset))
    }

    // MARK: Helpers

    func record(
        _ action: String, _ entity: String, _ changes: [String: FieldChange], _ caller: Caller, _ now: Timestamp
    ) -> AuditRecord {
        AuditRecord(
            at: now, actor: caller.principal.name, action: action, entity: entity, changes: changes,
            via: caller.channel)
    }

    private func resolve(_ selector: AssigneeSelector, for caller: Caller) throws -> String? {
        switch selector {
        case .nobody: return nil
        case .user(let name): return try Validation.assignee(name)
        case .me:
            guard let user = caller.principal.user else {
                throw CRMError.validation(field: "assignee", reason: "'me' needs a logged-in user")
            }
            return user.name
        }
    }

    private func validatedAssignee(_ selector: AssigneeSelector, for caller: Caller) async throws -> String? {
        guard let name = try self.resolve(selector, for: caller) else { return nil }
        try await self.requireEnabledUser(name, field: "assignee")
        return name
    }
}
