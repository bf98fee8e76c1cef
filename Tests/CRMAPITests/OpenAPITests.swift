import CRMAPI
import CRMDomain
import CRMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import Testing

/// GET /openapi.json describes exactly the routes of DESIGN §6.1 and §6.2, and everything it describes is served.
@Suite("OpenAPI")
struct OpenAPITests {
    /// DESIGN §6.1 and §6.2, as (method, OpenAPI path).
    static let designRoutes: [(String, String)] = [
        // §6.1
        ("get", "/health"),
        ("get", "/api/customers/{id}"),
        ("get", "/api/tickets"),
        ("post", "/api/tickets"),
        ("patch", "/api/tickets/{id}"),
        ("post", "/api/notes/{ticket_id}"),
        // §6.2
        ("get", "/openapi.json"),
        ("get", "/api/me"),
        ("get", "/metrics"),
        ("get", "/api/customers"),
        ("post", "/api/customers"),
        ("patch", "/api/customers/{id}"),
        ("delete", "/api/customers/{id}"),
        ("get", "/api/tickets/{id}"),
        ("delete", "/api/tickets/{id}"),
        ("get", "/api/tickets/{id}/notes"),
        ("post", "/api/tickets/{id}/notes"),
        ("get", "/api/tickets/{id}/history"),
        ("get", "/api/audit"),
        ("get", "/api/users"),
        ("post", "/api/users"),
        ("get", "/api/users/{name}"),
        ("patch", "/api/users/{name}"),
        ("get", "/api/tokens"),
        ("post", "/api/tokens"),
        ("delete", "/api/tokens/{id}"),
        // Beyond §6.2: where POST /api/tokens's Location points.
        ("get", "/api/tokens/{id}"),
        // the web page's status menu
        ("get", "/api/tickets/{id}/transitions"),
    ]

    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// `/api/notes/{ticket_id}` → `/api/notes/{}`: parameter names don't change the route.
    static func shape(_ path: String) -> String {
        path.replacingOccurrences(of: #"\{[^}]*\}"#, with: "{}", options: .regularExpression)
    }

    static func document(_ world: APIWorld) async throws -> [String: Any] {
        let reply = try await world.test { api in try await api.get("/openapi.json") }
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
        return try #require(reply.object, "not a JSON object: \(reply)")
    }

    /// Every (method, path) the document describes.
    static func operations(_ document: [String: Any]) throws -> [(String, String)] {
        let paths = try #require(document["paths"] as? [String: Any])
        return try paths.keys.sorted().flatMap { path in
            let item = try #require(paths[path] as? [String: Any])
            return item.keys.filter { Self.methods.contains($0) }.sorted().map { ($0, path) }
        }
    }

    @Test("the document is OpenAPI 3.1")
    func version() async throws {
        let document = try await Self.document(try await APIWorld.make())
        let version = try #require(document["openapi"] as? String)
        #expect(version.hasPrefix("3.1"))
        #expect((document["info"] as? [String: Any])?["title"] as? String != nil)
        #expect((document["info"] as? [String: Any])?["version"] as? String != nil)
    }

    @Test("every route of DESIGN §6 is described, and nothing else")
    func describesTheDesign() async throws {
        let document = try await Self.document(try await APIWorld.make())
        let described = Set(try Self.operations(document).map { "\($0.0) \(Self.shape($0.1))" })
        let designed = Set(Self.designRoutes.map { "\($0.0) \(Self.shape($0.1))" })
        #expect(designed.subtracting(described).isEmpty, "not described: \(designed.subtracting(described).sorted())")
        #expect(described.subtracting(designed).isEmpty, "not in DESIGN §6: \(described.subtracting(designed).sorted())")
        let paths = try #require(document["paths"] as? [String: Any])
        #expect(paths.keys.allSatisfy { !$0.contains(":") && $0.hasPrefix("/") }, "\(paths.keys.sorted())")
    }

    @Test("every operation is well formed: responses, parameters and resolvable schema references")
    func wellFormed() async throws {
        let document = try await Self.document(try await APIWorld.make())
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        var operationIDs: [String] = []
        for (method, path) in try Self.operations(document) {
            let operation = try #require((paths[path] as? [String: Any])?[method] as? [String: Any])
            let responses = try #require(operation["responses"] as? [String: Any], "\(method) \(path)")
            #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(method) \(path) has no success response")
            if let id = operation["operationId"] as? String { operationIDs.append(id) }
            // Every {name} in the path is a declared path parameter, and vice versa.
            let names = Set(
                path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
            let parameters = operation["parameters"] as? [[String: Any]] ?? []
            let declared = Set(parameters.filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String })
            #expect(names == declared, "\(method) \(path): path parameters \(declared.sorted())")
            if method == "post" || method == "patch" {
                #expect(operation["requestBody"] != nil, "\(method) \(path) has no requestBody")
            }
        }
        #expect(Set(operationIDs).count == operationIDs.count, "duplicate operationIds")
        // Every $ref anywhere points at a schema that exists.
        func references(_ value: Any) -> [String] {
            if let object = value as? [String: Any] {
                return object.flatMap { key, value in key == "$ref" ? [value as? String ?? "?"] : references(value) }
            }
            if let array = value as? [Any] { return array.flatMap(references) }
            return []
        }
        let refs = references(document)
        #expect(!refs.isEmpty)
        for ref in refs {
            let name = ref.replacingOccurrences(of: "#/components/schemas/", with: "")
            #expect(ref.hasPrefix("#/components/schemas/") && schemas[name] != nil, "dangling \(ref)")
        }
        // The Ticket schema names the fields of §3.1.
        let ticket = try #require(schemas["Ticket"] as? [String: Any])
        let properties = Set((ticket["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
        #expect(properties == RouterTests.ticketKeys)
    }

    @Test("every described operation is served (admin, ids = 1)")
    func everyOperationIsServed() async throws {
        let world = try await APIWorld.make()
        let ticket = try await world.ticket()
        _ = try await world.service.addNote(to: ticket.id, text: "a note", by: world.admin)
        let document = try await Self.document(world)
        let paths = try #require(document["paths"] as? [String: Any])
        let operations = try Self.operations(document)
        #expect(operations.count == Self.designRoutes.count)
        var documented: [String: Set<String>] = [:]
        for (method, path) in operations {
            let operation = (paths[path] as? [String: Any])?[method] as? [String: Any]
            documented["\(method) \(path)"] = Set((operation?["responses"] as? [String: Any] ?? [:]).keys)
        }
        let statuses = documented
        try await world.test { api in
            // Reads first, so the ticket and customer are still there; then writes; deletes last.
            let order = ["get": 0, "post": 1, "patch": 2, "delete": 3]
            for (method, path) in operations.sorted(by: { order[$0.0, default: 9] < order[$1.0, default: 9] }) {
                let concrete = path.replacingOccurrences(of: "{name}", with: "admin")
                    .replacingOccurrences(of: #"\{[^}]*\}"#, with: "1", options: .regularExpression)
                let request = Req(
                    HTTPRequest.Method(method.uppercased())!, concrete, token: Token.admin,
                    json: method == "post" || method == "patch" ? "{}" : nil)
                let reply = try await api.send(request)
                #expect(!reply.isRouteNotFound, "\(method) \(path) → \(reply)")
                #expect(reply.status < 500, "\(method) \(path) → \(reply)")
                if method == "get" {
                    #expect(statuses["\(method) \(path)"]?.contains(String(reply.status)) == true, "\(method) \(path) answered undocumented \(reply.status)")
                    #expect(reply.status == 200, "\(method) \(path) → \(reply)")
                }
            }
            // The original's paths also answer with a trailing slash.
            for (method, path) in Self.designRoutes.prefix(6) {
                let concrete = path.replacingOccurrences(of: #"\{[^}]*\}"#, with: "1", options: .regularExpression) + "/"
                let reply = try await api.send(
                    Req(HTTPRequest.Method(method.uppercased())!, concrete, token: Token.admin,
                        json: method == "get" ? nil : "{}"))
                #expect(!reply.isRouteNotFound, "\(method) \(concrete) → \(reply)")
            }
        }
    }

    @Test("the route-not-found answer is recognisable (so the test above can fail)")
    func routeNotFoundIsDetected() async throws {
        let world = try await APIWorld.make()
        let reply = try await world.test { api in try await api.get("/api/tickets/1/nothing-here", token: Token.admin) }
        #expect(reply.isRouteNotFound, "\(reply)")
        let known = try await world.test { api in try await api.get("/api/tickets/1", token: Token.admin) }
        #expect(known.status == 404)
        #expect(!known.isRouteNotFound, "a missing ticket is not a missing route: \(known)")
    }

    /// The keys of a JSON object, empty for anything else.
    static func keys(_ object: Any?) -> Set<String> {
        Set((object as? [String: Any]).map { Array($0.keys) } ?? [])
    }

    /// The operation object for `method path`.
    static func operation(_ document: [String: Any], _ method: String, _ path: String) throws -> [String: Any] {
        try #require(((document["paths"] as? [String: Any])?[path] as? [String: Any])?[method] as? [String: Any])
    }

    @Test("security follows the policy: public ticket reads take an optional token, unless CRM_PUBLIC_TICKETS=0",
        arguments: [true, false])
    func securityFromPolicy(publicTickets: Bool) async throws {
        let document = try await Self.document(try await APIWorld.make(publicTickets: publicTickets))
        func security(_ method: String, _ path: String) throws -> [[String: Any]] {
            try #require(try Self.operation(document, method, path)["security"] as? [[String: Any]], "\(method) \(path)")
        }
        for path in ["/api/tickets", "/api/tickets/{id}"] {
            let schemes = try security("get", path)
            if publicTickets {
                #expect(schemes.contains { $0.isEmpty } && schemes.contains { $0["bearer"] != nil }, "\(path): \(schemes)")
            } else {
                #expect(schemes.count == 1 && schemes[0]["bearer"] != nil, "\(path): \(schemes)")
            }
        }
        #expect(try security("get", "/health").isEmpty)
        #expect(try security("get", "/api/me").contains { $0.isEmpty })
        for (method, path) in [("post", "/api/tickets"), ("get", "/api/customers/{id}"), ("get", "/api/audit")] {
            let schemes = try security(method, path)
            #expect(schemes.count == 1 && schemes[0]["bearer"] != nil, "\(method) \(path): \(schemes)")
        }
    }

    @Test("the document declares the limits the server enforces and the headers it sends")
    func limitsAndHeaders() async throws {
        let document = try await Self.document(try await APIWorld.make())
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        func property(_ schema: String, _ name: String) -> [String: Any]? {
            ((schemas[schema] as? [String: Any])?["properties"] as? [String: Any])?[name] as? [String: Any]
        }
        #expect(property("TicketCreate", "subject")?["maxLength"] as? Int == Validation.maximumSubjectLength)
        #expect(property("TicketCreate", "subject")?["minLength"] as? Int == 1)
        let customerID = (property("TicketCreate", "customer_id")?["anyOf"] as? [[String: Any]])?.first
        #expect(customerID?["minimum"] as? Int == 1 && customerID?["type"] as? String == "integer")
        func values(_ schema: String, _ name: String) -> [String]? {
            (property(schema, name)?["enum"] as? [Any])?.compactMap { $0 as? String }
        }
        #expect(values("TicketPatch", "status") == TicketStatus.allCases.map(\.rawValue))
        #expect(values("Ticket", "status") == TicketStatus.allCases.map(\.rawValue))
        #expect(values("TicketCreate", "priority") == Priority.allCases.map(\.rawValue))
        #expect(property("CustomerCreate", "email")?["format"] as? String == "email")
        #expect(property("CustomerCreate", "name")?["maxLength"] as? Int == Validation.maximumNameLength)
        #expect(property("NoteCreate", "text")?["maxLength"] as? Int == Validation.maximumTextLength)
        #expect(property("Ticket", "created_at")?["format"] as? String == "date-time")
        #expect((schemas["TicketCreate"] as? [String: Any])?["required"] as? [String] == ["customer_id", "subject"])

        let list = try Self.operation(document, "get", "/api/tickets")
        let parameters = try #require(list["parameters"] as? [[String: Any]])
        let limit = try #require(parameters.first { $0["name"] as? String == "limit" }?["schema"] as? [String: Any])
        #expect(limit["minimum"] as? Int == 1 && limit["maximum"] as? Int == PageRequest.maximumLimit)
        let ok = try #require((list["responses"] as? [String: Any])?["200"] as? [String: Any])
        let headers = Self.keys(ok["headers"])
        #expect(headers.isSuperset(of: ["X-Process-Time-ms", "X-Total-Count"]), "\(headers)")

        let create = try Self.operation(document, "post", "/api/tickets")
        // The original's POST /api/tickets/ answered 200, and so does crm; it sends Location and ETag besides.
        let created = try #require((create["responses"] as? [String: Any])?["200"] as? [String: Any])
        #expect(Self.keys(created["headers"]).isSuperset(of: ["Location", "ETag"]))
        let statuses = Self.keys(create["responses"])
        #expect(statuses.isSuperset(of: ["200", "400", "403", "404", "405", "413", "422"]), "\(statuses)")
        #expect(!statuses.contains("201"), "\(statuses)")
        let note = try Self.operation(document, "post", "/api/notes/{id}")
        #expect(Self.keys(note["responses"]).isSuperset(of: ["200", "404", "422"]), "\(Self.keys(note["responses"]))")
        #expect(Self.keys(try Self.operation(document, "get", "/api/customers/{id}")["responses"]).contains("422"))
        let error = try #require(schemas["Error"] as? [String: Any])
        #expect((error["required"] as? [String]).map(Set.init) == ["detail", "error"])
        let patch = try Self.operation(document, "patch", "/api/tickets/{id}")
        let patchStatuses = Self.keys(patch["responses"])
        #expect(patchStatuses.isSuperset(of: ["200", "400", "403", "404", "409", "412", "422"]), "\(patchStatuses)")
        let notAllowed = try #require((patch["responses"] as? [String: Any])?["405"] as? [String: Any])
        #expect((notAllowed["headers"] as? [String: Any])?["Allow"] != nil)
        let show = try Self.operation(document, "get", "/api/tickets/{id}")
        #expect((show["responses"] as? [String: Any])?["304"] != nil)
        let pathID = try #require((show["parameters"] as? [[String: Any]])?.first { $0["in"] as? String == "path" })
        #expect((pathID["schema"] as? [String: Any])?["minimum"] as? Int == 1)
    }
}
