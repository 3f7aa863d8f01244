import FolioTestSupport
import Foundation
import Testing

/// Categories, courses, terms and dates typed the way people at a Taiwanese school write them, through the
/// built binary on a copy of the sample. Expected codes come from the sample's roster (roster/courses.csv:
/// 物理 in 113-1 is PHY-11A) and the catalog's table; expected days from 民國 N = N + 1911.
@Suite struct ChineseInputTests {
    @Test func uploadsByChineseCategoryCourseNameAndSchoolTerm() throws {
        let ws = try SampleCopy()
        let lab = try ws.upload(student: "112002", category: "課程學習成果", term: "113學年度第1學期", course: "物理",
                                description: "單擺週期實驗報告", assets: ["physics-lab-report.pdf"])
        let item = try ws.item("112002", lab)
        #expect(item.string("category") == "course-outcome")
        #expect(item.string("course") == "PHY-11A")
        #expect(item.string("courseName") == "物理")
        #expect(item.string("term") == "113-1")

        let service = try ws.upload(student: "112002", category: "志工服務", term: "113 學年度 第 1 學期",
                                    description: "社區圖書館寒假志工", assets: ["volunteer-certificate.pdf"],
                                    fields: ["name": "社區圖書館志工"])
        #expect(try ws.item("112002", service).string("category") == "volunteer")
        #expect(try ws.item("112002", service).string("term") == "113-1")

        // The teacher certifies by the course's code in lower case.
        expectSuccess(try ws.folio(as: "T001", ["certify", "--all", "--course", "phy-11a"]))
        #expect(try ws.item("112002", lab).string("status") == "certified")
        try expectVerifies(ws, "after uploads typed in Chinese")
    }

    @Test func calendarByROCDatesAndSchoolTerm() throws {
        let ws = try SampleCopy()
        expectSuccess(try ws.folio(as: "D01", [
            "calendar", "set", "--term", "113學年度第二學期", "--start", "114/02/11", "--end", "民國114年7月31日",
            "--closing", "114.06.30", "--upload", "114/02/24:114-07-10", "--certify", "1140224:2025-07-18",
            "--select", "民國114年6月20日:114/07/18"]))
        let r = expectSuccess(try ws.folio(["schedule", "--term", "113學年度第2學期", "--json"]))
        let schedule = try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
        #expect(schedule.string("term") == "113-2")
        let windows = (schedule["windows"] as? [[String: Any]] ?? []).compactMap { $0.string("window") }
        #expect(windows == ["2025-02-24 to 2025-07-10", "2025-02-24 to 2025-07-18", "2025-06-20 to 2025-07-18"])
        try expectVerifies(ws, "after a calendar typed in ROC dates")
    }

    @Test func aCourseNameTwoCoursesShareIsRefusedWithTheirCodes() throws {
        let ws = try SampleCopy()
        expectSuccess(try ws.folio(as: "I01", ["course", "add", "HIS-11B", "--name", "歷史", "--term", "113學年度第1學期",
                                               "--teacher", "T002"]))
        let before = try ws.snapshot()
        let upload = SampleCopy.addArguments(student: "112002", category: "課程學習成果", term: "113-1", course: "歷史",
                                             description: "日治時期教育報告", files: [ws.asset("history-essay.pdf")])
        try expectRefused(try ws.folio(as: "112002", upload), naming: ["歷史", "HIS-11A", "HIS-11B"],
                          workspace: ws, unchangedFrom: before)
        // Without a term, 物理 is PHY-11A (113-1) or PHY-11B (113-2).
        try expectRefused(try ws.folio(as: "T001", ["certify", "--all", "--course", "物理"]), naming: ["PHY-11A", "PHY-11B"],
                          workspace: ws, unchangedFrom: before)
    }

    @Test func badValuesAreRefusedWithWhatIsAccepted() throws {
        let ws = try SampleCopy()
        let before = try ws.snapshot()
        func add(category: String = "課程學習成果", term: String = "113-1", course: String = "物理") throws -> FolioResult {
            try ws.folio(as: "112002", SampleCopy.addArguments(student: "112002", category: category, term: term, course: course,
                                                              description: "報告", files: [ws.asset("physics-lab-report.pdf")]))
        }
        try expectRefused(try add(category: "課程"), naming: ["not an item category", "課程學習成果 (course-outcome)", "志工服務 (volunteer)"],
                          workspace: ws, unchangedFrom: before)
        try expectRefused(try add(term: "113學年度第3學期"), naming: ["not a term", "113學年度第1學期", "113-1"],
                          workspace: ws, unchangedFrom: before)
        try expectRefused(try add(course: "化學"), naming: ["no course 化學 in 113-1", "PHY-11A 物理"],
                          workspace: ws, unchangedFrom: before)
        try expectRefused(try ws.folio(as: "D01", ["activity", "add", "--kind", "workshop", "--date", "114/02/29", "--title", "研習"]),
                          naming: ["not a day in the calendar", "2025"], workspace: ws, unchangedFrom: before)
        try expectRefused(try ws.folio(as: "D01", ["activity", "add", "--kind", "workshop", "--date", "114/2", "--title", "研習"]),
                          naming: ["not a date", "民國114年1月8日", "114/01/08"], workspace: ws, unchangedFrom: before)
    }
}
