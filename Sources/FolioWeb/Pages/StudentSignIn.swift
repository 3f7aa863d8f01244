import FolioCore
import FolioWorkspace
import Foundation
import Hummingbird

/// A student signs in at the kiosk with their student number and the secret on their slip.
struct StudentSignIn: Sendable {
    let desk: Desk

    func add(to router: Router<WebContext>) {
        router.get("/") { _, context -> Response in
            context.visit?.studentNumber != nil ? .redirect(to: "/me") : .redirect(to: "/signin")
        }
        router.get("/signin") { request, context in
            self.form(visit: context.visit, error: nil, number: "",
                      notice: request.uri.queryParameters.get("out") == nil ? nil : Message("web.signin.signedOut"))
        }
        router.post("/signin") { request, context in try await self.signIn(request, context) }
        router.post("/signout") { request, context in try await SignOut.run(request, context, desk: desk) }
    }

    /// The sign-in form, with a fresh token that must come back with it in both the form and a cookie.
    func form(visit: Visit?, error: Message?, number: String, notice: Message? = nil, status: HTTPResponse.Status = .ok) -> Response {
        desk.signInForm("signin", values: ["number": number], error: error, notice: notice, status: status)
    }

    func signIn(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let fields = try await desk.signInFields(request, context) else { return desk.forged(nil) }
        let number = fields.text("number") ?? ""
        let secret = fields["secret"]?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !number.isEmpty, !secret.isEmpty else {
            return form(visit: nil, error: Message("web.signin.empty"), number: number, status: .unprocessableContent)
        }
        if let wait = desk.throttle.wait(name: number, peer: context.peer) {
            return form(visit: nil, error: Message("web.signin.wait", ["seconds": wait]), number: number, status: .tooManyRequests)
        }
        let registered: RegisteredStudentKey
        do {
            registered = try await desk.gate.read { workspace throws(FolioError) in
                try workspace.studentKey(number, school: desk.cache.school(workspace))
            }
        } catch {
            desk.throttle.failed(name: number, peer: context.peer)
            return form(visit: nil, error: Message("web.signin.wrong"), number: number, status: .forbidden)
        }
        // Deriving the key from the secret is slow on purpose; it runs outside the workspace's one queue.
        let actor: Actor
        do { actor = try await Self.derive(registered, secret: secret) } catch {
            desk.throttle.failed(name: number, peer: context.peer)
            return form(visit: nil, error: Message("web.signin.wrong"), number: number, status: .forbidden)
        }
        desk.throttle.succeeded(name: number)
        return desk.signedIn(.student(number: number, name: registered.name), actor: actor, replacing: context.visit, to: "/me")
    }

    static func derive(_ key: RegisteredStudentKey, secret: String) async throws(FolioError) -> Actor {
        let result: Result<Actor, FolioError> = await Task.detached {
            do throws(FolioError) { return .success(try key.actor(secret: secret)) } catch { return .failure(error) }
        }.value
        return try result.get()
    }
}
