import FolioCore
import Hummingbird

/// What every answer carries, and what every form must carry.
///
/// - A strict Content-Security-Policy: the page's own CSS and script only (no inline script, no
///   other origin), media and frames from the server itself, forms posted back to it, never framed.
/// - No caching (a kiosk's browser must not show the last student's page from its cache), no sniffing
///   of content types, no referrer to any other origin. Not `no-referrer`: under it a browser names the
///   origin of the pages' own forms as `null` (the Fetch standard), and the check below refuses them all.
/// - A changing request (POST) from another origin is refused before any route sees it: the browser
///   names the page a form came from in `Origin`, and a page of another site is never one of ours.
public struct SecurityMiddleware: RouterMiddleware {
    public typealias Context = WebContext

    public static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "media-src 'self'; frame-src 'self'; object-src 'none'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'"

    let renderer: PageRenderer

    public init(renderer: PageRenderer) { self.renderer = renderer }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .post, let origin = request.headers[.origin] {
            let host = request.head.authority ?? ""
            guard origin == "http://" + host || origin == "https://" + host else {
                return Self.harden(renderer.refusal(Message("web.refused.otherOrigin"), status: .forbidden, visit: nil))
            }
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            // Hummingbird's own refusals (no such page, a body too large to decode) as a page in the
            // person's language, not a bare status line.
            let what: Message = switch error.status {
                case .notFound: Message("web.refused.notFound")
                case .contentTooLarge: Message("web.refused.tooLarge")
                case .methodNotAllowed: Message("web.refused.notFound")
                default: Message("web.refused.badRequest")
            }
            response = renderer.refusal(what, status: error.status, visit: context.visit)
        }
        return Self.harden(response)
    }

    static func harden(_ response: Response) -> Response {
        var response = response
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = contentSecurityPolicy
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("Referrer-Policy")!] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        response.headers[.init("Cross-Origin-Opener-Policy")!] = "same-origin"
        response.headers[.init("Cross-Origin-Resource-Policy")!] = "same-origin"
        return response
    }
}
