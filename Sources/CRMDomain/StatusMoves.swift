/// Where a ticket's status may go next for one caller, so a client can offer only the allowed moves.
public struct StatusMoves: Hashable, Sendable, JSONWritable {
    public let ticketID: TicketID
    public let version: Int
    public let status: TicketStatus
    /// The lifecycle's targets from `status` that the caller may choose, in lifecycle order; empty for a caller
    /// without `ticket.update`.
    public let allowed: [TicketStatus]

    /// `{"allowed": [...], "status": ..., "ticket_id": ..., "version": ...}`.
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("allowed", self.allowed.map(\.rawValue))
        json.field("status", self.status.rawValue)
        json.field("ticket_id", self.ticketID.rawValue)
        json.field("version", self.version)
        json.endObject()
    }
}

extension CRMService {
    /// The status moves a caller may make on a ticket now (DESIGN §3.2 with the caller's permissions).
    public func statusMoves(of id: TicketID, by caller: Caller) async throws -> StatusMoves {
        let ticket = try await self.ticket(id, by: caller)
        let permissions = self.permissions(of: caller)
        let allowed = permissions.contains(.ticketUpdate)
            ? TicketLifecycle.allowedTargets(from: ticket.status, permissions: permissions) : []
        return StatusMoves(ticketID: ticket.id, version: ticket.version, status: ticket.status, allowed: allowed)
    }
}
