import Crypto
import FolioTestSupport
import Foundation
import Testing

/// What `folio submit` hands to the central database: the 名冊 workbooks of Docs/receipts.md, read back with openpyxl
/// (`Tests/Workbook/read_workbook.py`), a reader folio has no part in. Sheet names, headers and cells are written out
/// here as the docs list them, not taken from folio's own layout.
@Suite struct NationalRosterTests {
    static let after = "2025-08-20T09:00"
    static let reader = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Workbook/read_workbook.py")

    /// Each sheet's rows as text (a number cell as its integer text; an empty cell as "").
    func sheets(_ path: String) throws -> [(name: String, rows: [[String]])] {
        let r = try ToolRunner.run("python3", [Self.reader.path, path], mergingErrors: true)
        guard r.status == 0 else { throw FolioHarnessError("read_workbook.py failed (\(r.status)): \(r.output)") }
        let book = try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any] ?? [:]
        return (book["sheets"] as? [[String: Any]] ?? []).map { sheet in
            let rows = (sheet["rows"] as? [[Any]] ?? []).map { row in
                row.map { cell -> String in
                    guard let cell = cell as? [String: Any] else { return "" }
                    if let s = cell["s"] as? String { return s }
                    if let n = cell["n"] as? NSNumber { return String(n.intValue) }
                    return ""
                }
            }
            return (sheet["name"] as? String ?? "", rows)
        }
    }

    func unpack(_ ws: SampleCopy, _ submission: String) throws -> String {
        let out = ws.scratch("unpacked-" + submission)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let r = try ToolRunner.run("tar", ["-xf", ws.path("submissions/\(submission).tar"), "-C", out], mergingErrors: true)
        #expect(r.status == 0, "\(r.output)")
        return out
    }

    func sha256(_ path: String) throws -> String {
        SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).map { String(format: "%02x", $0) }.joined()
    }

    @Test func registrationSubmitsTheStudentAndGradeRostersKeyedByNationalID() throws {
        let ws = try SampleCopy(now: Self.after)
        // The term's roster from the school system's Excel export: seat numbers (座號) come with it.
        expectSuccess(try ws.folio(as: "R01", ["roster", "import", "students", ws.path("roster/students.xlsx"), "--apply"]))
        expectSuccess(try ws.folio(as: "R01", ["record", "grade", "112002", "--term", "113-1", "--field", "subject=歷史",
                                               "--field", "credits=2", "--field", "score=59", "--field", "course=HIS-11A"]))
        expectSuccess(try ws.folio(as: "R01", ["submit", "--office", "registration", "--period", "113-1"]))
        let out = try unpack(ws, "registration-113-1-1")
        let students = try sheets(out + "/01_學業表現上傳資料/2_學生資料名冊.xlsx")
        #expect(students.map(\.name) == ["封面", "學生資料名冊"])
        #expect(students[0].rows == [["學校代碼", "學年度", "學期", "名冊別", "筆數"], ["999901", "113", "1", "學生資料名冊", "12"]])
        #expect(students[1].rows[0] == ["學校代碼", "學年度", "學期", "身分證號", "出生日期", "性別代碼", "年級", "班級名稱", "座號", "學籍狀態"])
        // 蔡佳穎 (F227184503): a woman (the ID's second digit 2), born 民國97年1月28日, seat 1 of class 201.
        #expect(students[1].rows.contains(["999901", "113", "1", "F227184503", "0970128", "2", "11", "201", "1", "在學"]), "\(students[1].rows)")
        #expect(students[1].rows.contains(["999901", "113", "1", "A104827366", "0951105", "1", "12", "301", "1", "在學"]))
        #expect(students[1].rows.count == 13)

        let grades = try sheets(out + "/01_學業表現上傳資料/3_學生成績名冊.xlsx")
        #expect(grades.map(\.name) == ["封面", "學生成績名冊"])
        #expect(grades[1].rows[0] == ["學校代碼", "學年度", "學期", "身分證號", "出生日期", "課程代碼", "科目名稱", "開課年級", "修課學分",
                                      "學期學業成績", "成績及格"])
        // 59 fails, the sample's 88 in physics passes.
        #expect(grades[1].rows.contains(["999901", "113", "1", "F227184503", "0970128", "HIS-11A", "歷史", "11", "2", "59", "0"]), "\(grades[1].rows)")
        #expect(grades[1].rows.contains { $0[3] == "A133906723" && $0[6] == "物理" && $0[9] == "88" && $0[10] == "1" }, "\(grades[1].rows)")

        // The index lists each workbook with the hash of its exact bytes, and the receipts name the workbook.
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/index.json"))) as? [String: Any] ?? [:]
        let files = index["files"] as? [[String: Any]] ?? []
        for path in ["01_學業表現上傳資料/2_學生資料名冊.xlsx", "01_學業表現上傳資料/3_學生成績名冊.xlsx"] {
            let entry = try #require(files.first { $0["path"] as? String == path }, "\(files)")
            #expect(entry["sha256"] as? String == (try sha256(out + "/" + path)))
        }
        let receipt = try #require((try ws.status("112002")["receipts"] as? [[String: Any]])?.first?["receipt"] as? [String: Any])
        let lines = receipt["lines"] as? [[String: Any]] ?? []
        let grade = try #require(lines.first { $0["category"] as? String == "grade" }, "\(lines)")
        #expect(grade["file"] as? String == "3_學生成績名冊.xlsx")
        // The receipt names the record by its hash; its values (a grade, a birth date) are not in it, since every
        // kiosk holds the receipts and none holds grades.
        #expect(lines.allSatisfy { $0["values"] == nil && $0["score"] == nil }, "\(lines)")
    }

    @Test func diverseAndCourseOutcomeRostersCarryEachCategorysSheetAndTheFiles() throws {
        let ws = try SampleCopy(now: Self.after)
        expectSuccess(try ws.folio(as: "D01", ["submit", "--office", "data", "--period", "113"]))
        expectSuccess(try ws.folio(as: "IT1", ["submit", "--office", "it", "--period", "113"]))
        let data = try unpack(ws, "data-113-1")
        let diverse = try sheets(data + "/02_非學業表現上傳資料/2_學生自填多元表現名冊.xlsx")
        #expect(diverse.map(\.name) == ["封面", "幹部經歷暨事蹟紀錄", "競賽參與紀錄", "檢定證照紀錄", "服務學習紀錄", "彈性學習時間",
                                        "自主學習紀錄", "團體活動時間", "職場學習", "作品成果", "大學及技專校院先修課程", "其他多元表現"])
        let competition = try #require(diverse.first { $0.name == "競賽參與紀錄" })
        #expect(competition.rows[0] == ["學校代碼", "學年度", "學期", "身分證號", "競賽名稱", "項目", "競賽等級", "獎項", "結果公布日期",
                                        "參與類型", "內容簡述", "證明文件", "影音檔案", "外部連結"])
        let row = try #require(competition.rows.dropFirst().first, "\(competition.rows)")
        #expect(Array(row.prefix(4)) == ["999901", "113", "1", "F220391859"] && row[4] == "校內科學展覽" && row[7] == "佳作", "\(row)")
        // The evidence column names the file as the package holds it, and the package holds it.
        #expect(row[11].hasPrefix("files/111002/") && row[11].hasSuffix("/science-fair-award.pdf"), "\(row)")
        #expect(FileManager.default.fileExists(atPath: data + "/" + row[11]))
        let cadre = try #require(diverse.first { $0.name == "幹部經歷暨事蹟紀錄" })
        #expect(cadre.rows == [["學校代碼", "學年度", "學期", "身分證號", "單位名稱", "擔任職務", "開始日期", "結束日期", "幹部等級",
                                "內容簡述", "證明文件", "影音檔案", "外部連結"]], "an empty sheet keeps its header")

        let it = try unpack(ws, "it-113-1")
        let outcomes = try sheets(it + "/01_學業表現上傳資料/7_學生課程學習成果名冊.xlsx")
        #expect(outcomes.map(\.name) == ["封面", "學期課程學習成果"])
        #expect(outcomes[1].rows[0] == ["學校代碼", "學年度", "學期", "身分證號", "出生日期", "實際修課學期", "課程代碼", "科目名稱", "開課年級",
                                        "修課學分", "成果簡述", "檔案名稱", "檔案大小", "檔案雜湊值"])
        let outcome = try #require(outcomes[1].rows.dropFirst().first)
        #expect(outcome[3] == "A133906723" && outcome[6] == "PHY-11A" && outcome[7] == "物理" && outcome[10] == "單擺週期與擺長關係實驗報告",
                "\(outcome)")
        #expect(outcome[13] == (try sha256(it + "/" + outcome[11])), "the hash column is the packaged file's")
    }

    @Test func theSameDataGivesTheSameWorkbookBytes() throws {
        let first = try SampleCopy(now: Self.after)
        let second = try SampleCopy(now: "2025-09-30T15:45")
        for ws in [first, second] {
            expectSuccess(try ws.folio(as: "D01", ["submit", "--office", "data", "--period", "113"]))
        }
        let path = "02_非學業表現上傳資料/2_學生自填多元表現名冊.xlsx"
        let a = try Data(contentsOf: URL(fileURLWithPath: try unpack(first, "data-113-1") + "/" + path))
        let b = try Data(contentsOf: URL(fileURLWithPath: try unpack(second, "data-113-1") + "/" + path))
        #expect(a == b && a.count > 1000, "submitted six weeks apart, the same workbook")
    }
}
