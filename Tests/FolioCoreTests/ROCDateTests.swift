import Testing
@testable import FolioCore

@Suite struct ROCDateTests {
    @Test(arguments: ["1130901", "113/09/01", "113-09-01", "113/9/1", "113-9-01"])
    func parsesSchoolForms(text: String) {
        #expect(ROCDate(text)?.date == CivilDate(year: 2024, month: 9, day: 1))
    }

    @Test func twoDigitYears() {
        let date = CivilDate(year: 2006, month: 3, day: 15)
        #expect(ROCDate("0950315")?.date == date)
        #expect(ROCDate("950315")?.date == date)
        #expect(ROCDate("95/03/15")?.date == date)
        #expect(ROCDate(date!)?.text == "0950315")
    }

    @Test func formatsSevenDigits() {
        #expect(ROCDate(CivilDate(year: 2024, month: 9, day: 1)!)?.text == "1130901")
        #expect(ROCDate(CivilDate(year: 1912, month: 1, day: 1)!)?.text == "0010101")
        #expect(ROCDate(CivilDate(year: 1911, month: 12, day: 31)!) == nil)
        #expect(ROCDate(CivilDate(year: 2911, month: 1, day: 1)!) == nil)
        #expect(ROCDate("1130901")?.rocYear == 113)
    }

    @Test(arguments: ["1130230", "1131301", "1130001", "1130900", "0000101", "1120229", "113/9/31",
                      "", "113090", "11309011", "113.09.01", "113/09-01", "113//0901", "A130901", "-113/09/01",
                      "1130901 ", "１１３０９０１"])
    func refusesImpossibleOrMalformed(text: String) {
        #expect(ROCDate(text) == nil)
    }

    @Test func leapDay() {
        #expect(ROCDate("1130229")?.date == CivilDate(year: 2024, month: 2, day: 29))
    }

    @Test func roundTrips() {
        for text in ["0010101", "0891231", "1130901", "1150731"] {
            #expect(ROCDate(text)?.text == text)
        }
    }
}
