import FolioCore
import FolioWorkspace
import Foundation
import Hummingbird

/// A teacher or clerk signs in at their desk by unlocking their own key file with its passphrase. The key
/// files are the ones `folio serve --key` named; the browser never sees a key, only the passphrase typed.
struct StaffSignIn: Sendable {
    let desk: Desk
    /// Key file by person: who may sign in at this desk.
    let keys: [String: String]

    func add(to router: Router<WebContext>) {
        router.get("/") { _, context -> Response in
            guard let visit = context.visit, visit.staffID != nil else { return .redirect(to: "/signin") }
            return .redirect(to: visit.clerk ? "/office" : "/review")
        }
        router.get("/signin") { request, context in
            try await self.form(error: nil, chosen: nil,
                                notice: request.uri.queryParameters.get("out") == nil ? nil : Message("web.staff.signedOut"))
        }
        router.post("/signin") { request, context in try await self.signIn(request, context) }
        router.post("/signout") { request, context in try await SignOut.run(request, context, desk: desk) }
    }

    func form(error: Message?, chosen: String?, notice: Message? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let school = try await desk.gate.read { workspace throws(FolioError) in desk.cache.school(workspace) }
        // Staff only: a device's key (a kiosk's) signs bundles, not decisions.
        let people = keys.keys.sorted().filter { school.principal($0)?.kind == .staff }.map { id in
            ["id": id, "name": school.principal(id)?.name ?? id, "chosen": id == chosen] as [String: Any]
        }
        return desk.signInForm("staff-signin", values: ["people": people], error: error, notice: notice, status: status)
    }

    func signIn(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let fields = try await desk.signInFields(request, context) else { return desk.forged(nil) }
        let id = fields.text("person") ?? ""
        let passphrase = fields["passphrase"] ?? ""
        let isStaff = try await desk.gate.read { workspace throws(FolioError) in desk.cache.school(workspace).principal(id)?.kind == .staff }
        guard let keyFile = keys[id], isStaff, !passphrase.isEmpty else {
            return try await form(error: Message("web.staff.empty"), chosen: id, status: .unprocessableContent)
        }
        if let wait = desk.throttle.wait(name: id, peer: context.peer) {
            return try await form(error: Message("web.signin.wait", ["seconds": wait]), chosen: id, status: .tooManyRequests)
        }
        let actor: Actor
        do {
            actor = try await Self.unlock(keyFile, as: id, passphrase: passphrase)
        } catch {
            desk.throttle.failed(name: id, peer: context.peer)
            // The key's own words: a wrong passphrase, or a key file others can read (which IT must fix).
            return try await form(error: error.what, chosen: id, status: .forbidden)
        }
        desk.throttle.succeeded(name: id)
        let (name, clerk, certifies) = try await desk.gate.read { workspace throws(FolioError) -> (String, Bool, Bool) in
            let school = desk.cache.school(workspace)
            return (school.principal(id)?.name ?? id, school.holdsAnOffice(id), school.courses.contains { $0.certifiers.contains(id) })
        }
        // A teacher starts at what waits for them; a clerk who certifies nothing, at the school's status.
        return desk.signedIn(.staff(id: id, name: name), actor: actor, clerk: clerk, replacing: context.visit,
                             to: clerk && !certifies ? "/office" : "/review")
    }

    /// Opening a key file is slow on purpose (scrypt); it runs off the workspace's queue and the server's threads.
    static func unlock(_ keyFile: String, as id: String, passphrase: String) async throws(FolioError) -> Actor {
        let result: Result<Actor, FolioError> = await Task.detached {
            do throws(FolioError) {
                return .success(try Actor.load(keyFile: keyFile, as: id, onBehalfOf: nil) { passphrase })
            } catch { return .failure(error) }
        }.value
        return try result.get()
    }
}

/// Signing out, the same at every desk: the visit ends on the server, and its cookie is cleared.
enum SignOut {
    static func run(_ request: Request, _ context: WebContext, desk: Desk) async throws -> Response {
        let fields = try await FormFields.read(request, context: context)
        if let visit = context.visit {
            guard fields.carries(visit) else { return desk.forged(visit) }
            desk.visits.close(visit.token)
        }
        var response = Response.redirect(to: "/signin?out=1", type: .normal)
        response.setCookie(Desk.cookie(Desk.visitCookie, "", maxAge: 0))
        return response
    }
}
