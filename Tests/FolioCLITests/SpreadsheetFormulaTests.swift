import FolioCore
import FolioTestSupport
import Foundation
import Testing

/// Text that students and staff type reaches the CSVs and workbooks folio writes; a spreadsheet must show it, never run it.
@Suite struct SpreadsheetFormulaTests {
    static let formula = #"=HYPERLINK("http://x","y")"#

    /// The rows of a CSV folio wrote, read with folio's own RFC 4180 reader.
    func table(_ path: String) throws -> CSVTable {
        try CSVTable.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test func descriptionTypedAsAFormulaReachesTheSubmissionWorkbookAsText() throws {
        let ws = try SampleCopy()
        let id = try ws.upload(student: "112002", category: "works", description: Self.formula,
                               assets: ["art-poster.png"], fields: ["name": "海報"], now: "2025-01-08T13:01")
        expectSuccess(try ws.folio(as: "112002", ["select", "112002", id], now: "2025-01-08T13:02"))
        expectSuccess(try ws.folio(as: "D01", ["submit", "--office", "data", "--period", "113"], now: SubmissionTests.after))

        let out = ws.scratch("unpacked")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let tar = try ToolRunner.run("tar", ["-xf", ws.path("submissions/data-113-1.tar"), "-C", out])
        #expect(tar.status == 0, "\(tar.output)")
        let book = out + "/02_非學業表現上傳資料/2_學生自填多元表現名冊.xlsx"
        // The description is a shared string of the workbook, and no sheet holds a formula.
        let strings = try ToolRunner.run("bsdtar", ["-xOf", book, "xl/sharedStrings.xml"])
        #expect(strings.status == 0 && (strings.output.contains(Self.formula)
                                        || strings.output.contains("=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)")), "\(strings.output)")
        let sheets = try ToolRunner.run("bsdtar", ["-xOf", book, "xl/worksheets/*.xml"])
        #expect(sheets.status == 0 && sheets.output.contains("<sheetData>") && !sheets.output.contains("<f>"), "no formula in any sheet")
    }

    @Test func courseNameTypedAsAFormulaIsWrittenToTheReportCSVAsText() throws {
        let ws = try SampleCopy()
        // PHY-11A has an item of 112020 waiting for T001, so it is a row of the uncertified report.
        expectSuccess(try ws.folio(as: "I01", ["course", "add", "PHY-11A", "--name", Self.formula, "--term", "113-1",
                                               "--teacher", "T001"]))
        let path = ws.scratch("uncertified.csv")
        expectSuccess(try ws.folio(["report", "uncertified", "--csv", path]))
        let csv = try table(path)
        let column = try #require(csv.column(named: ["課程名稱"]))
        let row = try #require(csv.rows.first { $0.contains("PHY-11A") }, "\(csv.rows)")
        #expect(row[column] == "'" + Self.formula)
    }
}
