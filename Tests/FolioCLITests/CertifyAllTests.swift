import FolioTestSupport
import Foundation
import Testing

/// `folio certify --all`: a teacher certifies everything waiting for them in one step, and nothing else.
@Suite struct CertifyAllTests {
    struct Outcome: Equatable { var student: String; var id: String; var course: String; var status: String }

    /// Every course outcome of the workspace's students.
    private func outcomes(_ ws: SampleCopy) throws -> [Outcome] {
        let students = try FileManager.default.contentsOfDirectory(atPath: ws.path("students")).sorted()
        var all: [Outcome] = []
        for s in students {
            for item in try ws.items(s) where item.string("category") == "course-outcome" {
                all.append(Outcome(student: s, id: item.string("id") ?? "", course: item.string("course") ?? "",
                                   status: item.string("status") ?? ""))
            }
        }
        return all
    }

    @Test func certifiesEveryItemWaitingForTheTeacherAndLeavesTheRest() throws {
        let ws = try SampleCopy()
        // Two new items of one student, one of another; one more that T001 returns first.
        var physics = [("112002", try ws.upload(student: "112002", course: "PHY-11A", description: "斜面運動實驗報告", assets: ["physics-lab-report.pdf"])),
                       ("112002", try ws.upload(student: "112002", course: "PHY-11A", description: "單擺週期實驗", assets: ["math-graph.png"])),
                       ("112001", try ws.upload(student: "112001", course: "PHY-11A", description: "單擺週期實驗", assets: ["physics-lab-report.pdf"]))]
        let returned = try ws.upload(student: "112001", course: "PHY-11A", description: "自由落體錄音", assets: ["tone-a440.mp3"])
        expectSuccess(try ws.folio(as: "T001", ["reject", "112001", returned, "--reason", "請附上實驗數據表"]))
        let maths = try ws.upload(student: "113026", course: "MAT-10A", description: "指數函數圖形", assets: ["math-graph.png"])
        physics.append(("112020", "abf0f468ae"))   // the sample's own item waiting for T001
        let before = try outcomes(ws)
        try #require(before.filter { $0.course == "PHY-11A" && $0.status == "uploaded" }.count == physics.count, "\(before)")

        let r = expectSuccess(try ws.folio(as: "T001", ["certify", "--all", "--json"]))
        let json = try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
        let listed = try #require(json["certified"] as? [[String: Any]]).map { ($0.string("student") ?? "", $0.object("item")?.string("id") ?? "") }
        #expect(listed.map { "\($0.0)/\($0.1)" }.sorted() == physics.map { "\($0.0)/\($0.1)" }.sorted())
        #expect((json["left"] as? [Any])?.isEmpty == true)
        try expectVerifies(ws, "after certifying everything at once")

        for (student, id) in physics {
            let item = try ws.item(student, id)
            #expect(item.string("status") == "certified", "\(student) \(id)")
            #expect(item.object("decision")?.string("by") == "T001")
        }
        #expect(try ws.item("112001", returned).string("status") == "rejected", "a returned item no longer waits")
        #expect(try ws.item("113026", maths).string("status") == "uploaded", "another teacher's item")
        let after = try outcomes(ws)
        for o in before where !physics.contains(where: { $0 == (o.student, o.id) }) {
            #expect(after.contains(o), "\(o) should be unchanged")
        }

        // Run again: nothing waits, which is said, and nothing changes.
        let snapshot = try ws.snapshot()
        let again = expectSuccess(try ws.folio(as: "T001", ["certify", "--all"]))
        #expect(again.stdout.contains("Nothing waits for T001"), "\(again)")
        #expect(try ws.snapshot() == snapshot)
    }

