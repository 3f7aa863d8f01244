import FolioCore
import FolioTestSupport
@testable import FolioWeb
import FolioWorkspace
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The office desk: the school's status with filters, search and pages; reports as CSV; a sync with a
/// stick from the browser; and none of it for a teacher without an office.
@Suite struct OfficePageTests {
    @Test func theRegistrationClerkFiltersByClassSearchesAndDownloadsAReport() async throws {
        let desk = try ReviewFixture(laptop: false)
        try await desk.application(["R01"]).test(.router) { client in
            let visitor = WebVisitor(client)
            let signedIn = try await visitor.signIn(staff: "R01", passphrase: "demo")
            #expect(signedIn.location == "/office", "a clerk who certifies nothing starts at the school's status")
            let all = try await visitor.get("/office")
            #expect(all.text.contains("符合的學生 12 位"), "\(all.text)")
            let homeroom = try await visitor.get("/office?class=201")
            #expect(homeroom.text.contains("符合的學生 2 位") && homeroom.text.contains("112001") && homeroom.text.contains("112002"))
            #expect(!homeroom.text.contains("112020"), "another class's student in 201's list")
            let byName = try await visitor.get("/office?q=%E8%94%A1")   // 蔡
            #expect(byName.text.contains("蔡佳穎") && byName.text.contains("符合的學生 1 位"), "\(byName.text)")
            let typo = try await visitor.get("/office?class=299")
            #expect(typo.status.code >= 400 && typo.text.contains("299"), "a class that does not exist is said, not shown empty: \(typo.text)")

            let csv = try await visitor.get("/office/reports?report=uncertified&format=csv")
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.contentDisposition]?.contains("uncertified.csv") == true)
            let lines = csv.body.split(whereSeparator: \.isNewline)
            #expect(lines.first?.hasPrefix("\u{FEFF}教師編號,") == true && !(lines.first?.hasPrefix("\u{FEFF}\u{FEFF}") ?? true), "\(csv.body)")
            #expect(lines.contains { $0.hasPrefix("T001,王建國,") && $0.contains("PHY-11A") }, "\(csv.body)")
            let page = try await visitor.get("/office/reports?report=uncertified")
            #expect(page.text.contains("PHY-11A") && page.body.contains("format=csv"))
        }
    }

    @Test func theStatusPageShowsAChangeMadeFromTheCommandLineAtOnce() async throws {
        let desk = try ReviewFixture(laptop: false)
        try await desk.application(["R01"], now: "2025-01-09T10:00").test(.router) { client in
            let visitor = WebVisitor(client)
            try await visitor.signIn(staff: "R01", passphrase: "demo")
            let before = try await visitor.get("/office")
            #expect(before.text.contains("等待認證 2 件"), "\(before.text)")
            #expect(try await visitor.get("/office").text.contains("等待認證 2 件"), "the kept status, shown again")
            // A teacher certifies at the office's terminal while the pages run: the next page load shows it.
            try KioskFixture.require(try desk.school.folio(as: "T001", ["certify", "112020", "abf0f468ae"], now: "2025-01-09T10:05"))
            let after = try await visitor.get("/office")
            #expect(after.text.contains("等待認證 1 件"), "\(after.text)")
        }
    }

    @Test func aTeacherWithoutAnOfficeGetsNoOfficePage() async throws {
        let desk = try ReviewFixture(laptop: false)
        try await desk.application(["T002"]).test(.router) { client in
            let visitor = WebVisitor(client)
            try await visitor.signIn(staff: "T002", passphrase: "demo")
            for path in ["/office", "/office/reports?report=uncertified&format=csv", "/office/student/112001", "/office/sync"] {
                let page = try await visitor.get(path)
                #expect(page.status == .forbidden && page.text.contains("沒有處室職務"), "\(path): \(page.status)")
            }
            let home = try await visitor.get("/review")
            #expect(!home.body.contains("href=\"/office\""), "the office links are not offered to a teacher")
        }
    }

    @Test func aKiosksUploadsComeInThroughTheSyncPage() async throws {
        let kiosk = try KioskFixture()
        let school = kiosk.school
        let usb = school.scratch("usb")
        let added = try school.folio(in: kiosk.kiosk, as: "112002", SampleCopy.addArguments(
            student: "112002", term: "113-1", course: "PHY-11A", description: "擺錘實驗", files: [school.asset("physics-lab-report.pdf")]),
            now: "2025-01-08T13:10")
        try KioskFixture.require(added)
        let id = try #require((try JSONSerialization.jsonObject(with: added.stdoutData) as? [String: Any])?["id"] as? String)
        try KioskFixture.require(try school.folio(in: kiosk.kiosk, as: "KIOSK1", ["sync", usb], now: "2025-01-08T17:00"))
        let office = ReviewFixtureOffice(school)
        try await office.application(["R01"], now: "2025-01-08T18:00").test(.router) { client in
            let visitor = WebVisitor(client)
            try await visitor.signIn(staff: "R01", passphrase: "demo")
            let form = try await visitor.get("/office/sync")
            let token = try #require(form.field("csrf"))
            let before = try TreeSnapshot(of: school.root)
            let forged = try await visitor.post("/office/sync", form: [("csrf", "nope"), ("folder", usb)])
            #expect(forged.status == .forbidden)
            #expect(try TreeSnapshot(of: school.root) == before)
            let synced = try await visitor.post("/office/sync", form: [("csrf", token), ("folder", usb)])
            #expect(synced.status == .ok && synced.text.contains("同步完成"), "\(synced.text)")
            #expect(synced.text.contains("匯入 uploads-") && synced.text.contains("學生上傳"), "\(synced.text)")
        }
        let r = try school.folio(["status", "112002", "--json"], now: "2025-01-08T18:30")
        #expect(r.stdout.contains(id), "the kiosk's upload reached the office: \(r)")
    }

    @Test func statusPagesKeepTheirFiltersAndShowFiftyLinesEach() throws {
        // A 120-student status, made the way `folio status --json` writes one.
        let lines: [[String: Any]] = (1...120).map { n in
            ["number": String(format: "11%04d", n), "name": "學生\(n)", "className": "201", "status": "enrolled", "uploaded": 0,
             "certified": 0, "rejected": 0, "pending": 0, "selectedCourse": 0, "selectedDiverse": 0, "conflicts": 0, "problems": 0]
        }
        let json: [String: Any] = ["school": "999901", "name": "測試高中", "asOf": "2025-01-08 14:00", "students": lines,
                                   "pendingCertifications": 0, "conflicts": 0, "problems": 0, "receipts": [String: Int]()]
        let status = try JSONDecoder().decode(SchoolStatus.self, from: try JSONSerialization.data(withJSONObject: json))
        let model = OfficeStatusModel(status: status, school: SchoolState(), filter: StatusFilter(className: "201"), search: nil,
                                      page: 2, pageSize: 50)
        let shown = model.values["lines"] as? [[String: Any]] ?? []
        #expect(shown.count == 50 && shown.first?["number"] as? String == "110051" && shown.last?["number"] as? String == "110100")
        #expect(model.values["previous"] as? String == "/office?class=201&page=1")
        #expect(model.values["next"] as? String == "/office?class=201&page=3")
        let last = OfficeStatusModel(status: status, school: SchoolState(), filter: StatusFilter(), search: "1101", page: 9, pageSize: 50)
        #expect((last.values["lines"] as? [[String: Any]])?.count == 21, "110100…110120, on the last page")
        #expect(last.values["next"] as? Bool == false)
    }
}

/// The office's own copy of the sample a kiosk fixture was made from.
struct ReviewFixtureOffice {
    let school: SampleCopy
    init(_ school: SampleCopy) { self.school = school }

    func application(_ people: [String], now: String) throws -> some ApplicationProtocol {
        var options = ServeOptions(workspace: school.root.path,
                                   mode: .staff(keys: Dictionary(uniqueKeysWithValues: people.map { ($0, school.key($0)) })))
        let instant = try #require(Instant(iso: now))
        options.clock = { instant }
        return Application(router: try FolioServer.router(options, gate: WorkspaceGate(root: school.root.path)))
    }
}
