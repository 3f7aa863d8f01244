import FolioCore
import FolioWorkspace
import Foundation
import Testing

/// Writers skip re-folding students when a school record leaves `SchoolState.studentFacing` unchanged
/// (sealing a graduate, recording an activity). That is only sound if a student's fold reads nothing else.
@Suite struct StudentFacingTests {
    /// A register entry that seals `student`, decoded because its initialiser belongs to FolioCore.
    func sealedEntry(_ student: String) throws -> ArchiveEntry {
        let json = """
        {"sealed": {"student": "\(student)", "path": "archive/999901-\(student).tar", "size": 10240,
                    "sha256": "\(String(repeating: "ab", count: 32))", "graduated": "2025-06-30",
                    "sealed": "2025-07-01", "retainUntil": "2030-07-01"},
         "event": "\(String(repeating: "cd", count: 32))", "sealedBy": "R01"}
        """
        return try JSONDecoder().decode(ArchiveEntry.self, from: Data(json.utf8))
    }

    @Test func studentViewsDependOnlyOnTheStudentFacingPartOfTheSchool() throws {
        let ws = try Workspace.open(VerifierTests.sample)
        let school = ws.school()
        let numbers = ws.studentNumbers()
        #expect(numbers.count == 12)
        var noisy = school
        for number in numbers { noisy.archive.append(try sealedEntry(number)) }
        noisy.activities.append(ActivityRecorded(kind: .workshop, date: CivilDate(year: 2025, month: 5, day: 1)!, title: "學習歷程檔案說明會"))
        noisy.problems.append(Problem(event: "ef", error: FolioError(.badInput, verbatim: "A stray record.", hint: "None.")))
        #expect(noisy != school)
        #expect(noisy.studentFacing == school.studentFacing)
        for number in numbers {
            #expect(ws.view(number, school: noisy) == ws.view(number, school: school), "\(number)'s view read a masked field")
        }
    }

    @Test func changesThatStudentsSeeAreNotMasked() throws {
        let school = try Workspace.open(VerifierTests.sample).school()
        var renamed = school
        renamed.courses[0].name += "（更名）"
        #expect(renamed.studentFacing != school.studentFacing)
        var stricter = school
        stricter.settings.uploadLimitPerTerm -= 1
        #expect(stricter.studentFacing != school.studentFacing)
        var revoked = school
        revoked.revoked["a key"] = Instant(epochSeconds: 0)
        #expect(revoked.studentFacing != school.studentFacing)
    }
}
