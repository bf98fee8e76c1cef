import CRMWeb
import HTTPTypes
import Hummingbird
import NIOCore

/// Serves the web page and the API reference (`/`, `/docs` and their `/web/…` files) from the binary, each with
/// a strict Content-Security-Policy: only this origin's own files, no inline script or style, no framing.
enum WebRoutes {
    /// The methods and paths served, for the 405 table.
    static var paths: [(HTTPRequest.Method, String)] { WebAssets.all.map { (.get, $0.path) } }

    /// The policy every page and asset carries.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    static func register(on router: Router<CRMRequestContext>) {
        for asset in WebAssets.all {
            let body = ByteBuffer(bytes: asset.bytes)
            let headers: HTTPFields = [
                .contentType: asset.contentType,
                .contentLength: String(asset.bytes.count),
                .contentSecurityPolicy: Self.contentSecurityPolicy,
                .xContentTypeOptions: "nosniff",
                .referrerPolicy: "no-referrer",
                .xFrameOptions: "DENY",
                .crossOriginOpenerPolicy: "same-origin",
                .cacheControl: "no-cache",
            ]
            router.get(RouterPath(asset.path)) { _, _ in
                Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
            }
        }
    }
}

extension HTTPField.Name {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let crossOriginOpenerPolicy = HTTPField.Name("Cross-Origin-Opener-Policy")!
}
