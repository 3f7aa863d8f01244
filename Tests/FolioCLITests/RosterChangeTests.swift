import FolioCore
import FolioTestSupport
import Foundation
import Testing

/// `folio roster import` shows what a file would change and writes it only with `--apply`; a student number or
/// national ID given twice, or a national ID of another registered student, refuses the whole file naming the
/// lines; a character that cannot be read is named by line, column and bytes. `folio staff add` changes only
/// what it names, unless `--replace`.
@Suite struct RosterChangeTests {
    static let header = "學號,姓名,身分證號,出生日期,班級,年級,通訊地址,狀態,原就讀學校"
    /// Fictional IDs with a right check digit (`NationalID.withCheckDigit`), held by nobody in the sample.
    static let newID = "A123456001"
    static let correctedID = "F227184512"

    /// The rows of the sample's own roster (學生名冊), the one it was built from, without the header.
    private func sampleRows(_ ws: SampleCopy) throws -> [String] {
        let text = try String(contentsOfFile: ws.path("roster/students.csv"), encoding: .utf8)
        return Array(text.split(whereSeparator: \.isNewline).map(String.init).dropFirst())
    }

    /// Writes a students CSV (UTF-8 with BOM, CRLF) outside the workspace.
    private func writeCSV(_ ws: SampleCopy, _ name: String, _ rows: [String], header: String = header) throws -> String {
        let path = ws.scratch(name)
        let text = ([header] + rows).joined(separator: "\r\n") + "\r\n"
        try Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The sample's roster with one of each change: 112001 renamed, 112002's national ID corrected, 113001 in
    /// another class at another address, 113026 left out, and a new student 113030 at the end (line 13).
    private func changedRoster(_ ws: SampleCopy) throws -> String {
        var rows: [String] = []
        for row in try sampleRows(ws) {
            var cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            switch cells[0] {
            case "112001": cells[1] = "吳柏瀚"
            case "112002": cells[2] = Self.correctedID
            case "113001": cells[4] = "102"; cells[6] = "臺北市虛構區示範街62號"
            case "113026": continue
            default: break
            }
            rows.append(cells.joined(separator: ","))
        }
        rows.append("113030,王小明,\(Self.newID),0980101,103,10,臺北市虛構區範例路1號,在學,")
        return try writeCSV(ws, "students-changed.csv", rows)
    }

    private func roster(_ ws: SampleCopy, _ csv: String, apply: Bool = false) throws -> FolioResult {
        try ws.folio(as: "R01", ["roster", "import", "students", csv] + (apply ? ["--apply"] : []))
    }

    // MARK: dry run and --apply

    @Test func withoutApplyTheImportListsEveryKindOfChangeAndWritesNothing() throws {
        let ws = try SampleCopy()
        let csv = try changedRoster(ws)
        let before = try ws.snapshot()
        let r = expectSuccess(try roster(ws, csv))
        let out = r.stdout
        for expected in [
            "New students (1):\n  line 13  113030  王小明  class 103, grade 10",
            "Changed names (姓名) (1):\n  line 6  112001  吳柏翰 → 吳柏瀚",
            "Changed national IDs (身分證號) (1):\n  line 7  112002  蔡佳穎  F22****503 → F22****512",
            "Other changes (1):\n  line 10  113001  鄭宇翔  class (班級) 101 → 102; address (通訊地址) changed",
            "Enrolled students missing from the file (1), only reported: they stay enrolled (在學).\n  113026  李安娜",
            "Unchanged: 8.",
            "run the same command again with --apply",
        ] {
            #expect(out.contains(expected), "missing \(expected):\n\(out)")
        }
        for full in ["F227184503", Self.correctedID, Self.newID] {
            #expect(!out.contains(full), "a national ID must be printed masked: \(out)")
        }
        let after = try ws.snapshot()
        #expect(after == before, "a dry run changed the workspace:\n\(after.differences(from: before))")
    }

    @Test func applyWritesTheChangesInOneStepAndSaysWhatItDid() throws {
        let ws = try SampleCopy()
        let csv = try changedRoster(ws)
        let r = expectSuccess(try roster(ws, csv, apply: true))
        #expect(r.stdout.contains("Done, in one step: 1 new student registered and 3 students changed."), "\(r.stdout)")
        #expect(try ws.status("112001").object("student")?.string("name") == "吳柏瀚")
        #expect(try ws.status("112002").object("student")?.string("nationalID") == "F22****512")
        #expect(try ws.status("113001").object("student")?.string("className") == "102")
        #expect(try ws.status("113030").object("student")?.string("name") == "王小明")
        #expect(try ws.status("113026").object("student")?.string("status") == "enrolled", "left out is not withdrawn")
        try expectVerifies(ws, "after the roster")
        // The same file again changes nothing, and says so.
        let before = try ws.snapshot()
        let again = expectSuccess(try roster(ws, csv, apply: true))
        #expect(again.stdout.contains("No changes: all 12 students in students-changed.csv are registered exactly as the file says."),
                "\(again.stdout)")
        #expect(try ws.snapshot() == before)
    }

