import FolioCore
import FolioWorkspace
import Foundation
import Hummingbird

/// A signed-in student's own pages at the kiosk: their items, selections and receipts. Every page and
/// form acts for the visit's student only; an item id from another student's page finds nothing here.
struct StudentPages: Sendable {
    let desk: Desk

    func add(to router: Router<WebContext>) {
        router.get("/me") { _, context in try await self.home(context) }
        router.post("/me/select") { request, context in try await self.select(request, context) }
        router.post("/me/receipt") { request, context in try await self.answer(request, context) }
        router.get("/me/files/:item/:index") { _, context in try await self.file(context) }
    }

    /// The visit of a signed-in student, or the sign-in page.
    static func student(_ context: WebContext) -> (Visit, String)? {
        guard let visit = context.visit, let number = visit.studentNumber else { return nil }
        return (visit, number)
    }

    func home(_ context: WebContext) async throws -> Response {
        guard let (visit, number) = Self.student(context) else { return .redirect(to: "/signin") }
        let (school, view, held) = try await desk.gate.read { workspace throws(FolioError) in
            let school = desk.cache.school(workspace)
            // The manifest as folio last wrote it (as `folio status` reads the school's), folded anew if missing.
            let view = workspace.storedManifest(number) ?? workspace.view(number, school: school)
            return (school, view, Self.held(view, in: workspace))
        }
        let notice = desk.visits.takeNotice(visit.token)
        return desk.renderer.page("student", title: Message("web.student.title").text(), visit: visit, notice: notice,
                                  values: StudentPageModel(view: view, school: school, held: held).values)
    }

    func select(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let (visit, number) = Self.student(context) else { return .redirect(to: "/signin", type: .normal) }
        let form = try await FormFields.read(request, context: context)
        guard form.carries(visit) else { return desk.forged(visit) }
        guard let item = form.text("item") else { return desk.refused(FolioError(.unknownItem, "web.item.missing"), visit: visit) }
        let selected = form["selected"] == "1"
        let actor = visit.actor
        do throws(FolioError) {
            let now = try desk.now()
            let view = try await desk.gate.write { session throws(FolioError) in
                try session.select(student: number, item: item, selected: selected, actor: actor, now: now)
            }
            let notice = Message(selected ? "web.student.selected" : "web.student.unselected", ["description": view.description])
            return desk.after(visit, notice: notice.text(), to: "/me")
        } catch { return desk.refused(error, visit: visit) }
    }

    func answer(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let (visit, number) = Self.student(context) else { return .redirect(to: "/signin", type: .normal) }
        let form = try await FormFields.read(request, context: context)
        guard form.carries(visit) else { return desk.forged(visit) }
        guard let submission = form.text("submission") else {
            return desk.refused(FolioError(.unknownItem, "web.receipt.missing"), visit: visit)
        }
        let doubt = form["answer"] == "dispute"
        let reason = form.text("reason")
        if doubt && reason == nil {
            return desk.refused(FolioError(.missingField, "web.receipt.noReason"), visit: visit)
        }
        let dispute = doubt ? (item: form.text("item"), reason: reason ?? "") : nil
        let actor = visit.actor
        do throws(FolioError) {
            let now = try desk.now()
            let receipt = try await desk.gate.write { session throws(FolioError) in
                try session.answerReceipt(student: number, submission: submission, dispute: dispute, byPost: false, actor: actor, now: now)
            }
            let notice = Message(doubt ? "web.receipt.disputed" : "web.receipt.confirmed", ["code": receipt.code])
            return desk.after(visit, notice: notice.text(), to: "/me")
        } catch { return desk.refused(error, visit: visit) }
    }

    /// The student's files this workspace holds: a kiosk keeps the files uploaded on it, not those uploaded
    /// elsewhere, which stay at the office (the page names those without a link).
    static func held(_ view: StudentView, in workspace: Workspace) -> Set<String> {
        Set(view.items.flatMap(\.files).map(\.path).filter {
            FileManager.default.fileExists(atPath: workspace.studentDir(view.number) + "/" + $0)
        })
    }

    /// One of the student's own files, shown in the browser (a PDF, picture, sound or film), never another's.
    func file(_ context: WebContext) async throws -> Response {
        guard let (visit, number) = Self.student(context) else { return .redirect(to: "/signin") }
        let item = context.parameters.get("item") ?? ""
        let index = context.parameters.get("index", as: Int.self) ?? -1
        do throws(FolioError) {
            let found = try await desk.gate.read { workspace throws(FolioError) -> (StoredFile, [UInt8]) in
                let view = workspace.view(number, school: desk.cache.school(workspace))
                guard let entry = view.item(item), entry.files.indices.contains(index) else {
                    throw FolioError(.unknownItem, "web.file.none")
                }
                let stored = entry.files[index]
                guard Self.held(view, in: workspace).contains(stored.path) else { throw FolioError(.unknownItem, "web.file.atOffice") }
                return (stored, try workspace.fileBytes(student: number, stored))
            }
            return FileAnswer.inline(found.0, bytes: found.1)
        } catch { return desk.refused(error, visit: visit) }
    }
}
