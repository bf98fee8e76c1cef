/// One file of the web page (DESIGN §6.4), embedded in the binary at build time from `Sources/CRMWeb/Web`.
public struct WebAsset: Sendable {
    /// Where it is served, e.g. `/web/app.js`.
    public let path: String
    public let contentType: String
    public let bytes: [UInt8]
}

/// The web page and the API reference: hand-written HTML, CSS and JavaScript with no build step, nothing loaded
/// from elsewhere and nothing read from disk at run time.
public enum WebAssets {
    /// Every file, by the path it is served at.
    public static let all: [WebAsset] = [
        WebAsset(path: "/", contentType: html, bytes: PackageResources.index_html),
        WebAsset(path: "/docs", contentType: html, bytes: PackageResources.docs_html),
        WebAsset(path: "/web/app.css", contentType: "text/css; charset=utf-8", bytes: PackageResources.app_css),
        WebAsset(path: "/web/app.js", contentType: javaScript, bytes: PackageResources.app_js),
        WebAsset(path: "/web/docs.js", contentType: javaScript, bytes: PackageResources.docs_js),
    ]

    private static let html = "text/html; charset=utf-8"
    private static let javaScript = "text/javascript; charset=utf-8"
}