    @Test func enrolledStudentsMissingFromTheFileAreReportedAndLeftEnrolled() throws {
        let ws = try SampleCopy()
        let rows = try sampleRows(ws).filter { !$0.hasPrefix("113025,") && !$0.hasPrefix("113026,") }
        let csv = try writeCSV(ws, "students-short.csv", rows)
        let before = try ws.snapshot()
        for apply in [false, true] {
            let r = expectSuccess(try roster(ws, csv, apply: apply))
            #expect(r.stdout.contains("Enrolled students missing from the file (2), only reported: they stay enrolled (在學).\n"
                                      + "  113025  許志明  class 102, grade 10\n  113026  李安娜  class 102, grade 10"), "\(r.stdout)")
            #expect(r.stdout.contains("No changes: all 10 students"), "\(r.stdout)")
            #expect(try ws.snapshot() == before, "students left out of a roster are not withdrawn")
        }
        #expect(try ws.status("113026").object("student")?.string("status") == "enrolled")
    }

    // MARK: duplicates

    @Test func aNationalIDTwiceInTheFileIsRefusedNamingBothLines() throws {
        let ws = try SampleCopy()
        let csv = try writeCSV(ws, "students-same-id.csv", [
            "113030,王小明,\(Self.newID),0980101,103,10,臺北市虛構區範例路1號,在學,",
            "113031,陳小華,\(Self.newID),0980202,103,10,臺北市虛構區範例路2號,在學,",
        ])
        let before = try ws.snapshot()
        for apply in [false, true] {
            let r = try roster(ws, csv, apply: apply)
            try expectRefused(r, naming: ["line 3", "also on line 2", "national ID (身分證號) A12****001", "113030", "113031"],
                              workspace: ws, unchangedFrom: before)
            #expect(!r.stderr.contains(Self.newID), "an ID number must never be echoed")
        }
    }

    @Test func aNationalIDOfAnotherRegisteredStudentIsRefusedNamingTheLineAndTheStudent() throws {
        let ws = try SampleCopy()
        // 112001's ID, given to a new student number.
        let taken = try #require(try sampleRows(ws).first { $0.hasPrefix("112001,") }?.split(separator: ",")[2])
        let csv = try writeCSV(ws, "students-taken-id.csv", [
            "113030,王小明,\(Self.newID),0980101,103,10,臺北市虛構區範例路1號,在學,",
            "113031,吳柏翰,\(taken),0961012,201,11,臺北市示例區假想街45號,在學,",
        ])
        let before = try ws.snapshot()
        for apply in [false, true] {
            let r = try roster(ws, csv, apply: apply)
            try expectRefused(r, naming: ["line 3", "already belongs to student 112001"], workspace: ws, unchangedFrom: before)
            #expect(!r.stderr.contains(String(taken)), "an ID number must never be echoed")
        }
    }

    /// Two registered students whose IDs were entered the wrong way round are put right by one roster: each ID
    /// is held by another student only until the same file moves it.
    @Test func nationalIDsSwappedBetweenTwoStudentsAreAChangeNotADuplicate() throws {
        let ws = try SampleCopy()
        let rows = try sampleRows(ws).filter { $0.hasPrefix("113001,") || $0.hasPrefix("113002,") }
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        try #require(rows.count == 2)
        var swapped = rows
        (swapped[0][2], swapped[1][2]) = (rows[1][2], rows[0][2])
        let csv = try writeCSV(ws, "students-swapped.csv", swapped.map { $0.joined(separator: ",") })
        let before = try ws.snapshot()
        let dry = expectSuccess(try roster(ws, csv))
        #expect(dry.stdout.contains("Changed national IDs (身分證號) (2):"), "\(dry.stdout)")
        #expect(try ws.snapshot() == before)
        expectSuccess(try roster(ws, csv, apply: true))
        #expect(try ws.status("113001").object("student")?.string("nationalID") == (try NationalID(rows[1][2])).masked)
        try expectVerifies(ws, "after the swap")
    }

    @Test func aStudentNumberTwiceInTheFileIsRefusedNamingBothLines() throws {
        let ws = try SampleCopy()
        let csv = try writeCSV(ws, "students-same-number.csv", [
            "113030,王小明,\(Self.newID),0980101,103,10,臺北市虛構區範例路1號,在學,",
            "113031,陳小華,A800000014,0980202,103,10,臺北市虛構區範例路2號,在學,",
            "113030,林小安,AA00000009,0980303,103,10,臺北市虛構區範例路3號,在學,",
        ])
        let before = try ws.snapshot()
        for apply in [false, true] {
            try expectRefused(try roster(ws, csv, apply: apply), naming: ["line 4", "student number (學號) 113030 is also on line 2"],
                              workspace: ws, unchangedFrom: before)
        }
    }

    // MARK: characters

    /// A name with a user-defined character (造字, here Big5 bytes FA 40) in a Big5 roster: refused whole, naming
    /// the line, the column in characters and the bytes, with what to do.
    @Test func aBig5UserDefinedCharacterIsRefusedNamingLineColumnAndBytes() throws {
        let ws = try SampleCopy()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ws.path("roster/students-big5.csv"))))
        try #require(bytes.suffix(2) == [0x0D, 0x0A] && bytes.filter { $0 == 0x0A }.count == 5)
        // 113030,陳<造字>,A123456001,0980101,103,10,,在學, (陳 is B3 AF, 在學 A6 62 BE C7 in Big5).
        bytes += Array("113030,".utf8) + [0xB3, 0xAF, 0xFA, 0x40] + Array(",\(Self.newID),0980101,103,10,,".utf8)
            + [0xA6, 0x62, 0xBE, 0xC7] + Array(",\r\n".utf8)
        let csv = ws.scratch("students-eudc.csv")
        try Data(bytes).write(to: URL(fileURLWithPath: csv))
        let before = try ws.snapshot()
        for apply in [false, true] {
            try expectRefused(try roster(ws, csv, apply: apply),
                              naming: ["Line 6, column 9", "the bytes FA 40", "user-defined character (造字)", "Big5",
                                       "Nothing was imported", "Replace that character"],
                              workspace: ws, unchangedFrom: before)
        }
    }

    // MARK: staff and courses

    @Test func staffAndCourseRostersAlsoShowTheirChangesAndWaitForApply() throws {
        let ws = try SampleCopy()
        let staff = try String(contentsOfFile: ws.path("roster/staff.csv"), encoding: .utf8)
            .replacingOccurrences(of: "T005,張志遠,任課教師", with: "T005,張志遠,任課教師;導師")
        let csv = ws.scratch("staff.csv")
        try staff.write(toFile: csv, atomically: true, encoding: .utf8)
        let before = try ws.snapshot()
        let dry = expectSuccess(try ws.folio(as: "root", ["roster", "import", "staff", csv]))
        #expect(dry.stdout.contains("Changed (1):\n  line 19  T005  張志遠  offices (處室) 任課教師 (course-teacher) → 任課教師 (course-teacher), 導師 (homeroom-teacher)"),
                "\(dry.stdout)")
        #expect(dry.stdout.contains("Unchanged: 18.") && dry.stdout.contains("--apply"), "\(dry.stdout)")
        #expect(try ws.snapshot() == before)
        let applied = expectSuccess(try ws.folio(as: "root", ["roster", "import", "staff", csv, "--apply"]))
        #expect(applied.stdout.contains("Done, in one step: 0 new, 1 changed."), "\(applied.stdout)")
        #expect(try offices(ws, "T005") == ["course-teacher", "homeroom-teacher"])
        let courses = expectSuccess(try ws.folio(as: "I01", ["roster", "import", "courses", ws.path("roster/courses.csv"), "--apply"]))
        #expect(courses.stdout.contains("No changes"), "\(courses.stdout)")
    }

    /// Offices, name and key of a registered person, from `folio staff list --json`.
    private func entry(_ ws: SampleCopy, _ id: String) throws -> [String: Any] {
        let r = expectSuccess(try ws.folio(["staff", "list", "--json"]))
        let people = try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [[String: Any]])
        return try #require(people.first { $0.string("id") == id })
    }

    private func offices(_ ws: SampleCopy, _ id: String) throws -> [String] {
        try entry(ws, id)["offices"] as? [String] ?? []
    }

    @Test func staffAddForSomeoneRegisteredChangesOnlyWhatItNames() throws {
        let ws = try SampleCopy()
        let key = try entry(ws, "R01").string("publicKey")
        let add = expectSuccess(try ws.folio(as: "root", ["staff", "add", "R01", "--office", "instruction"]))
        #expect(add.stdout.contains("Updated R01 (周文華): offices (處室) 註冊組 (registration) → 註冊組 (registration), 教學組 (instruction). Kept as before: name, kind, key."),
                "\(add.stdout)")
        #expect(try offices(ws, "R01") == ["registration", "instruction"])
        // A new name alone keeps the offices and the key, so nothing R01 signed is held back.
        let rename = expectSuccess(try ws.folio(as: "root", ["staff", "add", "R01", "--name", "周文華組長"]))
        #expect(rename.stdout.contains("name (姓名) 周文華 → 周文華組長") && rename.stdout.contains("Kept as before: kind, offices, key."),
                "\(rename.stdout)")
        let r01 = try entry(ws, "R01")
        #expect(r01.string("publicKey") == key && (r01["offices"] as? [String]) == ["registration", "instruction"])
        #expect(try ws.status("112001").object("student")?.string("name") == "吳柏翰", "R01's registrations still count")
        let status = expectSuccess(try ws.folio(["status"]))
        #expect(status.stdout.contains(" 0 record(s) held back"), "\(status.stdout)")
        // The same again changes nothing.
        let before = try ws.snapshot()
        let same = expectSuccess(try ws.folio(as: "root", ["staff", "add", "R01", "--name", "周文華組長", "--office", "registration"]))
        #expect(same.stdout.contains("nothing was changed"), "\(same.stdout)")
        #expect(try ws.snapshot() == before)
    }

    @Test func staffAddReplaceSetsTheWholeEntryAndSaysWhatItTakesAway() throws {
        let ws = try SampleCopy()
        let key = try entry(ws, "R01").string("publicKey")
        let r = expectSuccess(try ws.folio(as: "root", ["staff", "add", "R01", "--name", "周文華", "--office", "instruction", "--replace"]))
        #expect(r.stdout.contains("offices (處室) 註冊組 (registration) → 教學組 (instruction)"), "\(r.stdout)")
        #expect(r.stdout.contains("records R01 signed as 註冊組 (registration) may now be held back"), "\(r.stdout)")
        #expect(try offices(ws, "R01") == ["instruction"])
        #expect(try entry(ws, "R01").string("publicKey") == key, "--replace keeps the key unless --public-key gives one")
        // Someone new still needs a name.
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "root", ["staff", "add", "T009", "--office", "course-teacher"]),
                          naming: ["T009 is not registered yet", "--name"], workspace: ws, unchangedFrom: before)
    }
}