    @Test func dryRunListsEachWaitingItemAndItsFilesAndChangesNothing() throws {
        let ws = try SampleCopy()
        let added = try ws.upload(student: "112002", course: "PHY-11A", description: "斜面運動實驗報告", assets: ["physics-lab-report.pdf"])
        let before = try ws.snapshot()
        // No key: listing signs nothing.
        let r = expectSuccess(try ws.folio(["certify", "--all", "--dry-run", "--as", "T001"]))
        #expect(r.stdout.contains("Ready to certify for T001: 2 item(s). Nothing was certified"), "\(r)")
        for (student, id) in [("112002", added), ("112020", "abf0f468ae")] {
            #expect(r.stdout.contains("\(student)  \(id)"), "\(r.stdout)")
            for file in try #require(ws.item(student, id)["files"] as? [[String: Any]]) {
                let path = "students/\(student)/\(try #require(file.string("path")))"
                #expect(r.stdout.contains(path), "the teacher is shown where to look: \(path) in \(r.stdout)")
                #expect(FileManager.default.fileExists(atPath: ws.path(path)))
            }
        }
        #expect(try ws.snapshot() == before)
        #expect(try ws.item("112002", added).string("status") == "uploaded")
    }

    @Test func aJointCourseIsCertifiedByItsReviewerNotItsTeachers() throws {
        let ws = try SampleCopy()
        // 國文專題(合開): teachers T002 and T003, reviewer T005.
        let id = try ws.upload(student: "112002", course: "CHI-12J", description: "專題報告", assets: ["physics-lab-report.pdf"])
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "T002", ["certify", "--all", "--course", "CHI-12J"]),
                          naming: ["T002 does not certify CHI-12J", "T005"], workspace: ws, unchangedFrom: before)
        let teacher = expectSuccess(try ws.folio(as: "T002", ["certify", "--all"]))
        #expect(teacher.stdout.contains("Nothing waits for T002"), "\(teacher)")
        #expect(try ws.snapshot() == before)
        let reviewer = expectSuccess(try ws.folio(as: "T005", ["certify", "--all"]))
        #expect(reviewer.stdout.contains("112002  \(id)"), "\(reviewer)")
        #expect(try ws.item("112002", id).string("status") == "certified")
    }

    @Test func aDelegateLeavesWhatAnAvailableCoTeacherCertifies() throws {
        let ws = try SampleCopy()
        // 林美君 (T004) left on 2024-11-01. ART-10A is hers alone; ART-10B she shares with T003, who is available.
        expectSuccess(try ws.folio(as: "I01", ["course", "add", "ART-10B", "--name", "美術（二）", "--term", "113-1",
                                               "--teacher", "T004", "--teacher", "T003"]))
        let shared = try ws.upload(student: "113026", course: "ART-10B", description: "水彩練習", assets: ["math-graph.png"])
        let art = try #require(try outcomes(ws).first { $0.course == "ART-10A" && $0.status == "uploaded" })

        let r = expectSuccess(try ws.folio(as: "L01", ["certify", "--all"], for: "T004"))
        #expect(r.stdout.contains("Certified 1 item(s) as delegate for T004"), "\(r)")
        #expect(r.stdout.contains("Not certified, 1 item(s). T003 also certifies ART-10B and is available"), "\(r)")
        let item = try ws.item(art.student, art.id)
        #expect(item.string("status") == "certified")
        #expect(item.object("decision")?.string("onBehalfOf") == "T004")
        #expect(try ws.item("113026", shared).string("status") == "uploaded")
        try expectVerifies(ws)

        // With only the shared course left, the delegate is refused and told whom to ask.
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "L01", ["certify", "--all"], for: "T004"),
                          naming: ["1 item(s) wait for T004", "none can be certified now", "Ask T003"], workspace: ws, unchangedFrom: before)
        expectSuccess(try ws.folio(as: "T003", ["certify", "--all", "--course", "ART-10B"]))
        #expect(try ws.item("113026", shared).string("status") == "certified")
    }

    @Test func aSealedGraduatesFolderLeftOnAReplicaIsPassedOver() throws {
        let ws = try SampleCopy()
        let id = try ws.upload(student: "111001", course: "PHY-11A", description: "畢業前的實驗", assets: ["physics-lab-report.pdf"])
        // A teacher's replica keeps a graduate's folder after a school update seals them: make that state here.
        let kept = ws.scratch("111001")
        try FileManager.default.copyItem(atPath: ws.path("students/111001"), toPath: kept)
        expectSuccess(try ws.folio(as: "R01", ["graduate", "111001", "--date", "2025-01-08"]))
        expectSuccess(try ws.folio(as: "R01", ["archive", "seal", "111001"]))
        try FileManager.default.copyItem(atPath: kept, toPath: ws.path("students/111001"))

        let report = expectSuccess(try ws.folio(["report", "uncertified", "--json"]))
        let rows = try #require((try JSONSerialization.jsonObject(with: report.stdoutData) as? [String: Any])?["rows"] as? [[String]])
        #expect(rows.first { $0.first == "T001" }?[6] == "1", "the sealed graduate's item is not counted: \(rows)")
        let r = expectSuccess(try ws.folio(as: "T001", ["certify", "--all"]))
        #expect(r.stdout.contains("Certified 1 item(s)") && r.stdout.contains("112020  abf0f468ae"), "\(r)")
        #expect(!r.stdout.contains(id))
        #expect(try ws.item("112020", "abf0f468ae").string("status") == "certified")
    }

    @Test func refusalsChangeNothing() throws {
        let ws = try SampleCopy()
        _ = try ws.upload(student: "112002", course: "PHY-11A", description: "斜面運動實驗報告", assets: ["physics-lab-report.pdf"])
        let art = try ws.upload(student: "113026", course: "ART-10A", description: "色彩練習二", assets: ["math-graph.png"])
        let before = try ws.snapshot()
        // After 113-1's certification window (to 2025-02-10): both waiting items stay, and the window is named.
        try expectRefused(try ws.folio(as: "T001", ["certify", "--all"], now: "2025-03-01T10:00"),
                          naming: ["2 item(s) wait for T001", "window", "2025-02-10", "reopened"], workspace: ws, unchangedFrom: before)
        // Before the window opens, the hint says from when.
        try expectRefused(try ws.folio(as: "T001", ["certify", "--all"], now: "2024-08-20T10:00"),
                          naming: ["Try again from 2024-09-02"], workspace: ws, unchangedFrom: before)
        // A teacher who has left cannot sign, and the message says since when.
        try expectRefused(try ws.folio(as: "T004", ["certify", "--all"]), naming: ["Nothing was certified", "T004 left the school on 2024-11-01"],
                          workspace: ws, unchangedFrom: before)
        #expect(try ws.item("113026", art).string("status") == "uploaded")
        try expectRefused(try ws.folio(as: "T001", ["certify", "--all", "--course", "PHY-99Z"]),
                          naming: ["no course PHY-99Z"], workspace: ws, unchangedFrom: before)
        let both = try ws.folio(as: "T001", ["certify", "112002", "8bcb", "--all"])
        #expect(both.status == 64 && both.stderr.contains("not both"), "\(both)")
        #expect(try ws.snapshot() == before)
    }
}
