import FolioCore
import FolioWorkspace
import Foundation
import Hummingbird

/// The teacher's review desk: what waits for their certification, by course and class; each item with its
/// files shown in the browser; certify or return with a reason; certify all that remain in one step;
/// settle conflicts. The same pages on the office's copy and on a teacher's laptop.
struct ReviewPages: Sendable {
    let desk: Desk

    func add(to router: Router<WebContext>) {
        router.get("/review") { request, context in try await self.list(request, context) }
        router.get("/review/item/:student/:item") { _, context in try await self.item(context) }
        router.get("/review/files/:student/:item/:index") { _, context in try await self.file(context) }
        router.post("/review/decide") { request, context in try await self.decide(request, context) }
        router.post("/review/certify-all") { request, context in try await self.certifyAll(request, context) }
        router.get("/review/conflicts") { _, context in try await self.conflicts(context) }
        router.post("/review/resolve") { request, context in try await self.resolve(request, context) }
    }

    static func staff(_ context: WebContext) -> (Visit, String)? {
        guard let visit = context.visit, let id = visit.staffID else { return nil }
        return (visit, id)
    }

    func list(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let (visit, id) = Self.staff(context) else { return .redirect(to: "/signin") }
        let course = request.uri.queryParameters.get("course").flatMap { $0.isEmpty ? nil : String($0) }
        do throws(FolioError) {
            let day = try desk.now().taipeiDay
            let model = try await desk.gate.write { session throws(FolioError) -> ReviewListModel in
                try ReviewListModel(session: session, teacher: id, course: course, day: day)
            }
            return desk.renderer.page("review", title: Message("web.review.title").text(), visit: visit,
                                      notice: desk.visits.takeNotice(visit.token), values: model.values)
        } catch { return desk.refused(error, visit: visit) }
    }

    func item(_ context: WebContext) async throws -> Response {
        guard let (visit, id) = Self.staff(context) else { return .redirect(to: "/signin") }
        let student = context.parameters.get("student") ?? "", itemID = context.parameters.get("item") ?? ""
        do throws(FolioError) {
            let model = try await desk.gate.read { workspace throws(FolioError) -> ReviewItemModel in
                try ReviewItemModel(workspace: workspace, school: desk.cache.school(workspace), teacher: id, student: student, item: itemID)
            }
            return desk.renderer.page("review-item", title: Message("web.review.itemTitle").text(), visit: visit, values: model.values)
        } catch { return desk.refused(error, visit: visit) }
    }

    /// A file of an item this person may judge (a course they certify) or, for office staff, any item.
    func file(_ context: WebContext) async throws -> Response {
        guard let (visit, id) = Self.staff(context) else { return .redirect(to: "/signin") }
        let student = context.parameters.get("student") ?? "", itemID = context.parameters.get("item") ?? ""
        let index = context.parameters.get("index", as: Int.self) ?? -1
        do throws(FolioError) {
            let (stored, bytes) = try await desk.gate.read { workspace throws(FolioError) -> (StoredFile, [UInt8]) in
                let (_, item) = try ReviewItemModel.find(workspace, school: desk.cache.school(workspace), teacher: id, student: student, item: itemID)
                guard item.files.indices.contains(index) else { throw FolioError(.unknownItem, "web.file.none") }
                return (item.files[index], try workspace.fileBytes(student: student, item.files[index]))
            }
            return FileAnswer.inline(stored, bytes: bytes)
        } catch { return desk.refused(error, visit: visit) }
    }

    /// A decision sent from an item's page or a conflict's: certify, or return with a reason.
    struct Judgement: Sendable {
        let student: String
        let item: String
        let certify: Bool
        let reason: String?
    }

