import FolioTestSupport
import Foundation
import Testing

/// `folio certify --all`: a teacher certifies everything waiting for them in one step, and nothing else.
@Suite struct CertifyAllTests {
    /// Every uploaded course outcome of the workspace, as (student, item id, course, status).
    private func outcomes(_ ws: SampleCopy) throws -> [(student: String, id: String, course: String, status: String)] {
        let students = try FileManager.default.contentsOfDirectory(atPath: ws.path("students")).sorted()
        var all: [(String, String, String, String)] = []
        for s in students {
            for item in try ws.items(s) where item.string("category") == "course-outcome" {
                all.append((s, item.string("id") ?? "", item.string("course") ?? "", item.string("status") ?? ""))
            }
        }
        return all
    }

    @Test func certifiesEveryItemWaitingForTheTeacherAndLeavesTheRest() throws {
        let ws = try SampleCopy()
        let physics = [("112002", try ws.upload(student: "112002", course: "PHY-11A", description: "斜面運動實驗報告", assets: ["physics-lab-report.pdf"])),
                       ("112001", try ws.upload(student: "112001", course: "PHY-11A", description: "單擺週期實驗", assets: ["physics-lab-report.pdf"]))]
        let maths = try ws.upload(student: "113026", course: "MAT-10A", description: "指數函數圖形", assets: ["math-graph.png"])
        let before = try outcomes(ws)
        let waitingForT001 = before.filter { $0.course == "PHY-11A" && $0.status == "uploaded" }
        try #require(waitingForT001.count == 3, "the sample's own waiting physics item and the two new ones: \(before)")

        let r = expectSuccess(try ws.folio(as: "T001", ["certify", "--all"]))
        #expect(r.stdout.contains("Certified 3 item(s)"), "\(r)")
        for w in waitingForT001 { #expect(r.stdout.contains("\(w.student)  \(w.id)"), "each certified item is listed: \(r.stdout)") }
        try expectVerifies(ws, "after certifying everything at once")

        let after = try outcomes(ws)
        for w in waitingForT001 {
            #expect(after.contains { $0.student == w.student && $0.id == w.id && $0.status == "certified" }, "\(w) certified")
        }
        for (student, id) in physics { #expect(try ws.item(student, id).object("decision")?.string("by") == "T001") }
        // Nobody else's item moved: the maths outcome and the art outcome waiting for T004 still wait.
        #expect(try ws.item("113026", maths).string("status") == "uploaded")
        let untouched = before.filter { $0.course != "PHY-11A" }
        for u in untouched { #expect(after.contains { $0 == u }, "\(u) should be unchanged") }

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
        #expect(r.stdout.contains("2 item(s) wait for T001"), "\(r)")
        for (student, id) in [("112002", added), ("112020", "8bcbc6eed2")] {
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

    @Test func courseNarrowsTheBatchAndADelegateActsForTheTeacherWhoLeft() throws {
        let ws = try SampleCopy()
        // T001 has nothing in MAT-10A: the physics item stays.
        let none = expectSuccess(try ws.folio(as: "T001", ["certify", "--all", "--course", "MAT-10A"]))
        #expect(none.stdout.contains("Nothing waits for T001's certification in MAT-10A"), "\(none)")
        #expect(try outcomes(ws).contains { $0.course == "PHY-11A" && $0.status == "uploaded" })

        // 林美君 (T004) left on 2024-11-01; 讀服組 (L01), her first delegate, certifies her art outcome.
        let art = try outcomes(ws).filter { $0.course == "ART-10A" && $0.status == "uploaded" }
        try #require(art.count == 1)
        let r = expectSuccess(try ws.folio(as: "L01", ["certify", "--all", "--course", "ART-10A"], for: "T004"))
        #expect(r.stdout.contains("as delegate for T004"), "\(r)")
        let item = try ws.item(art[0].student, art[0].id)
        #expect(item.string("status") == "certified")
        #expect(item.object("decision")?.string("onBehalfOf") == "T004")
        #expect(try outcomes(ws).contains { $0.course == "PHY-11A" && $0.status == "uploaded" }, "T001's item is not hers")
        try expectVerifies(ws)
    }

    @Test func refusalsChangeNothing() throws {
        let ws = try SampleCopy()
        _ = try ws.upload(student: "112002", course: "PHY-11A", description: "斜面運動實驗報告", assets: ["physics-lab-report.pdf"])
        let art = try ws.upload(student: "113026", course: "ART-10A", description: "色彩練習二", assets: ["math-graph.png"])
        let before = try ws.snapshot()
        // After 113-1's certification window (to 2025-02-10): both waiting items stay, and the window is named.
        try expectRefused(try ws.folio(as: "T001", ["certify", "--all"], now: "2025-03-01T10:00"),
                          naming: ["2 item(s) wait for T001", "window", "2025-02-10"], workspace: ws, unchangedFrom: before)
        // A teacher who has left cannot sign: the whole batch is refused, not the first item alone.
        try expectRefused(try ws.folio(as: "T004", ["certify", "--all"]), naming: ["T004", "left"],
                          workspace: ws, unchangedFrom: before)
        #expect(try ws.item("113026", art).string("status") == "uploaded")
        try expectRefused(try ws.folio(as: "T001", ["certify", "--all", "--course", "PHY-99Z"]),
                          naming: ["no course PHY-99Z"], workspace: ws, unchangedFrom: before)
        let both = try ws.folio(as: "T001", ["certify", "112002", "8bcb", "--all"])
        #expect(both.status == 64 && both.stderr.contains("not both"), "\(both)")
        #expect(try ws.snapshot() == before)
    }
}
