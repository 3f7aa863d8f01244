import Testing
@testable import FolioCore

/// Dates as people type them. Expected days follow the ROC calendar's definition (民國 N is N + 1911) and the
/// Gregorian leap-year rule, worked out by hand, not by the code under test.
@Suite struct DateInputTests {
    static let eighthOfJanuary2025 = CivilDate(year: 2025, month: 1, day: 8)!

    @Test(arguments: ["2025-01-08", "114/01/08", "114-01-08", "114.01.08", "1140108", "114/1/8", "114.1.8",
                      "民國114年1月8日", "民國114年01月08日", "民國 114 年 1 月 8 日", "114年1月8日", "民國114年1月8",
                      "中華民國114年1月8日", "民國114/01/08", "西元2025年1月8日", "2025/01/08", " 114/01/08 ",
                      "１１４／０１／０８", "１１４年１月８日"])
    func readsTheEighthOfJanuary2025(text: String) {
        #expect(DateInput.date(text) == Self.eighthOfJanuary2025, "\(text)")
    }

    /// The dates on which the school's rules were adopted, as the rules themselves write them.
    @Test func readsTheSchoolRulesOwnDates() {
        #expect(DateInput.date("中華民國 107 年 06 月 29 日") == CivilDate(year: 2018, month: 6, day: 29))
        #expect(DateInput.date("中華民國 111 年 6 月 30 日") == CivilDate(year: 2022, month: 6, day: 30))
    }

    @Test func leapDaysFollowTheGregorianYear() {
        #expect(DateInput.date("113/02/29") == CivilDate(year: 2024, month: 2, day: 29))
        #expect(DateInput.date("民國113年2月29日") == CivilDate(year: 2024, month: 2, day: 29))
        // 民國89年 is 2000, a leap year by the 400-year rule; 民國189年 is 2100, which is not.
        #expect(DateInput.date("89/02/29") == CivilDate(year: 2000, month: 2, day: 29))
        #expect(DateInput.date("189/02/29") == nil)
        #expect(DateInput.date("112/02/29") == nil)
        #expect(DateInput.date("民國114年2月29日") == nil)
    }

    @Test func rocYearsRunFromOneToNineHundredNinetyNine() {
        #expect(DateInput.date("民國1年1月1日") == CivilDate(year: 1912, month: 1, day: 1))
        #expect(DateInput.date("1/1/1") == CivilDate(year: 1912, month: 1, day: 1))
        #expect(DateInput.date("民國999年12月31日") == CivilDate(year: 2910, month: 12, day: 31))
        #expect(DateInput.date("0010101") == CivilDate(year: 1912, month: 1, day: 1))
        #expect(DateInput.date("民國0年1月1日") == nil)
        #expect(DateInput.date("0/01/01") == nil)
        #expect(DateInput.date("0000101") == nil)
        #expect(DateInput.date("民國1000年1月1日") == nil)
    }

    /// A four-digit year is Gregorian and a shorter one ROC; naming the calendar must agree with that.
    @Test func theYearsLengthSaysWhichCalendar() {
        #expect(DateInput.date("0114-01-08") == CivilDate(year: 114, month: 1, day: 8))
        #expect(DateInput.date("民國2025年1月8日") == nil)
        #expect(DateInput.date("西元114年1月8日") == nil)
        #expect(DateInput.date("西元1140108") == nil)
    }

    @Test(arguments: ["", "114", "114/01", "114/01/08/01", "114/01-08", "114年1月", "1月8日114年", "114//08",
                      "114/13/01", "114/00/10", "114/01/32", "114/001/08", "20250108", "11401080", "-114/01/08",
                      "114/01/08 10:00", "民國", "yesterday", "一一四年一月八日"])
    func refusesWhatIsNotADay(text: String) {
        #expect(DateInput.date(text) == nil, "\(text)")
    }

    @Test func refusalsSayWhatIsAccepted() {
        let shapeless = refusal { () throws(FolioError) in try DateInput.parse("114/01") }
        #expect(shapeless?.code == .badDate)
        #expect(shapeless?.message.contains("114/01") == true)
        for form in ["2025-01-08", "114/01/08", "114-01-08", "114.01.08", "民國114年1月8日"] {
            #expect(shapeless?.hint.contains(form) == true, "the hint should show \(form)")
        }
        let noSuchDay = refusal { () throws(FolioError) in try DateInput.parse("114/02/29") }
        #expect(noSuchDay?.code == .badDate)
        #expect(noSuchDay?.what.text(.en).contains("not a day in the calendar") == true)
        #expect(noSuchDay?.message == "「114/02/29」不是日曆上有的日子。")
        #expect(noSuchDay?.hint.contains("2025") == true, "the hint should say which Gregorian year 民國114年 is")
    }

    @Test func windowsAreTwoDatesInAnyForm() throws {
        let w = try DateInput.window("113/09/02:2025-02-05")
        #expect(w.from == CivilDate(year: 2024, month: 9, day: 2))
        #expect(w.to == CivilDate(year: 2025, month: 2, day: 5))
        #expect(try DateInput.window("民國113年9月2日：民國114年2月5日").to == CivilDate(year: 2025, month: 2, day: 5))
        #expect(refusal { () throws(FolioError) in try DateInput.window("113/09/02") }?.code == .badDate)
        #expect(refusal { () throws(FolioError) in try DateInput.window("113/09/02:114/02/30") }?.code == .badDate)
    }
}
