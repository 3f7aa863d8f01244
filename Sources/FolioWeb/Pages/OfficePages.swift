import FolioCore
import FolioWorkspace
import Foundation
import Hummingbird
import NIOCore

/// The office desk: the school's status with search, filters and pages; one student's record; the reports
/// with CSV download; the schedule and its self-check; a sync with a stick. Open to staff who hold an
/// office (註冊組, 教學組, 訓育組, 資料組, 資訊組 …); a teacher without one gets their review desk only.
struct OfficePages: Sendable {
    let desk: Desk
    static let pageSize = 50

    func add(to router: Router<WebContext>) {
        router.get("/office") { request, context in try await self.status(request, context) }
        router.get("/office/student/:number") { _, context in try await self.student(context) }
        router.get("/office/reports") { request, context in try await self.reports(request, context) }
        router.get("/office/schedule") { _, context in try await self.schedule(context) }
        router.get("/office/sync") { _, context in try await self.syncForm(context) }
        router.get("/office/receipts") { _, context in try await self.receipts(context) }
        router.get("/office/receipts/:submission") { request, context in try await self.printable(request, context) }
        router.post("/office/sync") { request, context in try await self.sync(request, context) }
    }

    /// The visit of someone holding an office, or why not.
    func clerk(_ context: WebContext) async throws(FolioError) -> (Visit, String)? {
        guard let visit = context.visit, let id = visit.staffID else { return nil }
        let holds = try await desk.school().holdsAnOffice(id)
        guard holds else { throw FolioError(.notAuthorised, "web.office.notOffice", ["person": id]) }
        return (visit, id)
    }

    /// Runs a page for a clerk: the sign-in page for nobody, a refusal for a teacher without an office.
    func page(_ context: WebContext, _ body: (Visit, String) async throws(FolioError) -> Response) async -> Response {
        do throws(FolioError) {
            guard let (visit, id) = try await clerk(context) else { return .redirect(to: "/signin") }
            do throws(FolioError) { return try await body(visit, id) } catch { return desk.refused(error, visit: visit) }
        } catch { return desk.refused(error, visit: context.visit) }
    }

