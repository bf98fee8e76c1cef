import CRMDomain

/// The routes of DESIGN §6 as one table, grouped by resource: each handler authenticates (through
/// `APIRoute.access`), reads its input, makes one `CRMService` call and encodes the result. No rule lives here.
struct CRMRoutes: Sendable {
    let service: CRMService

    /// Every route, in the order the OpenAPI document lists them.
    var all: [APIRoute] {
        SystemRoutes(service: self.service).routes + CustomerRoutes(service: self.service).routes
            + TicketRoutes(service: self.service).routes + NoteRoutes(service: self.service).routes
            + AuditRoutes(service: self.service).routes + UserRoutes(service: self.service).routes
            + TokenRoutes(service: self.service).routes
    }
}
