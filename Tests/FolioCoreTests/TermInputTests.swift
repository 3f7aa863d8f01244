import Testing
@testable import FolioCore

/// Terms as school papers write them (113學年度第1學期) and as folio writes them (113-1).
@Suite struct TermInputTests {
    @Test(arguments: ["113-1", "113學年度第1學期", "113學年度第一學期", "113 學年度 第 1 學期", "113學年第1學期",
                      "１１３學年度第１學期", " 113-1 ", "１１３－１"])
    func readsTheFirstSemesterOf113(text: String) {
        #expect(TermInput.term(text) == Term(year: 113, semester: 1), "\(text)")
    }

    @Test(arguments: ["113-2", "113學年度第2學期", "113學年度第二學期", "113 學年度 第 二 學期"])
    func readsTheSecondSemesterOf113(text: String) {
        #expect(TermInput.term(text) == Term(year: 113, semester: 2), "\(text)")
    }

    @Test func theTermKeepsFolioOwnForm() {
        #expect(TermInput.term("113學年度第1學期")?.description == "113-1")
        // 113學年度第1學期 starts on 1 August 2024 (民國113 + 1911), the legal start of the academic year.
        #expect(TermInput.term("113學年度第1學期")?.nominalStart == CivilDate(year: 2024, month: 8, day: 1))
        #expect(TermInput.term("99學年度第2學期")?.nominalStart == CivilDate(year: 2011, month: 2, day: 1))
    }

    @Test(arguments: ["", "113", "113-3", "113-0", "113學年度", "113學年度第3學期", "113學年度第三學期", "0學年度第1學期",
                      "學年度第1學期", "113學年度第1學期課程", "113學年度1學期", "113學年度第1", "一一三學年度第一學期",
                      "1130學年度第1學期", "113年第1學期", "113-1-1"])
    func refusesWhatIsNotATerm(text: String) {
        #expect(TermInput.term(text) == nil, "\(text)")
    }

    @Test func refusalsSayWhatIsAccepted() {
        let error = refusal { () throws(FolioError) in try TermInput.parse("113學年度第3學期") }
        #expect(error?.code == .badTerm)
        #expect(error?.message.contains("113學年度第3學期") == true)
        #expect(error?.hint.contains("113-1") == true)
        #expect(error?.hint.contains("113學年度第1學期") == true)
    }

    @Test func academicYears() {
        #expect(TermInput.academicYear("113") == AcademicYear(113))
        #expect(TermInput.academicYear("113學年度") == AcademicYear(113))
        #expect(TermInput.academicYear("113 學年度") == AcademicYear(113))
        #expect(TermInput.academicYear("113-1") == nil)
        #expect(TermInput.academicYear("113學年度第1學期") == nil)
        #expect(TermInput.academicYear("0") == nil)
        #expect(TermInput.academicYear("") == nil)
    }
}
