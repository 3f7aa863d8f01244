import FolioTestSupport
import Foundation
import Testing

/// The everyday flow, driven through the built `folio` binary on a private copy of SampleWorkspace.
@Suite struct HappyPathTests {
    @Test func sampleWorkspaceVerifies() throws {
        let ws = try SampleCopy()
        try expectVerifies(ws)
    }

    @Test func kioskUploadTeacherCertifyAndSelectShowCertifiedAndSelected() throws {
        let ws = try SampleCopy()
        let id = try ws.upload(student: "112002", course: "PHY-11A", description: "斜面運動實驗報告",
                               assets: ["physics-lab-report.pdf"])
        #expect(try ws.item("112002", id).string("status") == "uploaded")
        try expectVerifies(ws, "after the upload")

        // The teacher names the item by its first characters, as the CLI allows.
        expectSuccess(try ws.folio(as: "T001", ["certify", "112002", String(id.prefix(6))]))
        try expectVerifies(ws, "after the certification")
        expectSuccess(try ws.folio(as: "112002", ["select", "112002", id]))
        try expectVerifies(ws, "after the selection")

        let item = try ws.item("112002", id)
        #expect(item.string("status") == "certified")
        #expect(item["selected"] as? Bool == true)
        #expect(item.object("decision")?.string("by") == "T001")
        #expect(item.string("uploadedBy") == "112002", "the student signs their own upload")
    }

    @Test func rejectionWithAReasonShowsRejectedAndTheReason() throws {
        let ws = try SampleCopy()
        let id = try ws.upload(student: "113026", course: "MAT-10A", description: "指數函數圖形", assets: ["math-graph.png"])
        let reason = "圖形缺少座標軸標示，請補上後重新上傳"
        expectSuccess(try ws.folio(as: "T003", ["reject", "113026", id, "--reason", reason]))
        try expectVerifies(ws, "after the rejection")

        let item = try ws.item("113026", id)
        #expect(item.string("status") == "rejected")
        #expect(item.object("decision")?.string("reason") == reason)
        #expect(item["selected"] as? Bool == false)
        let text = expectSuccess(try ws.folio(["status", "113026"]))
        #expect(text.stdout.contains("rejected"))
        #expect(text.stdout.contains(reason), "the student must see why: \(text.stdout)")
    }

    @Test func identicalReuploadKeepsCertificationButChangedFileNeedsANewOne() throws {
        let ws = try SampleCopy()
        let args = (student: "112002", course: "PHY-11A", description: "單擺週期實驗")
        let id = try ws.upload(student: args.student, course: args.course, description: args.description,
                               assets: ["physics-lab-report.pdf"], now: "2025-01-06T10:00")
        expectSuccess(try ws.folio(as: "T001", ["certify", args.student, id], now: "2025-01-07T10:00"))
        let certified = try ws.item(args.student, id)
        #expect(certified.string("status") == "certified")

        // The same bytes again (say, after a disk loss): the certification holds.
        let same = try ws.upload(student: args.student, course: args.course, description: args.description,
                                 assets: ["physics-lab-report.pdf"], replace: id, now: "2025-01-08T10:00")
        #expect(same == id)
        let afterSame = try ws.item(args.student, id)
        #expect(afterSame.string("status") == "certified")
        #expect(afterSame.string("version") == certified.string("version"))
        #expect((afterSame["history"] as? [Any])?.count == 3, "the re-upload is still recorded")
        try expectVerifies(ws, "after the identical re-upload")

        expectSuccess(try ws.folio(as: args.student, ["select", args.student, id], now: "2025-01-08T11:00"))
        #expect(try ws.item(args.student, id)["selected"] as? Bool == true)

        // A different file: back to uploaded, no decision, and out of the selection.
        _ = try ws.upload(student: args.student, course: args.course, description: args.description,
                          assets: ["history-essay.pdf"], replace: id, now: "2025-01-09T10:00")
        let changed = try ws.item(args.student, id)
        #expect(changed.string("status") == "uploaded")
        #expect(changed["decision"] == nil)
        #expect(changed["selected"] as? Bool == false)
        #expect(changed.string("version") != certified.string("version"))
        try expectVerifies(ws, "after the changed re-upload")
    }

