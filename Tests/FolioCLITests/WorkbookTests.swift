import FolioCore
import FolioTestSupport
import Foundation
import Testing

/// `--xlsx`: the reports and the school's status as Excel workbooks, written by the built binary on a copy of the
/// sample and read back with openpyxl (`Tests/Workbook/read_workbook.py`), a reader folio has no part in. Each
/// report's workbook holds what its CSV twin holds, cell for cell: text as text, counts as numbers.
@Suite struct WorkbookTests {
    static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let reader = package.appendingPathComponent("Tests/Workbook/read_workbook.py")
    static let after = "2025-08-20T09:00"

    // MARK: What openpyxl read

    enum Value: Decodable, Equatable, CustomStringConvertible {
        case text(String)
        case number(Double)

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            if let s = try c.decodeIfPresent(String.self, forKey: .s) { self = .text(s) } else { self = .number(try c.decode(Double.self, forKey: .n)) }
        }

        enum Key: String, CodingKey { case s, n }
        var description: String {
            switch self {
            case .text(let s): "\"\(s)\""
            case .number(let n): "\(n)"
            }
        }
    }

    struct Sheet: Decodable {
        var name: String
        var rows: [[Value?]]
        var freeze: String?
        var widths: [String: Double]
        var boldHeader: [Bool]
        var filter: String?
    }

    struct Book: Decodable {
        var title: String?
        var created: String?
        var sheets: [Sheet]
    }

    func read(_ path: String) throws -> Book {
        let r = try ToolRunner.run("python3", [Self.reader.path, path], mergingErrors: true)
        guard r.status == 0 else { throw FolioHarnessError("read_workbook.py failed (\(r.status)): \(r.output)") }
        return try JSONDecoder().decode(Book.self, from: Data(r.output.utf8))
    }

    func csv(_ path: String) throws -> CSVTable {
        try CSVTable.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// A cell as the workbook should hold it: a number in a count column, no cell for an empty string, else text.
    static func expected(_ text: String, count: Bool) -> Value? {
        if text.isEmpty { return nil }
        if count, let n = Int(text) { return .number(Double(n)) }
        return .text(text)
    }

    /// Excel's column letter of a zero-based column index (A…Z, then AA…).
    static func letter(_ index: Int) -> String {
        var n = index + 1, out = ""
        while n > 0 { out = String(UnicodeScalar(UInt8(65 + (n - 1) % 26))) + out; n = (n - 1) / 26 }
        return out
    }

    /// How wide a column of these cells should be: two for a wide (East Asian) character, room of two, at least 6,
    /// at most 60. libxlsxwriter rounds a width up to whole pixels, so the file holds a little more.
    static func width(_ cells: [String]) -> Double {
        let widest = cells.map { $0.reduce(0) { sum, c in
            let v = c.unicodeScalars.first!.value
            return sum + ((0x2E80...0x9FFF).contains(v) || (0xFF00...0xFF60).contains(v) || (0xAC00...0xD7A3).contains(v) ? 2 : 1)
        } }.max() ?? 0
        return min(max(Double(widest) + 2, 6), 60)
    }

    /// The sheet's layout: bold header, panes frozen below it, a filter over it, every column's width set from
    /// its content.
    func expectLayout(_ sheet: Sheet, columns: [[String]], _ what: String) {
        #expect(sheet.freeze == "A2", "\(what): panes frozen below the header")
        #expect(!sheet.boldHeader.isEmpty && sheet.boldHeader.allSatisfy { $0 }, "\(what): the header is bold")
        #expect(sheet.filter?.hasPrefix("A1:") == true, "\(what): a filter over the header, \(sheet.filter ?? "none")")
        for (i, cells) in columns.enumerated() {
            let want = Self.width(cells)
            let got = sheet.widths[Self.letter(i)] ?? 0
            #expect(got >= want && got < want + 1, "\(what): column \(Self.letter(i)) is \(got) wide, \(want) wanted for \(cells.prefix(3))")
        }
    }

    // MARK: Reports

    /// Each report as a workbook and as CSV from the same workspace: the same title, header and rows.
    @Test(arguments: [
        ("uncertified", [] as [String], [6]),
        ("selections", ["--year", "113"], [5]),
        ("confirmations", [], []),
    ])
    func reportWorkbookHoldsWhatItsCSVTwinHolds(_ which: String, _ options: [String], _ counts: [Int]) throws {
        let ws = try SampleCopy(now: Self.after)
        // A submission gives the confirmations report its lines (receipts not yet answered).
        expectSuccess(try ws.folio(as: "D01", ["submit", "--office", "data", "--period", "113"]))
        let title = try #require(try JSONSerialization.jsonObject(
            with: expectSuccess(try ws.folio(["report", which, "--json"] + options)).stdoutData) as? [String: Any])["title"] as? String
        let before = try ws.snapshot()
        let csvPath = ws.scratch("\(which).csv"), xlsxPath = ws.scratch("\(which).xlsx")
        expectSuccess(try ws.folio(["report", which, "--csv", csvPath] + options))
        let said = expectSuccess(try ws.folio(["report", which, "--xlsx", xlsxPath] + options))
        #expect(said.stdout.contains(xlsxPath), "\(said)")
        #expect(try ws.snapshot() == before, "a report must not change the workspace")

        let twin = try csv(csvPath)
        #expect(which == "confirmations" || twin.rows.count > 0, "the sample has lines for \(which)")
        let book = try read(xlsxPath)
        #expect(book.title == title)
        #expect(book.sheets.map(\.name) == [try #require(title)])
        let sheet = try #require(book.sheets.first)
        #expect(sheet.rows.first == twin.header.map { Value.text($0) }, "header \(sheet.rows.first ?? [])")
        let rows = Array(sheet.rows.dropFirst())
        #expect(rows.count == twin.rows.count)
        for (got, want) in zip(rows, twin.rows) {
            let expected = want.enumerated().map { Self.expected($1, count: counts.contains($0)) }
            // openpyxl ends a row at the sheet's last column; trailing empty cells read as nil either way.
            #expect(got + Array(repeating: nil, count: max(0, expected.count - got.count)) == expected, "row \(got) for \(want)")
        }
        // Student numbers and codes stay text even where they are all digits.
        if which == "selections" {
            #expect(rows.allSatisfy { if case .text = $0[0] { true } else { false } }, "學號 as text")
            #expect(rows.allSatisfy { $0[3] == .text("113") }, "學年度 as text")
        }
        expectLayout(sheet, columns: twin.header.indices.map { i in [twin.header[i]] + twin.rows.map { $0[i] } }, which)
    }

    // MARK: Status

    /// `folio status --xlsx`: one line per student as `folio status --json` lists them, with the same filters.
    @Test(arguments: [[], ["--class", "201"], ["--teacher", "T001", "--state", "uploaded"]])
    func statusWorkbookHoldsALinePerStudent(_ filter: [String]) throws {
        let ws = try SampleCopy()
        let json = try #require(try JSONSerialization.jsonObject(
            with: expectSuccess(try ws.folio(["status", "--json"] + filter)).stdoutData) as? [String: Any])
        let students = try #require(json["students"] as? [[String: Any]])
        #expect(!students.isEmpty, "\(filter) keeps some students")
        let path = ws.scratch("status.xlsx")
        let said = expectSuccess(try ws.folio(["status", "--xlsx", path] + filter))
        #expect(said.stdout.contains(path) && said.stdout.contains("\(students.count)"), "\(said)")

        let book = try read(path)
        let sheet = try #require(book.sheets.first)
        #expect(book.sheets.map(\.name) == ["全校狀況"])
        let header = ["學號", "姓名", "班級", "狀態", "成果", "已認證", "待認證", "已退回", "已勾選課程學習成果", "已勾選多元表現", "衝突"]
        #expect(sheet.rows.first == header.map { Value.text($0) })
        let states = ["enrolled": "在學", "left": "離校", "graduated": "畢業", "transferred": "轉出", "unregistered": "未註冊"]
        let expected: [[Value?]] = students.map { s in
            let text = { (key: String) -> Value? in (s[key] as? String).flatMap { $0.isEmpty ? nil : .text($0) } }
            let number = { (key: String) -> Value? in .number(Double(s[key] as? Int ?? -1)) }
            return [text("number"), text("name"), text("className"), .text(states[s["status"] as? String ?? ""] ?? "?"),
                    number("uploaded"), number("certified"), number("pending"), number("rejected"),
                    number("selectedCourse"), number("selectedDiverse"), number("conflicts")]
        }
        #expect(Array(sheet.rows.dropFirst()) == expected)
        let shown: [[String]] = students.map { s in
            [s["number"], s["name"], s["className"]].map { $0 as? String ?? "" }
                + [states[s["status"] as? String ?? ""] ?? "?"]
                + ["uploaded", "certified", "pending", "rejected", "selectedCourse", "selectedDiverse", "conflicts"].map { "\(s[$0] as? Int ?? 0)" }
        }
        expectLayout(sheet, columns: header.indices.map { i in [header[i]] + shown.map { $0[i] } }, "status \(filter)")
    }

    /// Tests read folio in English (FolioRunner sets LANG): the workbook is Chinese all the same.
    @Test func statusWorkbookHeadersStayChineseInEnglish() throws {
        let ws = try SampleCopy()
        let path = ws.scratch("status-en.xlsx")
        let said = expectSuccess(try ws.folio(["status", "--xlsx", path]))
        #expect(said.stdout.contains("as an Excel workbook to \(path)"), "\(said)")
        let sheet = try #require(try read(path).sheets.first)
        #expect(sheet.name == "全校狀況" && sheet.rows.first?.first == .text("學號"))
    }

    // MARK: The same bytes, or none

    /// The same data gives the same file: no clock inside (the document's creation time is fixed), written a
    /// second later and under another clock.
    @Test func theSameReportWrittenTwiceIsTheSameBytes() throws {
        let ws = try SampleCopy()
        for args in [["report", "uncertified"], ["report", "selections", "--year", "113"], ["status"]] {
            let first = ws.scratch("first.xlsx"), second = ws.scratch("second.xlsx")
            expectSuccess(try ws.folio(args + ["--xlsx", first]))
            Thread.sleep(forTimeInterval: 1.1)
            expectSuccess(try ws.folio(args + ["--xlsx", second]))
            let a = try Data(contentsOf: URL(fileURLWithPath: first)), b = try Data(contentsOf: URL(fileURLWithPath: second))
            #expect(a.count > 1000 && a == b, "\(args): \(a.count) and \(b.count) bytes, different")
            #expect(a.prefix(2) == Data("PK".utf8), "a zip container")
            let book = try read(first)
            #expect(book.created?.hasPrefix("2000-01-01T00:00:00") == true, "the fixed creation time: \(book.created ?? "none")")
            // Written over: the file is replaced whole.
            expectSuccess(try ws.folio(args + ["--xlsx", first]))
            #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == a)
        }
    }

    /// A path that cannot be written is refused with the catalog's words, in both languages, and leaves
    /// nothing there (no half-written workbook, no temporary file).
    @Test func anUnwritablePathIsRefusedAndNothingIsWritten() throws {
        let ws = try SampleCopy()
        let plain = ws.scratch("plain-file")
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: plain))
        let missing = ws.scratch("no-such-folder")
        let scratchBefore = SampleCopy.listing(ws.base.path)
        let before = try ws.snapshot()
        for (args, target) in [(["report", "uncertified"], plain + "/u.xlsx"), (["status"], missing + "/s.xlsx")] {
            let zh = try ws.folio(args + ["--xlsx", target, "--lang", "zh-TW"])
            #expect(zh.status != 0)
            #expect(zh.stderr.contains("沒有寫成 Excel 檔 \(target)") && zh.stderr.contains("請確認資料夾存在"), "\(zh.stderr)")
            let en = try ws.folio(args + ["--xlsx", target])
            #expect(en.status != 0)
            #expect(en.stderr.contains("The Excel workbook \(target) was not written") && en.stderr.contains("Check that the folder exists"),
                    "\(en.stderr)")
        }
        #expect(SampleCopy.listing(ws.base.path) == scratchBefore, "nothing was written next to the workspace")
        #expect(try String(contentsOfFile: plain, encoding: .utf8) == "not a folder")
        #expect(try ws.snapshot() == before)

        // One student's status is not a table: refused, naming what to do instead.
        let one = try ws.folio(["status", "112001", "--xlsx", ws.scratch("one.xlsx")])
        #expect(one.status != 0 && one.stderr.contains("112001") && one.stderr.contains("--xlsx"), "\(one.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.scratch("one.xlsx")))
    }

    /// Text typed as a formula reaches the workbook as the same text in a string cell, which Excel never runs
    /// (the CSV needs a quote in front; a workbook says what a cell is).
    @Test func courseNameTypedAsAFormulaIsAStringCell() throws {
        let ws = try SampleCopy()
        let formula = #"=HYPERLINK("http://x","y")"#
        expectSuccess(try ws.folio(as: "I01", ["course", "add", "PHY-11A", "--name", formula, "--term", "113-1", "--teacher", "T001"]))
        let path = ws.scratch("uncertified.xlsx")
        expectSuccess(try ws.folio(["report", "uncertified", "--xlsx", path]))
        let sheet = try #require(try read(path).sheets.first)
        let row = try #require(sheet.rows.first { $0.contains(.text("PHY-11A")) }, "\(sheet.rows)")
        #expect(row[5] == .text(formula))
        let raw = try ToolRunner.run("bsdtar", ["-xOf", path, "xl/worksheets/sheet1.xml"])
        #expect(raw.status == 0 && !raw.output.contains("<f>"), "no formula in the sheet")
    }
}
