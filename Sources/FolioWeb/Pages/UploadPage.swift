import FolioCore
import FolioWorkspace
import Foundation
import Hummingbird

/// Uploading at the kiosk: first the category and term (so the page can offer that term's courses and
/// the category's own fields), then the course from a list, the description with a live counter, and
/// the file. The browser checks the file's kind and size before sending; folio checks both again,
/// by content, after.
struct UploadPage: Sendable {
    let desk: Desk

    func add(to router: Router<WebContext>) {
        router.get("/me/upload") { request, context in try await self.form(request, context) }
        router.post("/me/upload") { request, context in try await self.upload(request, context) }
    }

    func form(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let (visit, _) = StudentPages.student(context) else { return .redirect(to: "/signin") }
        let query = request.uri.queryParameters
        let school = try await desk.gate.read { workspace throws(FolioError) in desk.cache.school(workspace) }
        let today = try desk.now().taipeiDay
        let current = school.term(containing: today) ?? Term(containing: today)
        let term = query.get("term").flatMap { Term(String($0)) } ?? current
        let category = query.get("category").flatMap { Catalog.category(String($0)) } ?? Catalog.categories[0]
        let terms = Set(school.calendar.map(\.term) + [current]).sorted(by: >)
        let courses = school.courses.filter { $0.term == term }.sorted { ($0.name, $0.code) < ($1.name, $1.code) }
        let limits = FileLimits(school.settings)
        let values: [String: Any] = [
            "categories": Catalog.categories.map { ["code": $0.code, "title": $0.title, "chosen": $0.code == category.code] },
            "terms": terms.map { ["value": $0.description, "label": $0.label, "chosen": $0 == term] },
            "category": category.code, "categoryTitle": category.title, "term": term.description, "termLabel": term.label,
            "isCourse": category.group == .courseOutcome,
            "courses": courses.map { ["code": $0.code, "label": "\($0.name)（\($0.code)）"] },
            "noCourses": category.group == .courseOutcome && courses.isEmpty,
            "fields": category.fields.map { ["name": "field." + $0.name, "label": $0.label, "required": $0.required] },
            "descriptionLimit": school.settings.descriptionLimit,
            "documentLimit": limits.documentBytes, "mediaLimit": limits.mediaBytes,
            "limitsText": Message("web.upload.limits", ["document": ItemRules.megabytes(limits.documentBytes),
                                                        "media": ItemRules.megabytes(limits.mediaBytes)]).text(),
        ]
        return desk.renderer.page("upload", title: Message("web.upload.title").text(), visit: visit, values: values)
    }

    func upload(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let (visit, number) = StudentPages.student(context) else { return .redirect(to: "/signin", type: .normal) }
        let settings = try await desk.gate.read { workspace throws(FolioError) in desk.cache.school(workspace).settings }
        let limits = FileLimits(settings)
        let form: UploadForm
        do {
            form = try await UploadForm.receive(request, fileLimit: max(limits.documentBytes, limits.mediaBytes))
        } catch let refusal as UploadForm.Refusal {
            return refused(refusal, visit: visit)
        }
        defer { form.discard() }
        let fields = FormFields(form.fields)
        guard fields.carries(visit) else { return desk.forged(visit) }
        do throws(FolioError) {
            guard let categoryText = fields.text("category"), let category = Catalog.category(categoryText) else {
                throw FolioError(.unknownCategory, "web.upload.noCategory")
            }
            let term = try TermInput.parse(fields.text("term") ?? "")
            var course: String?
            if category.group == .courseOutcome {
                guard let typed = fields.text("course") else { throw FolioError(.unknownCourse, "web.upload.noCourse") }
                let courses = try await desk.gate.read { workspace throws(FolioError) in desk.cache.school(workspace).courses }
                course = try CourseInput.code(typed, term: term, courses: courses)
            }
            var extra: [String: String] = [:]
            for spec in category.fields {
                if let value = fields.text("field." + spec.name) { extra[spec.name] = value }
            }
            let upload = UploadRequest(student: number, category: category.code, term: term, course: course,
                                       description: fields.text("description") ?? "", fields: extra,
                                       files: form.file.map { [$0.path] } ?? [], link: nil, replace: nil)
            let actor = visit.actor
            let now = try desk.now()
            let item = try await desk.gate.write { session throws(FolioError) in try session.upload(upload, actor: actor, now: now) }
            let next = item.group == .courseOutcome ? "web.upload.done.certify" : "web.upload.done.select"
            return desk.after(visit, notice: Message(next, ["description": item.description]).text(), to: "/me")
        } catch { return desk.refused(error, visit: visit) }
    }

    func refused(_ refusal: UploadForm.Refusal, visit: Visit) -> Response {
        switch refusal {
        case .fileTooLarge(let limit):
            desk.renderer.refusal(Message("web.upload.tooLarge", ["limit": ItemRules.megabytes(limit)]),
                                  next: Message("web.upload.tooLarge.next"), status: .contentTooLarge, visit: visit)
        case .notAForm, .damaged, .fieldTooLarge:
            desk.renderer.refusal(Message("web.upload.damaged"), status: .badRequest, visit: visit)
        case .tooManyFiles:
            desk.renderer.refusal(Message("web.upload.oneFile"), status: .badRequest, visit: visit)
        }
    }
}