    func status(_ request: Request, _ context: WebContext) async throws -> Response {
        let query = request.uri.queryParameters
        func value(_ name: String) -> String? {
            query.get(name).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : String($0).trimmingCharacters(in: .whitespaces) }
        }
        let filter = StatusFilter(className: value("class"), course: value("course"), teacher: value("teacher"), state: value("state"))
        let search = value("q")?.precomposedStringWithCanonicalMapping
        let pageNumber = max(1, value("page").flatMap(Int.init) ?? 1)
        return await page(context) { visit, _ throws(FolioError) in
            let now = try desk.now()
            let (status, school, stamp) = try await schoolStatus(filter, now: now)
            let key = StatusPageKey(stamp: stamp, filter: filter, search: search, page: pageNumber, day: now.taipeiDay, language: Messages.language)
            // The body is the same for every clerk looking at the same state: rendered once, then framed per visit.
            let body = desk.cache.body(key) {
                desk.renderer.fragment("office", values: OfficeStatusModel(status: status, school: school, filter: filter, search: search,
                                                                           page: pageNumber, pageSize: Self.pageSize).values)
            }
            return desk.renderer.page(body: body, title: Message("web.office.title").text(), visit: visit,
                                      notice: desk.visits.takeNotice(visit.token))
        }
    }

    /// The school's status for `filter`: made under the lock when the workspace changed since it was last
    /// made, otherwise the one made then (a 2,000-student school's status reads 2,000 manifests).
    func schoolStatus(_ filter: StatusFilter, now: Instant) async throws(FolioError) -> (SchoolStatus, SchoolState, WorkspaceStamp) {
        let day = now.taipeiDay
        if let workspace = try? desk.gate.workspace() {
            let stamp = desk.cache.everyone(workspace)
            if let (status, school) = desk.cache.status(stamp, filter, day) { return (status, school, stamp) }
        }
        let cache = desk.cache
        return try await desk.gate.read { workspace throws(FolioError) -> (SchoolStatus, SchoolState, WorkspaceStamp) in
            let stamp = WorkspaceStamp.everyone(workspace)
            let school = cache.school(workspace)
            let status = try SchoolStatus.make(workspace, school: school, now: now, filter: filter)
            cache.keep(status, school, stamp, filter, day)
            return (status, school, stamp)
        }
    }

    func student(_ context: WebContext) async throws -> Response {
        let number = context.parameters.get("number") ?? ""
        return await page(context) { visit, _ throws(FolioError) in
            let values = try await desk.gate.read { workspace throws(FolioError) -> PageValues in
                guard workspace.studentNumbers().contains(number) else {
                    throw FolioError(.unknownStudent, "status.student.unknown", ["student": number])
                }
                let school = desk.cache.school(workspace)
                var model = StudentPageModel(view: workspace.view(number, school: school), school: school).values
                model["readOnly"] = true
                return PageValues(model)
            }
            return desk.renderer.page("office-student", title: Message("web.office.studentTitle").text(), visit: visit, values: values.values)
        }
    }

    func reports(_ request: Request, _ context: WebContext) async throws -> Response {
        let query = request.uri.queryParameters
        let name = query.get("report").map { String($0) } ?? "uncertified"
        let format = query.get("format").map { String($0) }
        let year = query.get("year").flatMap { Int(String($0)) }
        let submission = query.get("submission").flatMap { $0.isEmpty ? nil : String($0) }
        return await page(context) { visit, _ throws(FolioError) in
            let now = try desk.now()
            guard ["uncertified", "selections", "confirmations"].contains(name) else {
                throw FolioError(.badInput, "web.office.noReport", ["report": name])
            }
            let table = try await desk.gate.read { workspace throws(FolioError) -> Reports.Table in
                let school = desk.cache.school(workspace)
                switch name {
                case "selections":
                    return Reports.selections(workspace, school: school, year: year.map(AcademicYear.init) ?? AcademicYear(containing: now.taipeiDay))
                case "confirmations": return Reports.confirmations(workspace, school: school, submission: submission)
                default: return Reports.uncertified(workspace, school: school, now: now)
                }
            }
            if format == "xlsx" {
                var headers = HTTPFields()
                headers[.contentType] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                headers[.contentDisposition] = "attachment; filename=\"\(name).xlsx\""
                // As `folio report --xlsx` writes it.
                let bytes = try table.workbook.bytes()
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
            if format == "csv" {
                var headers = HTTPFields()
                headers[.contentType] = "text/csv; charset=utf-8"
                headers[.contentDisposition] = "attachment; filename=\"\(name).csv\""
                // As `folio report --csv` writes it (with the byte-order mark Excel needs to read UTF-8).
                let bytes = CSVTable.write(header: table.header, rows: table.rows)
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
            var link = "/office/reports?report=\(name)"
            if let year { link += "&year=\(year)" }
            if let submission, let encoded = submission.addingPercentEncoding(withAllowedCharacters: .alphanumerics) { link += "&submission=\(encoded)" }
            return desk.renderer.page("office-report", title: table.title, visit: visit, values: [
                "heading": table.title, "header": table.header, "rows": table.rows.map { ["cells": $0] },
                "none": table.rows.isEmpty, "csv": link + "&format=csv", "xlsx": link + "&format=xlsx",
                "reports": ["uncertified", "selections", "confirmations"].map {
                    ["name": $0, "label": Message("web.office.report." + $0).text(), "chosen": $0 == name]
                },
            ])
        }
    }

    func schedule(_ context: WebContext) async throws -> Response {
        await page(context) { visit, _ throws(FolioError) in
            let now = try desk.now()
            let schedule = try await desk.gate.read { workspace throws(FolioError) in
                Schedule.make(workspace, school: desk.cache.school(workspace), now: now, term: nil)
            }
            guard let schedule else { throw FolioError(.noCalendar, "web.office.noCalendar") }
            return desk.renderer.page("office-schedule", title: Message("web.office.scheduleTitle").text(), visit: visit, values: [
                "term": schedule.term, "today": schedule.today,
                "windows": schedule.windows.map { w in
                    ["name": w.what.text(), "window": w.window, "state": Message("web.office.window." + w.state).text(), "open": w.state == "open",
                     "daysLeft": w.daysLeft.map { Message("web.office.daysLeft", ["days": $0]).text() } ?? ""] as [String: Any]
                },
                "checks": schedule.checks.map { ["point": $0.what.text(), "ok": $0.ok, "detail": $0.found.text()] as [String: Any] },
            ])
        }
    }

    func syncForm(_ context: WebContext) async throws -> Response {
        await page(context) { visit, _ throws(FolioError) in
            desk.renderer.page("office-sync", title: Message("web.office.syncTitle").text(), visit: visit,
                               values: ["sticks": Self.sticks().map { ["path": $0] }, "hasSticks": !Self.sticks().isEmpty])
        }
    }

    func sync(_ request: Request, _ context: WebContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        return await page(context) { visit, _ throws(FolioError) in
            guard form.carries(visit) else { return desk.forged(visit) }
            guard let folder = form.text("folder"), folder.hasPrefix("/") else { throw FolioError(.badInput, "web.office.noFolder") }
            let actor = visit.actor
            let now = try desk.now()
            let report = try await desk.gate.write { session throws(FolioError) -> SyncReport in
                session.openingKeys = [actor.identity]
                return try session.sync(dir: folder, actor: actor, now: now)
            }
            return desk.renderer.page("office-sync", title: Message("web.office.syncTitle").text(), visit: visit,
                                      values: SyncReportModel(report: report, folder: folder).values)
        }
    }

    /// The submissions, each with how its receipts stand and a link to print them all.
    func receipts(_ context: WebContext) async throws -> Response {
        await page(context) { visit, _ throws(FolioError) in
            let values = try await desk.gate.read { workspace throws(FolioError) -> PageValues in
                let school = desk.cache.school(workspace)
                let table = Reports.confirmations(workspace, school: school, submission: nil)
                return PageValues(["submissions": school.submissions.map { s -> [String: Any] in
                    ["id": s.id, "office": s.office.title, "period": s.period, "students": s.students,
                     "href": "/office/receipts/\(s.id)", "letters": "/office/receipts/\(s.id)?left=1"]
                }, "none": school.submissions.isEmpty, "header": table.header, "rows": table.rows.map { ["cells": $0] }])
            }
            return desk.renderer.page("office-receipts", title: Message("web.office.receiptsTitle").text(), visit: visit, values: values.values)
        }
    }

    /// Every student's receipt for one submission as one document for the browser to print (with `left=1`,
    /// those of students who have left, each after the letter that goes with it).
    func printable(_ request: Request, _ context: WebContext) async throws -> Response {
        let submission = context.parameters.get("submission") ?? ""
        let letters = request.uri.queryParameters.get("left") == "1"
        return await page(context) { _, _ throws(FolioError) in
            let today = try desk.now().taipeiDay
            let html = try await desk.gate.read { workspace throws(FolioError) -> String in
                let school = desk.cache.school(workspace)
                guard school.submission(submission) != nil else {
                    throw FolioError(.badInput, Message("receipt.noSubmission", ["submission": submission]),
                                     hint: Message("receipt.noSubmission.status.hint"))
                }
                var found: [(ReceiptView, StudentRecord, [RecordView])] = []
                for number in workspace.studentNumbers() {
                    let view = workspace.storedManifest(number) ?? workspace.view(number, school: school)
                    guard let student = view.student, let receipt = view.receipts.first(where: { $0.receipt.submission == submission }) else { continue }
                    if letters && student.status == .enrolled { continue }
                    found.append((receipt, student, view.records))
                }
                return ReceiptPages.all(found, submission: submission, school: school, letters: letters, today: today)
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            // A document to print, styled by its own inline sheet (A4 pages), with no script at all.
            headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        }
    }

    /// Folders where a USB stick shows up on a Debian desktop (`/media/USER/LABEL`), to choose from.
    static func sticks() -> [String] {
        let fm = FileManager.default
        var found: [String] = []
        for base in ["/media", "/run/media"] {
            for user in (try? fm.contentsOfDirectory(atPath: base)) ?? [] {
                let dir = base + "/" + user
                for label in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] {
                    var isFolder: ObjCBool = false
                    guard fm.fileExists(atPath: dir + "/" + label, isDirectory: &isFolder), isFolder.boolValue else { continue }
                    found.append(dir + "/" + label)
                }
            }
        }
        return found.sorted()
    }
}

/// Everything one status page's values are made from.
struct StatusPageKey: Hashable, Sendable {
    let stamp: WorkspaceStamp
    let filter: StatusFilter
    let search: String?
    let page: Int
    let day: CivilDate
    let language: Language
}
