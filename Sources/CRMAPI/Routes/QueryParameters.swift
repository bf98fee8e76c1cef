import CRMDomain
import Hummingbird

/// Query-string parameters, read with 422 errors that name the parameter.
struct QueryParameters {
    let parameters: Hummingbird.Parameters

    init(_ request: Request) {
        self.parameters = request.uri.queryParameters
    }

    subscript(name: String) -> String? {
        self.parameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    func integer(_ name: String) throws -> Int? {
        guard let text = self[name] else { return nil }
        guard let value = Int(text) else { throw APIError.validation(field: name, "must be an integer, got '\(text)'") }
        return value
    }

    /// `limit` and `offset` as given; the use case decides what a missing one means.
    func page() throws -> PageRequest {
        PageRequest(limit: try self.integer("limit"), offset: try self.integer("offset"))
    }

    func ticketFilter() throws -> TicketFilter {
        TicketFilter(
            customerID: try self.integer("customer_id").map(CustomerID.init),
            status: try self["status"].map { try TicketStatus(validating: $0) },
            priority: try self["priority"].map { try Priority(validating: $0) },
            assignee: self["assignee"].map(AssigneeSelector.init(parsing:)), tag: self["tag"],
            search: self["search"] ?? self["q"])
    }
}
