import Foundation

/// The OpenAPI 3.1 description of the API, generated from the route table.
enum OpenAPIDocument {
    /// The document's JSON for `routes` plus `/openapi.json` itself.
    static func json(for routes: [APIRoute]) -> Data {
        var paths: [String: [String: Any]] = [
            "/openapi.json": [
                "get": [
                    "summary": "This document", "operationId": "get_openapi",
                    "responses": ["200": ["description": "OK", "content": ["application/json": ["schema": ["type": "object"]]]]],
                ]
            ]
        ]
        for route in routes {
            paths[route.openAPIPath, default: [:]][route.method.rawValue.lowercased()] = self.operation(route)
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": [
                "title": "crm", "version": "1.0.0",
                "description": "Support-desk CRM API, compatible with the original FastAPI service.",
            ],
            "components": [
                "schemas": self.schemas,
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
            ],
            "paths": paths,
        ]
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
    }

    private static func operation(_ route: APIRoute) -> [String: Any] {
        var parameters: [[String: Any]] = route.pathParameters.map {
            ["name": $0, "in": "path", "required": true, "schema": ["type": "integer", "minimum": 1]]
        }
        for name in route.query {
            let integer = ["limit", "offset", "customer_id"].contains(name)
            parameters.append(["name": name, "in": "query", "required": false, "schema": ["type": integer ? "integer" : "string"]])
        }
        if route.method == .patch && route.path.hasPrefix("/api/tickets") {
            parameters.append(["name": "If-Match", "in": "header", "required": false, "schema": ["type": "string"]])
        }
        var responses: [String: Any] = [:]
        var success: [String: Any] = ["description": "Success"]
        if let response = route.response {
            success["content"] = ["application/json": ["schema": self.reference(response)]]
        }
        responses[String(route.successStatus)] = success
        let error: [String: Any] = ["content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
        func add(_ status: String, _ description: String) {
            responses[status] = error.merging(["description": description]) { $1 }
        }
        if route.body != nil {
            add("400", "Malformed JSON")
            add("413", "Body over 1 MiB")
        }
        add("403", "Missing or invalid token, or permission denied")
        add("422", "Validation error")
        if !route.pathParameters.isEmpty { add("404", "Not found") }
        if route.method == .patch && route.path.hasPrefix("/api/tickets") {
            add("409", "Invalid status transition")
            add("412", "Stale If-Match version")
        }
        var operation: [String: Any] = [
            "summary": route.summary,
            "operationId": route.method.rawValue.lowercased() + route.openAPIPath
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "{", with: "")
                .replacingOccurrences(of: "}", with: "").replacingOccurrences(of: ".", with: "_"),
            "responses": responses,
        ]
        if !parameters.isEmpty { operation["parameters"] = parameters }
        if let body = route.body {
            operation["requestBody"] = [
                "required": true, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(body)"]]],
            ]
        }
        if case .permission(let permission) = route.access {
            operation["security"] = [["bearer": []]]
            operation["description"] = "Requires `\(permission)`."
        }
        return operation
    }

    private static func reference(_ name: String) -> [String: Any] {
        if name.hasPrefix("[") {
            return ["type": "array", "items": ["$ref": "#/components/schemas/\(name.dropFirst().dropLast())"]]
        }
        return ["$ref": "#/components/schemas/\(name)"]
    }

    private static var string: [String: Any] { ["type": "string"] }
    private static var integer: [String: Any] { ["type": "integer"] }
    private static var time: [String: Any] { ["type": "string", "format": "date-time"] }
    private static var nullableString: [String: Any] { ["type": ["string", "null"]] }
    private static var strings: [String: Any] { ["type": "array", "items": ["type": "string"]] }
    private static var status: [String: Any] { ["type": "string", "enum": ["open", "in_progress", "pending", "resolved", "closed"]] }
    private static var priority: [String: Any] { ["type": "string", "enum": ["low", "normal", "high", "urgent"]] }

    private static func object(_ properties: [String: Any], required: [String]) -> [String: Any] {
        ["type": "object", "properties": properties, "required": required]
    }

    private static var schemas: [String: Any] {
        [
        "Health": object(["status": string], required: ["status"]),
        "Me": object(["user": string, "role": nullableString, "permissions": strings], required: ["user", "role", "permissions"]),
        "Customer": object(
            ["id": integer, "name": string, "email": string, "company": nullableString, "created_at": time, "updated_at": time],
            required: ["id", "name", "email", "company", "created_at", "updated_at"]),
        "Ticket": object(
            [
                "id": integer, "customer_id": integer, "subject": string, "description": string, "status": status,
                "priority": priority, "assignee": nullableString, "tags": strings, "created_at": time,
                "updated_at": time, "version": integer,
            ],
            required: [
                "id", "customer_id", "subject", "description", "status", "priority", "assignee", "tags", "created_at",
                "updated_at", "version",
            ]),
        "Note": object(
            ["id": integer, "ticket_id": integer, "author": string, "text": string, "created_at": time],
            required: ["id", "ticket_id", "author", "text", "created_at"]),
        "NoteEnvelope": object(["data": ["$ref": "#/components/schemas/Note"]], required: ["data"]),
        "AuditEvent": object(
            [
                "id": integer, "at": time, "actor": string, "action": string, "entity": string,
                "changes": ["type": "object", "additionalProperties": ["type": "array", "minItems": 2, "maxItems": 2]],
                "via": ["type": "string", "enum": ["shell", "http"]],
            ],
            required: ["id", "at", "actor", "action", "entity", "changes", "via"]),
        "CustomerCreate": object(["name": string, "email": string, "company": nullableString], required: ["name", "email"]),
        "CustomerPatch": object(["name": string, "email": string, "company": nullableString], required: []),
        "TicketCreate": object(
            [
                "customer_id": integer, "subject": string, "description": string, "priority": priority,
                "assignee": string, "tags": strings,
            ],
            required: ["customer_id", "subject"]),
        "TicketPatch": object(
            [
                "subject": string, "description": string, "status": status, "priority": priority,
                "assignee": nullableString, "add_tags": strings, "remove_tags": strings,
            ],
            required: []),
        "NoteCreate": object(["text": string], required: ["text"]),
        "Error": object(
            [
                "error": object(
                    ["code": string, "message": string, "allowed": ["type": "array", "items": status]],
                    required: ["code", "message"])
            ],
            required: ["error"]),
        ]
    }
}