    @Test func delegateCertifiesForATeacherWhoLeftAndTheManifestRecordsIt() throws {
        let ws = try SampleCopy()
        // The sample's art outcome that waits for 林美君 (T004), who left on 2024-11-01.
        let pending = try ws.items("113025").filter { $0.string("course") == "ART-10A" && $0.string("status") == "uploaded" }
        try #require(pending.count == 1, "the sample should have one pending ART-10A item for 113025")
        let id = try #require(pending[0].string("id"))

        expectSuccess(try ws.folio(as: "L01", ["certify", "113025", id], for: "T004"))
        try expectVerifies(ws, "after the delegate's certification")

        let manifest = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: ws.path("students/113025/manifest.json")))) as? [String: Any]
        let item = try #require((manifest?["items"] as? [[String: Any]])?.first { $0.string("id") == id })
        #expect(item.string("status") == "certified")
        #expect(item.object("decision")?.string("by") == "L01")
        #expect(item.object("decision")?.string("onBehalfOf") == "T004")
        let text = expectSuccess(try ws.folio(["status", "113025"]))
        #expect(text.stdout.contains("delegate for T004"))
    }

    /// Every course outcome waiting for certification in the sample, read from `folio status --json`.
    private func pendingCourseOutcomes(_ ws: SampleCopy) throws -> [(student: String, course: String)] {
        let school = try JSONSerialization.jsonObject(with: expectSuccess(try ws.folio(["status", "--json"])).stdoutData)
        let students = ((school as? [String: Any])?["students"] as? [[String: Any]] ?? []).compactMap { $0.string("number") }
        #expect(students.count == 12)
        var out: [(String, String)] = []
        for number in students {
            for item in try ws.items(number)
            where item.string("group") == "course-outcome" && item.string("status") == "uploaded" {
                out.append((number, item.string("course") ?? "?"))
            }
        }
        return out
    }

    /// Course code → its certifying teachers, from the roster the sample was built from.
    private func certifiers(_ ws: SampleCopy) throws -> [String: [String]] {
        let text = try String(contentsOfFile: ws.path("roster/courses.csv"), encoding: .utf8)
        var out: [String: [String]] = [:]
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let reviewer = cells.count > 4 ? cells[4].trimmingCharacters(in: .whitespaces) : ""
            out[cells[0]] = reviewer.isEmpty ? cells[3].split(separator: ";").map(String.init) : [reviewer]
        }
        return out
    }

    @Test func uncertifiedReportCSVHasABOMAndNamesEveryTeacherWithPendingItems() throws {
        let ws = try SampleCopy()
        let pending = try pendingCourseOutcomes(ws)
        #expect(!pending.isEmpty)
        let teachersOf = try certifiers(ws)
        var expected: [String: Int] = [:]   // "teacher course" → count
        for p in pending { for t in teachersOf[p.course] ?? [] { expected["\(t) \(p.course)", default: 0] += 1 } }

        let before = try ws.snapshot()
        let file = ws.scratch("uncertified.csv")
        expectSuccess(try ws.folio(["report", "uncertified", "--csv", file]))
        #expect(try ws.snapshot() == before, "a report must not change the workspace")
        let rows = try csvRows(file)
        try #require(rows.count >= 1)
        #expect(rows[0].first == "教師編號")
        var found: [String: Int] = [:]
        for row in rows.dropFirst() where row.count >= 7 { found["\(row[0]) \(row[4])"] = Int(row[6]) }
        #expect(found == expected)
        let teachers = Set(rows.dropFirst().compactMap(\.first))
        #expect(teachers.contains("T004") && teachers.contains("T001"), "\(rows)")
        #expect(rows.contains { $0.first == "T004" && $0.contains("離職") }, "T004 left the school: \(rows)")
    }

    @Test func selectionsReportMatchesEachStudentsSelections() throws {
        let ws = try SampleCopy()
        let file = ws.scratch("selections.csv")
        expectSuccess(try ws.folio(["report", "selections", "--year", "113", "--csv", file]))
        let rows = try csvRows(file)
        try #require(rows.count == 13, "a header and one row per registered student: \(rows)")
        for row in rows.dropFirst() {
            let items = try ws.items(row[0]).filter { ($0["selected"] as? Bool) == true }
            let course = items.filter { $0.string("group") == "course-outcome" }.count
            let diverse = items.count - course
            #expect(row[4].hasPrefix("\(course)/"), "\(row)")
            #expect(row[6].hasPrefix("\(diverse)/"), "\(row)")
            #expect(row[7] == (items.isEmpty ? "尚未勾選" : "已勾選"), "\(row)")
        }
        let text = expectSuccess(try ws.folio(["report", "selections"]))
        #expect(text.stdout.contains("查詢學生學習成果勾選情形"))
    }

    @Test func scheduleListsTheTermsWindows() throws {
        let ws = try SampleCopy()
        let r = expectSuccess(try ws.folio(["schedule", "--term", "113-1"]))
        #expect(r.stdout.contains("113-1"))
        for date in ["2024-09-02", "2025-02-03", "2025-02-10", "2025-01-06"] {
            #expect(r.stdout.contains(date), "the schedule should show \(date): \(r.stdout)")
        }
        let json = expectSuccess(try ws.folio(["schedule", "--json"]))
        // Scripts read the same English whatever language folio speaks; a person reads their own.
        let chinese = expectSuccess(try ws.folio(["schedule", "--term", "113-1", "--json"], env: ["LANG": ""]))
        #expect(json.stdout.contains("\"name\":\"upload (上傳)\"") || json.stdout.contains("\"name\" : \"upload (上傳)\""), "\(json.stdout)")
        #expect(chinese.stdout.contains("every enrolled student has uploaded this term"), "\(chinese.stdout)")
        let zh = expectSuccess(try ws.folio(["schedule", "--term", "113-1"], env: ["LANG": ""]))
        #expect(zh.stdout.contains("勾選") && zh.stdout.contains("每位在學學生這學期都已上傳"), "\(zh.stdout)")
    }

    /// The Big5 roster holds the first four students of the UTF-8 one the sample was built from: read as Big5,
    /// every name and address is the one registered, so importing it changes nothing.
    @Test func big5StudentRosterImports() throws {
        let ws = try SampleCopy()
        let before = try ws.snapshot()
        let r = expectSuccess(try ws.folio(as: "R01", ["roster", "import", "students", ws.path("roster/students-big5.csv"), "--apply"]))
        #expect(r.stdout.contains("Big5 (CP950)") && r.stdout.contains("No changes: all 4 students"), "\(r.stdout)")
        #expect(try ws.snapshot() == before)
        try expectVerifies(ws, "after the Big5 import")
        // The names decoded from Big5 must equal those of the UTF-8 roster.
        let utf8 = try String(contentsOfFile: ws.path("roster/students.csv"), encoding: .utf8)
        for line in utf8.split(whereSeparator: \.isNewline).dropFirst().prefix(4) {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let student = try ws.status(cells[0]).object("student")
            #expect(student?.string("name") == cells[1])
            #expect(student?.string("address") == cells[6])
        }
    }
}
