import CRMDomain
import Foundation
import Hummingbird

/// An error answered with the body `{"error": {"code", "message"[, "allowed"]}}` (DESIGN §6.3).
struct APIError: Error {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var allowed: [String]? = nil

    /// The response status and code a domain error maps to.
    init(_ error: CRMError) {
        self.code = error.code
        self.message = error.description
        switch error {
        case .notFound: self.status = .notFound
        case .forbidden, .unauthenticated: self.status = .forbidden
        case .validation: self.status = .unprocessableContent
        case .invalidTransition(_, _, let allowed):
            self.status = .conflict
            self.allowed = allowed.map(\.rawValue)
        case .conflict: self.status = .preconditionFailed
        }
    }

    init(status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
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

/// Turns every error into its status and error body, so no client input is answered with a bare 500.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
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
        } catch let error as any HTTPResponseError {
            let code =
                switch error.status {
                case .notFound: "not_found"
                case .methodNotAllowed: "method_not_allowed"
                case .badRequest: "bad_request"
                default: "http_\(error.status.code)"
                }
            let message =
                switch error.status {
                case .notFound: "no route for \(request.method) \(request.uri.path)"
                default: error.status.reasonPhrase
                }
            return APIError(status: error.status, code: code, message: message).response()
        } catch {
            context.logger.error("unexpected error: \(error)")
            return APIError(status: .internalServerError, code: "internal", message: "internal error").response()
        }
    }
}

extension APIError: JSONWritable {
    /// `{"error": {"allowed": [...], "code": ..., "message": ...}}`; `allowed` only when there is a list.
    func write(to json: inout JSONWriter) {
        json.beginObject()
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
