import Hummingbird
import NIOCore

/// What a request carries through the pages: who is signed in (set by `VisitMiddleware`) and where the
/// request came from (for slowing down repeated failed sign-ins).
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in visit, when the request carried a live visit cookie.
    public var visit: Visit?
    /// The peer's address without its port: sign-in failures are counted per address as well as per person.
    public let peer: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress ?? "local"
    }

    /// Forms are small: every field together stays under this. Uploads stream past it (`UploadForm`).
    public var maxUploadSize: Int { 64 * 1024 }
}
