import Hummingbird
import NIOCore

/// The request context of the crm API: bodies are capped at 1 MiB; the connection and the caller are kept
/// for `/metrics` (who may read it) and the access log (who asked).
public struct CRMRequestContext: RequestContext {
    /// The largest request body accepted (DESIGN §6.3); larger ones get 413.
    public static let maximumBodySize = 1 << 20

    public var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    let connection: any NIOCore.Channel
    /// The user the request acted as, once known.
    let attribution = RequestAttribution()

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.connection = source.channel
    }

    public var maxUploadSize: Int { Self.maximumBodySize }
}
