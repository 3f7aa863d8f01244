import FolioTestSupport
import Foundation
import Testing

/// `folio roster import` reads an Excel workbook (.xlsx) as it reads the CSV file saved from it: the sample's own
/// rosters as workbooks change nothing, a new student on a workbook's row is registered and reported by that row,
/// `--sheet` chooses the sheet; an old .xls, a damaged zip and a zip bomb are refused and change nothing.
@Suite struct ExcelRosterTests {
    static let chinese = ["LANG": ""]

    private func roster(_ ws: SampleCopy, _ file: String, _ extra: [String] = [], kind: String = "students",
                        env: [String: String] = [:]) throws -> FolioResult {
        try ws.folio(as: "R01", ["roster", "import", kind, file] + extra, env: env)
    }

    @Test func theSamplesRostersAsWorkbooksChangeNothing() throws {
        let ws = try SampleCopy()
        let before = try ws.snapshot()
        let students = expectSuccess(try roster(ws, try ExcelWorkbooks.path("students.xlsx"), ["--apply"]))
        #expect(students.stdout.contains("Read students.xlsx (sheet 學生名冊): 12 students."), "\(students)")
        #expect(students.stdout.contains("No changes: all 12 students in students.xlsx (sheet 學生名冊) are registered exactly as the file says."),
                "\(students)")
        let second = expectSuccess(try roster(ws, try ExcelWorkbooks.path("two-sheets.xlsx"), ["--sheet", "學生"]))
        #expect(second.stdout.contains("No changes: all 12 students in two-sheets.xlsx (sheet 學生)"), "\(second)")
        let staff = expectSuccess(try roster(ws, try ExcelWorkbooks.path("staff.xlsx"), kind: "staff"))
        #expect(staff.stdout.contains("No changes: every staff member in staff.xlsx (sheet Sheet) is recorded"), "\(staff)")
        let courses = expectSuccess(try roster(ws, try ExcelWorkbooks.path("courses.xlsx"), kind: "courses"))
        #expect(courses.stdout.contains("No changes: every course in courses.xlsx (sheet Sheet) is recorded"), "\(courses)")
        #expect(try ws.snapshot() == before)
    }

    @Test func aWorkbookImportsAsItsCSVTwin() throws {
        let fromExcel = try SampleCopy()
        let fromCSV = try SampleCopy()
        let json = ["--json"]
        let excel = expectSuccess(try roster(fromExcel, try ExcelWorkbooks.path("students-new.xlsx"), json))
        // The workbook's CSV twin: the same rows, the new student last.
        let twin = fromCSV.scratch("students-new.csv")
        var text = try String(contentsOfFile: try ExcelWorkbooks.path("students.csv"), encoding: .utf8)
        text += "113030,王小明,A123456001,2009-01-01,103,10,臺北市虛構區範例路1號,在學,\r\n"
        try text.write(toFile: twin, atomically: true, encoding: .utf8)
        let csv = expectSuccess(try roster(fromCSV, twin, json))
        func entries(_ r: FolioResult) throws -> [String] {
            let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
            return (object["added"] as? [[String: Any]] ?? []).map { "\($0["id"] ?? "") \($0["name"] ?? "")" }
                + ["unchanged \(object["unchanged"] ?? "")", "rows \(object["rows"] ?? "")"]
        }
        #expect(try entries(excel) == ["113030 王小明", "unchanged 12", "rows 13"], "\(excel)")
        #expect(try entries(excel) == entries(csv))
        #expect(excel.stdout.contains("\"sheet\" : \"學生名冊\"") || excel.stdout.contains("\"sheet\": \"學生名冊\""), "\(excel)")
        // Applied, both give the new student the same registration.
        let applied = expectSuccess(try roster(fromExcel, try ExcelWorkbooks.path("students-new.xlsx"), ["--apply"]))
        // Excel's row number: 12 students, an empty row among them, the header on row 1.
        #expect(applied.stdout.contains("New students (1):\n  line 15  113030  王小明  class 103, grade 10"), "\(applied)")
        expectSuccess(try roster(fromCSV, twin, ["--apply"]))
        let a = try fromExcel.status("113030").object("student"), b = try fromCSV.status("113030").object("student")
        #expect(a?.string("name") == "王小明" && a?.string("birthDate") == b?.string("birthDate") && a?.string("className") == "103")
        #expect(NSDictionary(dictionary: a ?? [:]) == NSDictionary(dictionary: b ?? [:]))
        try expectVerifies(fromExcel, "after the workbook")
    }

    @Test func officeRecordsFromASecondSheetImportAsTheirCSVTwin() throws {
        let fromExcel = try SampleCopy()
        let fromCSV = try SampleCopy()
        let excel = expectSuccess(try fromExcel.folio(as: "R01", ["record", "grade", "--csv", try ExcelWorkbooks.path("grades.xlsx"),
                                                                  "--sheet", "成績"]))
        let csv = expectSuccess(try fromCSV.folio(as: "R01", ["record", "grade", "--csv", try ExcelWorkbooks.path("grades.csv")]))
        #expect(excel.stdout == csv.stdout && excel.stdout.contains("2"), "\(excel)\n\(csv)")
        for student in ["112001", "112002"] {
            let a = try fromExcel.status(student), b = try fromCSV.status(student)
            #expect(NSDictionary(dictionary: a) == NSDictionary(dictionary: b), "\(student): \(a)\n\(b)")
        }
        let records = String(decoding: try JSONSerialization.data(withJSONObject: try fromExcel.status("112002")), as: UTF8.self)
        #expect(records.contains("87.5") && records.contains("物理"), "\(records)")
        // The first sheet is a cover without the columns: refused, naming the sheet.
        let before = try fromExcel.snapshot()
        try expectRefused(try fromExcel.folio(as: "R01", ["record", "grade", "--csv", try ExcelWorkbooks.path("grades.xlsx")]),
                          naming: ["grades.xlsx (sheet 封面) has no column 學號"], workspace: fromExcel, unchangedFrom: before)
    }

    @Test func aBadRowIsNamedBySheetAndExcelRow() throws {
        let ws = try SampleCopy()
        let before = try ws.snapshot()
        let path = try ExcelWorkbooks.path("students-bad.xlsx")
        let r = try roster(ws, path, ["--apply"])
        try expectRefused(r, naming: ["students-bad.xlsx (sheet 學生名冊), row 8:"], workspace: ws, unchangedFrom: before)
        let zh = try roster(ws, path, ["--apply"], env: Self.chinese)
        try expectRefusedInChinese(zh, naming: ["students-bad.xlsx 工作表「學生名冊」第 8 列："], workspace: ws, unchangedFrom: before)
    }

    @Test func anXlsFileIsRefusedInBothLanguagesAndChangesNothing() throws {
        let ws = try SampleCopy()
        let xls = ws.scratch("學生名冊.xls")
        try Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 1016)).write(to: URL(fileURLWithPath: xls))
        let before = try ws.snapshot()
        try expectRefused(try roster(ws, xls, ["--apply"]),
                          naming: ["學生名冊.xls is an old Excel workbook (.xls", "Save As", "Excel Workbook (*.xlsx)", "CSV UTF-8"],
                          workspace: ws, unchangedFrom: before)
        try expectRefusedInChinese(try roster(ws, xls, ["--apply"], env: Self.chinese),
                          naming: ["學生名冊.xls 是舊版 Excel 活頁簿（.xls", "另存新檔", "CSV UTF-8"], workspace: ws, unchangedFrom: before)
    }

    @Test func aDamagedWorkbookAndAZipBombAreRefusedAndChangeNothing() throws {
        let ws = try SampleCopy()
        let whole = try Data(contentsOf: URL(fileURLWithPath: try ExcelWorkbooks.path("students-new.xlsx")))
        let cut = ws.scratch("students.xlsx")
        try whole.prefix(whole.count - 200).write(to: URL(fileURLWithPath: cut))
        let before = try ws.snapshot()
        try expectRefused(try roster(ws, cut, ["--apply"]), naming: ["students.xlsx: This Excel workbook is damaged"],
                          workspace: ws, unchangedFrom: before)
        try expectRefused(try roster(ws, try ExcelWorkbooks.path("bomb.xlsx"), ["--apply"]),
                          naming: ["bomb.xlsx (sheet 資料): The workbook's xl/worksheets/data.xml grows beyond 64 MB", "zip bomb"],
                          workspace: ws, unchangedFrom: before)
        try expectRefused(try roster(ws, try ExcelWorkbooks.path("two-sheets.xlsx"), ["--sheet", "Sheet9", "--apply"]),
                          naming: ["no sheet named \"Sheet9\"", "“說明”, “學生”"], workspace: ws, unchangedFrom: before)
    }

    /// `expectRefused` for a refusal in Chinese (錯誤： and 提示： lines).
    private func expectRefusedInChinese(_ r: FolioResult, naming words: [String], workspace ws: SampleCopy, unchangedFrom before: TreeSnapshot,
                                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(!r.signalled && r.status == 1, "expected exit 1: \(r)", sourceLocation: sourceLocation)
        #expect(r.stderr.hasPrefix("錯誤："), "no error line: \(r)", sourceLocation: sourceLocation)
        for word in words {
            #expect(r.stderr.contains(word), "the message should say \(word): \(r.stderr)", sourceLocation: sourceLocation)
        }
        #expect(try ws.snapshot() == before, sourceLocation: sourceLocation)
    }
}
