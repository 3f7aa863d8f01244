import FolioCore
import FolioWorkspace
import Foundation
import Hummingbird

/// What every desk's routes share: the workspace, the visits, the pages, the clock.
public struct Desk: Sendable {
    public let gate: WorkspaceGate
    public let visits: VisitBook
    public let throttle: SignInThrottle
    public let renderer: PageRenderer
    let cache = ReadCache()
    let clock: @Sendable () throws(FolioError) -> Instant

    public static let visitCookie = "folio_visit"
    /// The token of a sign-in form, before anyone is signed in (the form's own copy must match it).
    public static let signInCookie = "folio_signin"

    /// Now: the system clock, or `FOLIO_NOW` in a demo school, as the CLI has it.
    func now() throws(FolioError) -> Instant { try clock() }

    /// The school's state: the one kept while the school's files are unchanged, else folded under the lock.
    func school() async throws(FolioError) -> SchoolState {
        let workspace = try gate.workspace()
        if let kept = cache.keptSchool(workspace) { return kept }
        let cache = cache
        return try await gate.read { workspace throws(FolioError) in cache.school(workspace) }
    }

    /// The response to a library refusal: its words, the right status, nothing changed.
    func refused(_ error: FolioError, visit: Visit?) -> Response {
        let status: HTTPResponse.Status = switch error.code {
            case .notAuthorised, .wrongKey, .delegateNotAllowed: .forbidden
            case .unknownItem, .unknownStudent, .unknownCourse, .unknownPerson: .notFound
            case .conflict, .versionChanged, .duplicate, .workspaceBusy: .conflict
            case .fileTooLarge: .contentTooLarge
            case .io, .internalError, .workspaceDamaged, .workspaceMissing: .internalServerError
            default: .unprocessableContent
        }
        return renderer.refusal(error, status: status, visit: visit)
    }

    /// A form without this visit's token: another site's page posting on the visitor's behalf, or a stale page.
    func forged(_ visit: Visit?) -> Response {
        renderer.refusal(Message("web.refused.forged"), next: Message("web.refused.forged.next"), status: .forbidden, visit: visit)
    }

    /// A cookie only this site's pages send back, invisible to scripts.
    static func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", httpOnly: true, sameSite: .strict)
    }

    /// A sign-in form page: `values` with a fresh token, which must come back both in the form and in a cookie
    /// (a page of another site can send neither).
    func signInForm(_ template: String, values: [String: Any], error: Message?, notice: Message?, status: HTTPResponse.Status) -> Response {
        let token = VisitBook.randomToken()
        var values = values
        values["signin"] = token
        values["failure"] = StudentPageModel.shown(error?.text())
        var response = renderer.page(template, title: Message("web.signin.title").text(), visit: nil, notice: notice?.text(),
                                     values: values, status: status)
        response.setCookie(Desk.cookie(Desk.signInCookie, token))
        return response
    }

    /// The fields of a sign-in form that carries its token, or nil for a form from elsewhere or out of date.
    func signInFields(_ request: Request, _ context: WebContext) async throws -> FormFields? {
        let fields = try await FormFields.read(request, context: context)
        guard let sent = fields["signin"], let kept = request.cookies[Desk.signInCookie]?.value, VisitBook.same(sent, kept) else {
            return nil
        }
        return fields
    }

    /// Opens a visit (ending the browser's earlier one) and sends it to `location` with its cookie.
    func signedIn(_ who: Visit.Who, actor: Actor, clerk: Bool = false, replacing old: Visit?, to location: String) -> Response {
        if let old { visits.close(old.token) }
        let visit = visits.open(who, actor: actor, clerk: clerk)
        var response = Response.redirect(to: location, type: .normal)
        response.setCookie(Desk.cookie(Desk.visitCookie, visit.token))
        response.setCookie(Desk.cookie(Desk.signInCookie, "", maxAge: 0))
        return response
    }

    /// Back to `location` after a form, with one line to show there.
    func after(_ visit: Visit, notice: String?, to location: String) -> Response {
        visits.setNotice(visit.token, notice)
        return .redirect(to: location, type: .normal)
    }
}

/// Puts the visit named by the request's cookie (if it is live) into the context.
public struct VisitMiddleware: RouterMiddleware {
    public typealias Context = WebContext
    let visits: VisitBook

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let token = request.cookies[Desk.visitCookie]?.value {
            context.visit = visits.find(token)
        }
        return try await next(request, context)
    }
}

extension Term {
    /// `113 學年度第 1 學期`, in the page's language.
    var label: String { Message("web.term", ["year": year.value, "semester": semester]).text() }
}