    /// Reads a decision form and has `record` make it, in a writing session, as this visit's teacher; then back
    /// to `to` with `notice` of the item as it now stands.
    func judge(_ request: Request, _ context: WebContext, to location: String,
               record: @escaping @Sendable (WorkspaceSession, Judgement, Actor, Instant) throws(FolioError) -> ItemView,
               notice: @escaping @Sendable (Judgement, ItemView) -> Message) async throws -> Response {
        guard let (visit, _) = Self.staff(context) else { return .redirect(to: "/signin", type: .normal) }
        let form = try await FormFields.read(request, context: context)
        guard form.carries(visit) else { return desk.forged(visit) }
        let judgement = Judgement(student: form.text("student") ?? "", item: form.text("item") ?? "",
                                  certify: form["decision"] == "certify", reason: form.text("reason"))
        let actor = visit.actor
        do throws(FolioError) {
            if !judgement.certify && judgement.reason == nil { throw FolioError(.missingField, "web.review.noReason") }
            let now = try desk.now()
            let view = try await desk.gate.write { session throws(FolioError) in try record(session, judgement, actor, now) }
            return desk.after(visit, notice: notice(judgement, view).text(), to: location)
        } catch { return desk.refused(error, visit: visit) }
    }

    func decide(_ request: Request, _ context: WebContext) async throws -> Response {
        try await judge(request, context, to: "/review", record: { session, j, actor, now throws(FolioError) in
            try session.decide(student: j.student, item: j.item, certify: j.certify, reason: j.reason, actor: actor, now: now)
        }, notice: { j, view in
            Message(j.certify ? "web.review.certified" : "web.review.returned", ["student": j.student, "description": view.description])
        })
    }

    func certifyAll(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let (visit, _) = Self.staff(context) else { return .redirect(to: "/signin", type: .normal) }
        let form = try await FormFields.read(request, context: context)
        guard form.carries(visit) else { return desk.forged(visit) }
        let course = form.text("course")
        let actor = visit.actor
        do throws(FolioError) {
            guard form["seen"] == "1" else { throw FolioError(.badInput, "web.review.notSeen") }
            let now = try desk.now()
            let outcome = try await desk.gate.write { session throws(FolioError) in
                try session.certifyAllWaiting(course: course, actor: actor, now: now)
            }
            let notice = Message("web.review.certifiedAll", ["count": outcome.certified.count, "left": outcome.left.count])
            return desk.after(visit, notice: notice.text(), to: course.map { "/review?course=\($0)" } ?? "/review")
        } catch { return desk.refused(error, visit: visit) }
    }

    func conflicts(_ context: WebContext) async throws -> Response {
        guard let (visit, id) = Self.staff(context) else { return .redirect(to: "/signin") }
        do throws(FolioError) {
            let values = try await desk.gate.read { workspace throws(FolioError) -> PageValues in
                let school = desk.cache.school(workspace)
                let mine = workspace.conflicts(school: school).filter { c in
                    school.holdsAnOffice(id) || c.course.map { code in school.courses.contains { $0.code == code && $0.certifiers.contains(id) } } == true
                }
                return PageValues(["conflicts": mine.map { c -> [String: Any] in
                    ["student": c.student, "item": c.item, "description": c.description, "course": StudentPageModel.shown(c.course),
                     "decisions": c.decisions.map { d in
                         ["who": school.principal(d.by)?.name ?? d.by, "at": d.at.taipeiText,
                          "what": Message(d.certified ? "status.item.certified" : "status.item.rejected").text(),
                          "reason": StudentPageModel.shown(d.reason)]
                     }]
                }, "none": mine.isEmpty])
            }
            return desk.renderer.page("review-conflicts", title: Message("web.review.conflictsTitle").text(), visit: visit,
                                      notice: desk.visits.takeNotice(visit.token), values: values.values)
        } catch { return desk.refused(error, visit: visit) }
    }

    func resolve(_ request: Request, _ context: WebContext) async throws -> Response {
        try await judge(request, context, to: "/review/conflicts", record: { session, j, actor, now throws(FolioError) in
            try session.resolve(student: j.student, item: j.item, certify: j.certify, reason: j.reason, actor: actor, now: now)
        }, notice: { j, view in
            Message("web.review.resolved", ["student": j.student, "description": view.description,
                                            "status": Message("status.item." + view.status.rawValue)])
        })
    }
}
