import FolioTestSupport
import Foundation
import Testing

/// `folio status` narrowed to a class, a course, a teacher's courses or an item state. The expected students
/// are the sample school's (SampleWorkspace/roster and the items the sample was made with):
/// class 201 holds 112001 and 112002; PHY-11A (T001) has 112001's certified item and 112020's waiting one;
/// T002 teaches HIS-11A (112001, certified) and CHI-12J (111001, certified).
@Suite struct StatusFilterTests {
    /// Student number → that student's line of `folio status --json` with `filters`.
    private func lines(_ ws: SampleCopy, _ filters: [String]) throws -> [String: [String: Any]] {
        let r = expectSuccess(try ws.folio(["status"] + filters + ["--json"]))
        let object = try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any], "\(r)")
        let students = try #require(object["students"] as? [[String: Any]], "\(r)")
        return Dictionary(uniqueKeysWithValues: students.map { ($0["number"] as? String ?? "", $0) })
    }

    @Test func eachFilterAndACombinationChooseTheSamplesStudents() throws {
        let ws = try SampleCopy()
        #expect(try lines(ws, []).count == 12)

        let homeroom = try lines(ws, ["--class", "201"])
        #expect(Set(homeroom.keys) == ["112001", "112002"], "\(homeroom.keys)")
        // A class filter alone keeps every item of the class's students.
        #expect(homeroom["112001"]?["uploaded"] as? Int == 3)

        let course = try lines(ws, ["--course", "PHY-11A"])
        #expect(Set(course.keys) == ["112001", "112020"], "\(course.keys)")
        #expect(course["112001"]?["uploaded"] as? Int == 1 && course["112001"]?["certified"] as? Int == 1)
        #expect(course["112020"]?["pending"] as? Int == 1)

        let teacher = try lines(ws, ["--teacher", "T002"])
        #expect(Set(teacher.keys) == ["111001", "112001"], "\(teacher.keys)")
        #expect(teacher["112001"]?["uploaded"] as? Int == 1, "only the history item counts: \(teacher)")

        let certified = try lines(ws, ["--state", "certified"])
        #expect(Set(certified.keys) == ["111001", "112001", "113002"], "\(certified.keys)")
        #expect(certified["112001"]?["certified"] as? Int == 2 && certified["112001"]?["uploaded"] as? Int == 2)

        let both = try lines(ws, ["--teacher", "T001", "--state", "uploaded"])
        #expect(Set(both.keys) == ["112020"], "\(both.keys)")
        let classAndState = try lines(ws, ["--class", "201", "--state", "certified"])
        #expect(Set(classAndState.keys) == ["112001"], "\(classAndState.keys)")

        let text = expectSuccess(try ws.folio(["status", "--class", "202", "--course", "PHY-11A"]))
        #expect(text.stdout.contains("only class 202, course PHY-11A") && text.stdout.contains("112020")
                && !text.stdout.contains("112021") && !text.stdout.contains("112001"), "\(text)")
        #expect(text.stdout.contains("1 item(s) wait for certification"), "\(text)")
    }

    @Test func aTypoIsAnErrorThatListsWhatExists() throws {
        let ws = try SampleCopy()
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(["status", "--class", "209"]), naming: ["209", "101, 102, 201, 202, 301, 302"],
                          workspace: ws, unchangedFrom: before)
        try expectRefused(try ws.folio(["status", "--course", "PHY-11C"]), naming: ["PHY-11C", "PHY-11A", "PHY-11B"],
                          workspace: ws, unchangedFrom: before)
        try expectRefused(try ws.folio(["status", "--teacher", "T009"]), naming: ["T009", "T001, T002, T003, T004, T005"],
                          workspace: ws, unchangedFrom: before)
        try expectRefused(try ws.folio(["status", "--state", "approved"]), naming: ["approved", "certified", "rejected"],
                          workspace: ws, unchangedFrom: before)
        try expectRefused(try ws.folio(["status", "112001", "--class", "201"]), naming: ["one student"],
                          workspace: ws, unchangedFrom: before)
    }

    @Test func aTeachersOwnUncertifiedLinesComeFirst() throws {
        // Waiting in the sample: 112020's physics item (T001) and 113025's art item (T004).
        let ws = try SampleCopy()
        func rows(_ r: FolioResult) throws -> [[String]] {
            let object = try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any], "\(r)")
            return try #require(object["rows"] as? [[String]])
        }
        let office = expectSuccess(try ws.folio(["report", "uncertified", "--json"]))
        #expect(try rows(office).map { $0[0] } == ["T001", "T004"], "\(office)")

        let mine = expectSuccess(try ws.folio(as: "T004", ["report", "uncertified", "--json"]))
        #expect(try rows(mine).map { $0[0] } == ["T004", "T001"], "\(mine)")
        let first = try #require((try JSONSerialization.jsonObject(with: mine.stdoutData) as? [String: Any])?["first"] as? [String: Any])
        #expect(first["person"] as? String == "T004" && first["rows"] as? Int == 1, "\(first)")

        let text = expectSuccess(try ws.folio(as: "T004", ["report", "uncertified"])).stdout
        let yours = try #require(text.range(of: "Yours (T004"), "\(text)")
        let others = try #require(text.range(of: "Other teachers:"), "\(text)")
        #expect(text[yours.upperBound..<others.lowerBound].contains("ART-10A") && !text[yours.upperBound..<others.lowerBound].contains("PHY-11A"), "\(text)")
        #expect(text[others.upperBound...].contains("PHY-11A"), "\(text)")

        // A teacher with nothing waiting is told so, above the rest.
        let none = expectSuccess(try ws.folio(as: "T003", ["report", "uncertified"])).stdout
        #expect(none.contains("nothing waits for your certification"), "\(none)")
        // A clerk who certifies nothing gets the plain report.
        let clerk = expectSuccess(try ws.folio(as: "R01", ["report", "uncertified"])).stdout
        #expect(!clerk.contains("Yours") && clerk.contains("T001") && clerk.contains("T004"), "\(clerk)")
    }
}
