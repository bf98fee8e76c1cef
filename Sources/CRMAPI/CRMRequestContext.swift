import Hummingbird

/// The request context of the crm API: bodies are capped at 1 MiB.
public struct CRMRequestContext: RequestContext {
    /// The largest request body accepted (DESIGN §6.3); larger ones get 413.
    public static let maximumBodySize = 1 << 20

    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    public var maxUploadSize: Int { Self.maximumBodySize }
}
