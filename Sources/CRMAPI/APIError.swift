import CRMDomain
import Foundation
import Hummingbird

/// An error answered with the body `{"detail": "…", "error": {"code", "message"[, "allowed"]}}` (DESIGN §6.3):
/// `detail` is the original service's text where it had one (clients of the original read it), else the message.
struct APIError: Error {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    let detail: String
    var allowed: [String]? = nil

    /// The response status, code and detail a domain error maps to. `callerRole` is the role of the caller
    /// (nil: anonymous, or not yet known) and `route` the route that failed, for the original's `detail` texts.
    init(_ error: CRMError, callerRole: Role? = nil, route: APIRoute? = nil) {
        self.code = error.code
        self.message = error.description
        self.detail = Self.originalDetail(error, callerRole: callerRole, route: route) ?? error.description
        switch error {
        case .notFound: self.status = .notFound
        case .forbidden, .unauthenticated: self.status = .forbidden
        case .validation: self.status = .unprocessableContent
        case .invalidTransition(_, _, let allowed):
            self.status = .conflict
            self.allowed = allowed.map(\.rawValue)
        case .conflict(_, .staleVersion): self.status = .preconditionFailed
        case .conflict(_, .hasDependants), .conflict(_, .alreadyExists): self.status = .conflict
        case .unavailable: self.status = .serviceUnavailable
        }
    }

    init(status: HTTPResponse.Status, code: String, message: String, detail: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail ?? message
    }

    /// The original service's `detail` for a domain error, where it had one: 403 for a missing or invalid
    /// token or a role without the permission, 404 for an unknown customer or ticket (and, at ticket create,
    /// an unknown customer in the body).
    private static func originalDetail(_ error: CRMError, callerRole: Role?, route: APIRoute?) -> String? {
        switch error {
        case .unauthenticated:
            return "Forbidden: role 'None' unauthorized"
        case .forbidden:
            return "Forbidden: role '\(callerRole?.rawValue ?? "None")' unauthorized"
        case .notFound(let entity):
            switch entity.prefix(while: { $0 != "/" }) {
            case "customer":
                let creatingTicket = route.map { $0.method == .post && $0.path == "/api/tickets" } ?? false
                return creatingTicket ? "Customer does not exist" : "Customer not found"
            case "ticket":
                return "Ticket not found"
            default:
                return nil
            }
        default:
            return nil
        }
    }

    static func malformedJSON(_ detail: String) -> APIError {
        APIError(status: .badRequest, code: "malformed_json", message: "request body is not valid JSON: \(detail)")
    }

    static let payloadTooLarge = APIError(
        status: .contentTooLarge, code: "payload_too_large",
        message: "request body is larger than \(CRMRequestContext.maximumBodySize) bytes")

    static func validation(field: String, _ reason: String) -> APIError {
        APIError(CRMError.validation(field: field, reason: reason))
    }

    /// The JSON response for this error.
    func response() -> Response {
        JSONResponse.make(status: self.status, body: self)
    }
}

/// Turns every error into its status and error body, so no client input is answered with a bare 500. A path
/// some route serves with other methods is 405 with `Allow`; a body the HTTP parser refuses mid-request is 400.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let response = await self.answer(request, context: context, next: next)
        return request.method == .head ? response.createHeadResponse() : response
    }

    private func answer(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response()
        } catch let error as CRMError {
            return APIError(error).response()
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return APIError.payloadTooLarge.response()
        } catch let error as any HTTPResponseError where error.status == .notFound {
            let allowed = self.routes.allowedMethods(on: request.uri.path)
            guard !allowed.isEmpty else {
                return APIError(
                    status: .notFound, code: "not_found", message: "no route for \(request.method) \(request.uri.path)",
                    detail: "Not Found"
                ).response()
            }
            let list = allowed.map(\.rawValue).joined(separator: ", ")
            var response = APIError(
                status: .methodNotAllowed, code: "method_not_allowed",
                message: "\(request.method) is not allowed on \(request.uri.path); allowed: \(list)",
                detail: "Method Not Allowed"
            ).response()
            response.headers[.allow] = list
            return response
        } catch let error as any HTTPResponseError {
            let code = error.status == .badRequest ? "bad_request" : "http_\(error.status.code)"
            return APIError(status: error.status, code: code, message: error.status.reasonPhrase).response()
        } catch {
            if let framing = APIError(framing: error) {
                var response = framing.response()
                response.headers[.connection] = "close"
                return response
            }
            context.logger.error("unexpected error: \(error)")
            return APIError(status: .internalServerError, code: "internal", message: "internal error").response()
        }
    }
}

extension APIError: JSONWritable {
    /// `{"detail": ..., "error": {"allowed": [...], "code": ..., "message": ...}}`; `allowed` only when there is
    /// a list.
    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("detail")
        json.string(self.detail)
        json.key("error")
        json.beginObject()
        if let allowed = self.allowed {
            json.key("allowed")
            json.strings(allowed)
        }
        json.key("code")
        json.string(self.code)
        json.key("message")
        json.string(self.message)
        json.endObject()
        json.endObject()
    }
}
