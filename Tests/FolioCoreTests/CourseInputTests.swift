import Testing
@testable import FolioCore

/// Courses by code or name, against the sample school's course list (SampleWorkspace/roster/courses.csv).
@Suite struct CourseInputTests {
    static func course(_ code: String, _ name: String, _ term: String, _ teachers: [String]) -> Course {
        Course(code: code, name: name, term: Term(term)!, teachers: teachers)
    }

    static let sample = [
        course("PHY-11A", "物理", "113-1", ["T001"]), course("HIS-11A", "歷史", "113-1", ["T002"]),
        course("MAT-10A", "數學", "113-1", ["T003"]), course("ART-10A", "美術", "113-1", ["T004"]),
        course("CHI-12J", "國文專題(合開)", "113-1", ["T002", "T003"]),
        course("PHY-11B", "物理", "113-2", ["T001"]), course("MAT-10B", "數學", "113-2", ["T003"]),
    ]
    static let first = Term("113-1")!
    static let second = Term("113-2")!

    func code(_ text: String, _ term: Term?, _ courses: [Course] = Self.sample) -> String? {
        try? CourseInput.code(text, term: term, courses: courses)
    }

    @Test func aNameUniqueInItsTermNamesTheCourse() {
        #expect(code("物理", Self.first) == "PHY-11A")
        #expect(code("物理", Self.second) == "PHY-11B")
        #expect(code("歷史", Self.first) == "HIS-11A")
        #expect(code("國文專題(合開)", Self.first) == "CHI-12J")
        // As an input method types it, with full-width parentheses.
        #expect(code("國文專題（合開）", Self.first) == "CHI-12J")
        #expect(code("美術", Self.first) == "ART-10A")
    }

    @Test func codesInAnyLetterCase() {
        #expect(code("PHY-11A", Self.first) == "PHY-11A")
        #expect(code("phy-11a", Self.first) == "PHY-11A")
        #expect(code("ＰＨＹ－１１Ａ", Self.first) == "PHY-11A")
        #expect(code("phy-11b", nil) == "PHY-11B")
    }

    @Test func aCourseOfAnotherTermIsNotOffered() {
        #expect(code("PHY-11B", Self.first) == nil)
        #expect(code("美術", Self.second) == nil)
        let error = refusal { () throws(FolioError) in try CourseInput.code("美術", term: Self.second, courses: Self.sample) }
        #expect(error?.code == .unknownCourse)
        #expect(error?.message.contains("113-2") == true)
        #expect(error?.hint.contains("PHY-11B 物理") == true, "the hint lists the term's courses")
        #expect(error?.hint.contains("ART-10A") == false, "the hint lists only the term's courses")
    }

    @Test func aNameSharedByTwoCoursesIsRefusedWithTheirCodes() {
        let courses = Self.sample + [Self.course("HIS-11B", "歷史", "113-1", ["T005"])]
        let error = refusal { () throws(FolioError) in try CourseInput.code("歷史", term: Self.first, courses: courses) }
        #expect(error?.code == .badInput)
        #expect(error?.message.contains("HIS-11A") == true)
        #expect(error?.message.contains("HIS-11B") == true)
        #expect(error?.hint.contains("HIS-11A / HIS-11B") == true)
        // Each code still names its own course.
        #expect(code("HIS-11B", Self.first, courses) == "HIS-11B")
    }

    /// Without a term (`certify --all --course`) every term's courses count: 物理 is taught in both.
    @Test func withoutATermANameInTwoTermsIsAmbiguous() {
        #expect(code("物理", nil) == nil)
        let error = refusal { () throws(FolioError) in try CourseInput.code("物理", term: nil, courses: Self.sample) }
        #expect(error?.message.contains("PHY-11A") == true && error?.message.contains("PHY-11B") == true)
        #expect(code("美術", nil) == "ART-10A")
    }

    @Test func codesDifferingOnlyInCaseNeedTheExactCode() {
        let courses = [Self.course("ab-1", "甲", "113-1", ["T001"]), Self.course("AB-1", "乙", "113-1", ["T002"])]
        #expect(code("ab-1", Self.first, courses) == "ab-1")
        #expect(code("AB-1", Self.first, courses) == "AB-1")
        #expect(code("Ab-1", Self.first, courses) == nil)
    }

    @Test func noCoursesSaysWhoSetsThemUp() {
        let error = refusal { () throws(FolioError) in try CourseInput.code("物理", term: Self.first, courses: []) }
        #expect(error?.code == .unknownCourse)
        #expect(error?.hint.contains("教學組") == true)
    }

    @Test(arguments: ["", "化學", "物", "PHY", "PHY-11"])
    func refusesWhatNamesNoCourse(text: String) {
        #expect(code(text, Self.first) == nil)
    }
}
