import CRMDomain
import Foundation

/// The OpenAPI 3.1 description of the API, generated from the route table and the access policy: it states
/// the limits the server enforces (lengths in characters, enums, formats, ID and paging ranges), which
/// routes need a token, every error status with its body and every response header.
enum OpenAPIDocument {
    /// Where the document is served.
    static let path = "/openapi.json"

    /// The document's JSON for `routes` plus `/openapi.json` itself.
    static func json(for routes: [APIRoute], policy: AccessPolicy) -> Data {
        var paths: [String: [String: Any]] = [
            self.path: [
                "get": [
                    "summary": "This document", "operationId": "get_openapi", "security": [[String: Any]](),
                    "responses": [
                        "200": [
                            "description": "OK", "headers": self.headers(["X-Process-Time-ms"]),
                            "content": ["application/json": ["schema": ["type": "object"]]],
                        ]
                    ],
                ]
            ]
        ]
        paths[MetricsRoute.path] = ["get": self.metrics]
        for route in routes {
            paths[route.openAPIPath, default: [:]][route.method.rawValue.lowercased()] = self.operation(route, policy)
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": [
                "title": "crm", "version": "1.0.0",
                "description": "Support-desk CRM API, compatible with the original FastAPI service. HEAD is "
                    + "served wherever GET is; another method on a known path is 405 with Allow.",
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

    /// `GET /metrics`: Prometheus text, not JSON; a local caller needs no token.
    private static var metrics: [String: Any] {
        [
            "summary": "Prometheus metrics", "operationId": "get_metrics",
            "description": "Requests by route template, method and status, their duration, and the store's "
                + "connection pool, in the Prometheus text format. Requires `\(Permission.metricsRead.rawValue)`, "
                + "except for a caller on the server's own machine (loopback, not relayed by a proxy).",
            "security": [[:], ["bearer": []]],
            "responses": [
                "200": [
                    "description": "The metrics", "headers": self.headers(["X-Process-Time-ms"]),
                    "content": [MetricsRoute.contentType: ["schema": self.string]],
                ],
                "403": [
                    "description": "Not on the server's machine and no admin token, or an invalid token",
                    "headers": self.headers(["X-Process-Time-ms"]),
                    "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
                ],
                "405": [
                    "description": "Method not allowed on this path", "headers": self.headers(["X-Process-Time-ms", "Allow"]),
                    "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
                ],
            ],
        ]
    }

    private static func operation(_ route: APIRoute, _ policy: AccessPolicy) -> [String: Any] {
        var parameters: [[String: Any]] = route.pathParameters.map {
            ["name": $0, "in": "path", "required": true, "schema": $0 == "name" ? self.userName : self.id]
        }
        for name in route.query {
            parameters.append(["name": name.rawValue, "in": "query", "required": false, "schema": self.schema(of: name)])
        }
        if route.preconditions.contains(.ifMatch) {
            parameters.append([
                "name": "If-Match", "in": "header", "required": false,
                "description": "`*` or entity tags (`\"3\"`, strong ones match); a stale version is 412, another value 400.",
                "schema": ["type": "string", "pattern": self.entityTagList],
            ])
        }
        if route.preconditions.contains(.ifNoneMatch) {
            parameters.append([
                "name": "If-None-Match", "in": "header", "required": false,
                "description": "`*` or entity tags; the current one is 304.", "schema": self.string,
            ])
        }

        var responses: [String: Any] = [:]
        var successHeaders = ["X-Process-Time-ms"]
        if route.preconditions.contains(.ifMatch) || route.preconditions.contains(.ifNoneMatch)
            || (route.method == .post && ["Ticket", "Customer"].contains(route.response))
        {
            successHeaders.append("ETag")
        }
        let createsEntity = route.method == .post && ["Ticket", "Customer"].contains(route.response)
        if createsEntity || (route.successStatus == 201 && route.response != "NoteEnvelope") {
            successHeaders.append("Location")
        }
        if route.query.contains(.limit) { successHeaders.append("X-Total-Count") }
        let streamed = route.method == .get && route.path == "/api/tickets"
        var success: [String: Any] = [
            "description": streamed
                ? "Without `limit` and `offset`: every matching ticket, streamed (chunked); with them: one page "
                    + "and `X-Total-Count`"
                : "Success",
            "headers": self.headers(successHeaders),
        ]
        if let response = route.response {
            success["content"] = ["application/json": ["schema": self.reference(response)]]
        }
        responses[String(route.successStatus)] = success
        if route.preconditions.contains(.ifNoneMatch) {
            responses["304"] = ["description": "Not modified", "headers": self.headers(["X-Process-Time-ms", "ETag"])]
        }
        func error(_ status: Int, _ description: String, headers: [String] = ["X-Process-Time-ms"]) {
            responses[String(status)] = [
                "description": description, "headers": self.headers(headers),
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
            ]
        }
        error(400, "Malformed request or JSON body")
        error(405, "Method not allowed on this path", headers: ["X-Process-Time-ms", "Allow"])
        if route.body != nil { error(413, "Body over 1 MiB") }
        switch route.access {
        case .open: break
        case .anyCaller: error(403, "Invalid token")
        case .permission(let permission):
            // On a route anonymous callers may use, a bad token is ignored (the caller is anonymous).
            if !policy.allows(.anonymous, permission) { error(403, "Missing or invalid token, or permission denied") }
        }
        if route.body != nil || !route.query.isEmpty { error(422, "Validation error naming the field") }
        if route.body == "TicketCreate" { error(404, "The customer does not exist") }
        if route.path == "/api/tokens" { error(404, "The user named does not exist") }
        if route.method == .post && route.path == "/api/users" { error(409, "The name is taken") }
        if !route.pathParameters.isEmpty {
            error(404, "Not found")
            error(422, "Validation error naming the field (also a path ID that is not an integer)")
        }
        if route.method == .patch && route.path.hasPrefix("/api/tickets") { error(409, "Invalid status transition") }
        if route.method == .delete && route.path.hasPrefix("/api/customers") { error(409, "The customer has tickets") }
        if route.preconditions.contains(.ifMatch) { error(412, "If-Match names no current version") }

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
        switch route.access {
        case .open:
            operation["security"] = [[String: Any]]()
        case .anyCaller:
            operation["security"] = [[:], ["bearer": []]]
        case .permission(let permission):
            if policy.allows(.anonymous, permission) {
                operation["security"] = [[:], ["bearer": []]]
                operation["description"] = "Public: `\(permission.rawValue)` is granted to anonymous callers."
            } else {
                operation["security"] = [["bearer": []]]
                operation["description"] = "Requires `\(permission.rawValue)`."
            }
        }
        return operation
    }

    private static func schema(of parameter: QueryParameter) -> [String: Any] {
        switch parameter {
        case .limit: ["type": "integer", "minimum": 1, "maximum": PageRequest.maximumLimit]
        case .offset: ["type": "integer", "minimum": 0, "maximum": Int.max]
        case .customerID:
            [
                "type": "integer", "minimum": Int.min, "maximum": Int.max,
                "description": "0 means no filter; an ID no customer has matches nothing",
            ]
        case .status: ["type": "string", "enum": TicketStatus.allCases.map(\.rawValue) + [""], "description": "empty: no filter"]
        case .priority: ["type": "string", "enum": Priority.allCases.map(\.rawValue) + [""], "description": "empty: no filter"]
        case .assignee: self.anyLine(description: "a user name, `me` or `none`")
        case .entity:
            [
                "type": "string", "pattern": "^((customer|ticket|token)/[0-9]{1,18}|user/[a-z][a-z0-9._-]{0,31})?$",
                "description": "empty: no filter",
            ]
        case .user: self.userName
        case .all: ["type": "string", "enum": ["", "1", "true", "0", "false"], "description": "everyone's tokens"]
        case .tag: ["type": "string", "pattern": "^[A-Za-z0-9_-]{0,\(Validation.maximumTagLength)}$"]
        case .search, .actor: self.anyLine(description: nil)
        }
    }

    /// The response headers by name.
    private static func headers(_ names: [String]) -> [String: Any] {
        let all: [String: [String: Any]] = [
            "X-Process-Time-ms": [
                "description": "Time spent on the request in milliseconds",
                "schema": ["type": "string", "pattern": "^[0-9]+\\.[0-9]{3}$"],
            ],
            "ETag": ["description": "The version as a strong entity tag", "schema": ["type": "string", "pattern": "^\"[0-9]+\"$"]],
            "Location": ["description": "The path of the created resource", "schema": self.string],
            "X-Total-Count": ["description": "Matching items before paging", "schema": ["type": "string", "pattern": "^[0-9]+$"]],
            "Allow": ["description": "The methods served on this path", "schema": self.string],
            "X-Request-Id": [
                "description": "The request's ID in the access log: the client's own X-Request-Id when it is 1 to 128 "
                    + "letters, digits and `._:-`, else one the server made",
                "schema": ["type": "string", "pattern": "^[A-Za-z0-9._:-]{1,128}$"],
            ],
        ]
        var result: [String: Any] = [:]
        // Every response carries both.
        let named = names.contains("X-Process-Time-ms") ? names + ["X-Request-Id"] : names
        for name in named { result[name] = all[name] }
        return result
    }

    private static func reference(_ name: String) -> [String: Any] {
        if name.hasPrefix("[") {
            return ["type": "array", "items": ["$ref": "#/components/schemas/\(name.dropFirst().dropLast())"]]
        }
        return ["$ref": "#/components/schemas/\(name)"]
    }

    private static var string: [String: Any] { ["type": "string"] }

    /// `If-Match`'s syntax (RFC 9110 §13.1.1): `*`, or a comma-separated list of entity tags, weak or strong; a
    /// bare version number stands for its strong tag, as earlier crm versions accepted.
    private static let entityTagList = #"^(\*|((W/)?"[!#-~]*"|[0-9]+)( *, *((W/)?"[!#-~]*"|[0-9]+))*)$"#
    private static var id: [String: Any] { ["type": "integer", "minimum": 1, "maximum": Int.max] }
    /// An ID in a body, read as the original read it: `1`, `1.0` and `"1"` are 1.
    private static var laxID: [String: Any] {
        ["anyOf": [self.id, ["type": "string", "pattern": "^[1-9][0-9]{0,17}$"]]]
    }
    private static var time: [String: Any] { ["type": "string", "format": "date-time"] }
    private static var nullableString: [String: Any] { ["type": ["string", "null"]] }
    private static var strings: [String: Any] { ["type": "array", "items": ["type": "string"]] }
    private static var status: [String: Any] { ["type": "string", "enum": TicketStatus.allCases.map(\.rawValue)] }
    private static var priority: [String: Any] { ["type": "string", "enum": Priority.allCases.map(\.rawValue)] }

    /// What one-line fields refuse (DESIGN §3.6): C0 and C1 controls, DEL, bidirectional overrides and isolates.
    private static let oneLineRefused = "\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069"
    /// What multi-line fields refuse: every control character but line feed and tab.
    private static let multiLineRefused = "\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f"

    /// A one-line text of 1...`maximum` characters, not blank.
    private static func line(_ maximum: Int, nullable: Bool = false) -> [String: Any] {
        let refused = self.oneLineRefused
        return [
            "type": nullable ? ["string", "null"] : "string", "minLength": 1, "maxLength": maximum,
            "pattern": "^[^\(refused)]*[^\(refused)\\s][^\(refused)]*$",
        ]
    }

    /// A multi-line text of at most `maximum` characters (at least one when `required`).
    private static func text(_ maximum: Int, required: Bool) -> [String: Any] {
        let refused = self.multiLineRefused
        var schema: [String: Any] = [
            "type": "string", "maxLength": maximum, "pattern": "^[^\(refused)]*$",
        ]
        if required {
            schema["minLength"] = 1
            schema["pattern"] = "^[^\(refused)]*[^\(refused)\\s][^\(refused)]*$"
        }
        return schema
    }

    /// An assignee: an existing user's login name, `me`, or `none`/empty (null unassigns too, where allowed).
    private static func assignee(nullable: Bool) -> [String: Any] {
        var schema = self.anyLine(description: "an existing user's login name, `me` or `none`; an unknown user is 422")
        if nullable { schema["type"] = ["string", "null"] }
        return schema
    }

    /// A one-line text that may be empty or blank (a filter, or a field where empty means none).
    private static func anyLine(description: String?) -> [String: Any] {
        var schema: [String: Any] = ["type": "string", "pattern": "^[^\(self.oneLineRefused)]*$"]
        if let description { schema["description"] = description }
        return schema
    }

    /// A company: empty or blank clears it, as null does.
    private static var company: [String: Any] {
        ["type": ["string", "null"], "maxLength": Validation.maximumNameLength, "pattern": "^[^\(self.oneLineRefused)]*$"]
    }

    /// A login name (DESIGN §3.1).
    private static var userName: [String: Any] { ["type": "string", "pattern": "^[a-z][a-z0-9._-]{0,31}$"] }
    private static var role: [String: Any] { ["type": "string", "enum": Role.allCases.map(\.rawValue)] }
    private static var nullableTime: [String: Any] { ["type": ["string", "null"], "format": "date-time"] }

    private static var email: [String: Any] { ["type": "string", "format": "email", "maxLength": 254] }
    private static var tags: [String: Any] {
        [
            "type": "array",
            "items": ["type": "string", "pattern": "^[a-z0-9_-]{1,\(Validation.maximumTagLength)}$"],
        ]
    }

    /// `schema` accepting null too: in bodies, null leaves an optional field as it is (or at its default).
    private static func nullable(_ schema: [String: Any]) -> [String: Any] {
        var result = schema
        if let type = schema["type"] as? String { result["type"] = [type, "null"] }
        if let values = schema["enum"] as? [Any] { result["enum"] = values + [NSNull()] }
        return result
    }

    /// An object schema; `closed` for a request body whose route refuses unknown keys (422 naming the key).
    private static func object(_ properties: [String: Any], required: [String], closed: Bool = false) -> [String: Any] {
        var schema: [String: Any] = ["type": "object", "properties": properties, "required": required]
        if closed { schema["additionalProperties"] = false }
        return schema
    }

    private static var schemas: [String: Any] {
        let subject = self.line(Validation.maximumSubjectLength)
        let name = self.line(Validation.maximumNameLength)
        let description = self.text(Validation.maximumTextLength, required: false)
        let text = self.text(Validation.maximumTextLength, required: true)
        let tokenProperties: [String: Any] = [
            "id": id, "user": userName, "label": nullableString, "created_at": time, "created_by": string,
            "expires_at": nullableTime, "last_used_at": nullableTime, "revoked_at": nullableTime,
        ]
        return [
            "Health": object(["status": ["type": "string", "enum": ["ok"]]], required: ["status"]),
            "Me": object(
                ["user": string, "role": ["type": ["string", "null"], "enum": Role.allCases.map(\.rawValue) + [NSNull()]],
                 "permissions": ["type": "array", "items": ["type": "string", "enum": Permission.allCases.map(\.rawValue)]]],
                required: ["user", "role", "permissions"]),
            "Customer": object(
                [
                    "id": id, "name": string, "email": string, "company": nullableString, "created_at": time,
                    "updated_at": time, "version": id,
                ],
                required: ["id", "name", "email", "company", "created_at", "updated_at", "version"]),
            "Ticket": object(
                [
                    "id": id, "customer_id": id, "subject": string, "description": string, "status": status,
                    "priority": priority, "assignee": nullableString, "tags": strings, "created_at": time,
                    "updated_at": time, "version": id,
                ],
                required: [
                    "id", "customer_id", "subject", "description", "status", "priority", "assignee", "tags",
                    "created_at", "updated_at", "version",
                ]),
            "Note": object(
                ["id": id, "ticket_id": id, "author": string, "text": string, "created_at": time],
                required: ["id", "ticket_id", "author", "text", "created_at"]),
            "StatusMoves": object(
                [
                    "ticket_id": id, "version": id, "status": status,
                    "allowed": ["type": "array", "items": status],
                ],
                required: ["ticket_id", "version", "status", "allowed"]),
            "NoteEnvelope": object(["data": ["$ref": "#/components/schemas/Note"]], required: ["data"]),
            "AuditEvent": object(
                [
                    "id": id, "at": time, "actor": string, "action": string, "entity": string,
                    "changes": ["type": "object", "additionalProperties": ["type": "array", "minItems": 2, "maxItems": 2]],
                    "via": ["type": "string", "enum": ["shell", "http"]],
                ],
                required: ["id", "at", "actor", "action", "entity", "changes", "via"]),
            "CustomerCreate": object(
                ["name": name, "email": email, "company": self.company],
                required: ["name", "email"], closed: true),
            "CustomerPatch": object(
                [
                    "name": nullable(name), "email": nullable(email),
                    "company": self.company,
                ],
                required: [], closed: true),
            "TicketCreate": object(
                [
                    "customer_id": self.laxID, "subject": subject, "description": nullable(description),
                    "priority": nullable(priority), "assignee": self.assignee(nullable: true), "tags": nullable(tags),
                ],
                required: ["customer_id", "subject"]),
            "TicketPatch": object(
                [
                    "subject": nullable(subject), "description": nullable(description), "status": nullable(status),
                    "priority": nullable(priority), "assignee": self.assignee(nullable: true),
                    "add_tags": nullable(tags), "remove_tags": nullable(tags),
                ],
                required: []),
            "NoteCreate": object(["text": text], required: ["text"]),
            "User": object(
                [
                    "name": userName, "display_name": string, "role": role, "disabled": ["type": "boolean"],
                    "created_at": time,
                ],
                required: ["name", "display_name", "role", "disabled", "created_at"]),
            "UserCreate": object(
                ["name": userName, "role": role, "display_name": nullable(name)], required: ["name", "role"],
                closed: true),
            "UserPatch": object(
                ["role": nullable(role), "display_name": nullable(name), "disabled": ["type": ["boolean", "null"]]],
                required: [], closed: true),
            "Token": object(tokenProperties, required: tokenProperties.keys.sorted()),
            "NewToken": object(
                tokenProperties.merging(["token": ["type": "string", "pattern": "^crm_[1-9][0-9]*_[A-Za-z0-9_-]{43}$"]]) { $1 },
                required: (tokenProperties.keys.sorted() + ["token"]).sorted()),
            "TokenCreate": object(
                [
                    "label": [
                        "type": ["string", "null"], "minLength": 1, "maxLength": Validation.maximumTokenLabelLength,
                        "pattern": "^[^\(self.oneLineRefused)]*$",
                    ],
                    "user": nullable(userName),
                    "expires": [
                        "type": ["string", "null"],
                        "pattern": "^(never|[0-9]{1,6}[dh]|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?)$",
                        "description": "`30d`, `12h`, a date (`2026-01-31`), a UTC time, or `never`; default "
                            + TokenExpiry.defaultLifetime,
                    ],
                ],
                required: [], closed: true),
            "Error": object(
                [
                    "detail": ["type": "string", "description": "The original service's text where it had one"],
                    "error": object(
                        ["code": string, "message": string, "allowed": ["type": "array", "items": status]],
                        required: ["code", "message"])
                ],
                required: ["detail", "error"]),
        ]
    }
}
