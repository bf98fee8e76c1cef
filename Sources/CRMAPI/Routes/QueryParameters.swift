import CRMDomain
import Foundation
import Hummingbird

/// Query-string parameters, read with 422 errors that name the parameter. Decoded as HTML forms and the original
/// (Starlette) decode them: `+` is a space and `%2B` a plus sign; when a name is repeated, the last value wins.
struct QueryParameters {
    private let values: [String: String]

    init(_ request: Request) {
        self.init(query: request.uri.query ?? "")
    }

    init(query: String) {
        var values: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            values[Self.decode(parts[0])] = parts.count > 1 ? Self.decode(parts[1]) : ""
        }
        self.values = values
    }

    /// `+` as a space, then percent-decoding; text whose escapes are not valid UTF-8 is kept as it came.
    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The parameter's last value as given, empty included; nil when absent.
    func value(_ name: String) -> String? {
        self.values[name]
    }

    /// The parameter's value, nil when absent or empty.
    subscript(name: String) -> String? {
        self.values[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the request asks for a page (`limit` or `offset` given).
    var asksForPage: Bool { self["limit"] != nil || self["offset"] != nil }

    /// An ID filter read as the original read query IDs: `1` and `1.0` are 1, `1.5`, `1e3` or `abc` are 422;
    /// 0 (or an empty value) means no filter.
    func idFilter(_ name: String) throws -> Int? {
        guard let text = self[name] else { return nil }
        var integral = Substring(text)
        if let dot = integral.firstIndex(of: "."), integral.index(after: dot) < integral.endIndex,
            integral[integral.index(after: dot)...].allSatisfy({ $0 == "0" })
        {
            integral = integral[..<dot]
        }
        guard let value = Int(integral) else {
            throw APIError.validation(field: name, "must be an integer, got '\(text)'")
        }
        return value == 0 ? nil : value
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
            customerID: try self.idFilter("customer_id").map(CustomerID.init),
            status: try self["status"].map { try TicketStatus(validating: $0) },
            priority: try self["priority"].map { try Priority(validating: $0) },
            assignee: self["assignee"].map(AssigneeSelector.init(parsing:)), tag: self["tag"],
            search: self["search"] ?? self["q"])
    }
}
