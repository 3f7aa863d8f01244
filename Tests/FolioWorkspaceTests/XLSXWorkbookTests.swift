import FolioCore
import FolioTestSupport
@testable import FolioWorkspace
import Foundation
import Testing

/// Excel workbooks (.xlsx) read as CSV files are: each workbook made by openpyxl (or part by part) reads exactly
/// as its CSV twin, with Excel's row numbers; date serials, cell references and number formats as Excel shows
/// them; an old .xls, a damaged zip, a zip bomb and an error cell refused with a message that says so.
@Suite struct XLSXWorkbookTests {
    /// A table as `TableFile` reads it: the header, then each row with its line (or Excel row) number.
    struct Read: Equatable {
        var header: [String] = []
        var rows: [[String]] = []
        var lines: [Int] = []
    }

    static func read(_ path: String, sheet: String? = nil) throws(FolioError) -> Read {
        var out = Read()
        let table = try TableFile.open(path, sheet: sheet)
        try table.read(describe: { RosterImport.fileError(table.file, $0) }, header: { (h: [String]) throws(FolioError) in
            out.header = h
        }, row: { (line: Int, row: [String]) throws(FolioError) in
            out.rows.append(row)
            out.lines.append(line)
        })
        return out
    }

    /// The refusal `TableFile` gives for `path`, in English.
    static func refusal(_ path: String, sheet: String? = nil) -> String {
        do throws(FolioError) {
            _ = try read(path, sheet: sheet)
            return "(read without a refusal)"
        } catch {
            return error.what.text(.en) + " | " + error.next.text(.en)
        }
    }

    // MARK: Twins

    @Test(arguments: ["students", "staff", "courses", "handmade"])
    func aWorkbookReadsAsItsCSVTwin(_ name: String) throws {
        let xlsx = try Self.read(try ExcelWorkbooks.path(name + ".xlsx"))
        let csv = try Self.read(try ExcelWorkbooks.path(name + ".csv"))
        #expect(!csv.rows.isEmpty)
        #expect(xlsx.header == csv.header)
        #expect(xlsx.rows == csv.rows, "\(name).xlsx reads otherwise than \(name).csv")
        for (a, b) in zip(xlsx.rows, csv.rows) where a != b { #expect(a == b) }
    }

    @Test func rowsCarryExcelsRowNumbersSkippingEmptyRows() throws {
        let students = try Self.read(try ExcelWorkbooks.path("students.xlsx"))
        // An empty row after the third student (row 5); formatted empty rows at the end are no rows.
        #expect(Array(students.lines.prefix(6)) == [2, 3, 4, 6, 7, 8])
        #expect(students.lines.count == students.rows.count)
        let handmade = try Self.read(try ExcelWorkbooks.path("handmade.xlsx"))
        #expect(handmade.lines == [2, 5, 6], "row 9 holds only empty cells")
    }

    @Test func theSheetIsChosenByName() throws {
        let twin = try Self.read(try ExcelWorkbooks.path("students.csv"))
        let path = try ExcelWorkbooks.path("two-sheets.xlsx")
        let second = try Self.read(path, sheet: "學生")
        #expect(second.header == twin.header && second.rows == twin.rows)
        #expect(try Self.read(path, sheet: " 學生 ").rows == twin.rows, "surrounding spaces are forgiven")
        let first = try Self.read(path)
        #expect(first.header == ["113 學年度學生名冊（測試用，虛構資料）"] && first.rows == [["42"]] && first.lines == [2])
        let refused = Self.refusal(path, sheet: "學生名冊")
        #expect(refused.contains("two-sheets.xlsx: The workbook has no sheet named \"學生名冊\"; its sheets are 「說明」、「學生」."), "\(refused)")
        #expect(refused.contains("--sheet \"說明\""), "\(refused)")
        #expect(Self.refusal(try ExcelWorkbooks.path("students.csv"), sheet: "學生").contains("--sheet is for Excel workbooks"))
    }

    // MARK: Refusals

    @Test func anOldBinaryExcelFileIsRefusedSayingHowToSaveIt() throws {
        let dir = try ExcelWorkbooks.folder()
        // Named .csv on purpose: the content decides, not the name.
        let xls = dir.appendingPathComponent("old-roster.csv").path
        try Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)).write(to: URL(fileURLWithPath: xls))
        let refused = Self.refusal(xls)
        #expect(refused.contains("old-roster.csv is an old Excel workbook (.xls, Excel 97–2003)"), "\(refused)")
        #expect(refused.contains("Excel Workbook (*.xlsx)") && refused.contains("CSV UTF-8"), "\(refused)")
        do throws(FolioError) { _ = try Self.read(xls) } catch {
            #expect(error.what.text(.zhTW).contains("是舊版 Excel 活頁簿（.xls"), "\(error.what.text(.zhTW))")
            #expect(error.next.text(.zhTW).contains("另存新檔"), "\(error.next.text(.zhTW))")
        }
    }

    @Test func aDamagedWorkbookIsRefused() throws {
        let dir = try ExcelWorkbooks.folder()
        let whole = try Data(contentsOf: dir.appendingPathComponent("students.xlsx"))
        let cut = dir.appendingPathComponent("cut.xlsx")
        try whole.prefix(whole.count / 2).write(to: cut)
        let refused = Self.refusal(cut.path)
        #expect(refused.contains("cut.xlsx: This Excel workbook is damaged and cannot be read"), "\(refused)")
        // A byte changed inside the compressed sheet: the zip's checksum or the XML tells.
        var bytes = [UInt8](whole)
        let sheet = Array("xl/worksheets/sheet1.xml".utf8)
        let at = (0..<bytes.count - sheet.count).first { Array(bytes[$0..<$0 + sheet.count]) == sheet }!
        for i in at + sheet.count + 40..<at + sheet.count + 60 { bytes[i] ^= 0x5A }
        let flipped = dir.appendingPathComponent("flipped.xlsx")
        try Data(bytes).write(to: flipped)
        #expect(Self.refusal(flipped.path).contains("flipped.xlsx"), "\(Self.refusal(flipped.path))")
        #expect(Self.refusal(flipped.path).contains("damaged") || Self.refusal(flipped.path).contains("cannot be read"))
    }

    @Test func otherFilesAreNamedForWhatTheyAre() throws {
        let dir = try ExcelWorkbooks.folder()
        let cases: [(String, [UInt8], String)] = [
            ("scan.pdf", Array("%PDF-1.7\n".utf8), "is a PDF document"),
            ("photo.csv", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], "is a picture"),
            ("unicode.txt", [0xFF, 0xFE, 0x78, 0x5B, 0x9F, 0x86], "UTF-16 text"),
        ]
        for (name, bytes, words) in cases {
            let path = dir.appendingPathComponent(name).path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(Self.refusal(path).contains(words), "\(name): \(Self.refusal(path))")
        }
    }

    @Test func aZipBombIsRefusedBeforeItFillsTheMemory() throws {
        let refused = Self.refusal(try ExcelWorkbooks.path("bomb.xlsx"))
        #expect(refused.contains("xl/worksheets/data.xml grows beyond 64 MB"), "\(refused)")
        // A smaller limit refuses a small part as well: the limit is what refuses, not the zip reader.
        let handmade = try ExcelWorkbooks.path("handmade.xlsx")
        let small = XLSXWorkbook.Limits(partBytes: 512, rows: 10, columns: 10, cells: 100)
        do throws(XLSXWorkbook.Failure) {
            let book = try XLSXWorkbook.open(handmade, limits: small)
            try book.rows(of: book.sheets[0]) { _, _ in true }
            Issue.record("read beyond the limit")
        } catch {
            guard case .zip(.entryTooLarge(_, 512)) = error else { Issue.record("\(error)"); return }
        }
        let fewRows = XLSXWorkbook.Limits(partBytes: 1 << 20, rows: 5, columns: 10, cells: 100)
        do throws(XLSXWorkbook.Failure) {
            let book = try XLSXWorkbook.open(handmade, limits: fewRows)
            try book.rows(of: book.sheets[0]) { _, _ in true }
            Issue.record("read beyond the row limit")
        } catch {
            guard case .tooManyRows(5) = error else { Issue.record("\(error)"); return }
        }
    }

    @Test func aPartDeclaringEntitiesIsRefused() throws {
        let refused = Self.refusal(try ExcelWorkbooks.path("doctype.xlsx"))
        #expect(refused.contains("doctype.xlsx (sheet 資料): The workbook's xl/worksheets/data.xml cannot be read (<!DOCTYPE>)."), "\(refused)")
        #expect(XLSXWorkbook.declaresDoctype(Array("<?xml version=\"1.0\"?><!-- <a> --><!DOCTYPE x><x/>".utf8)))
        #expect(!XLSXWorkbook.declaresDoctype(Array("<?xml version=\"1.0\"?><x><v><![CDATA[<!DOCTYPE]]></v></x>".utf8)))
    }

    @Test func anErrorCellIsRefusedNamingTheSheetRowAndCell() throws {
        let refused = Self.refusal(try ExcelWorkbooks.path("error-value.xlsx"))
        #expect(refused.contains("error-value.xlsx (sheet 資料), row 2: Cell B2 holds the Excel error #N/A, not data."), "\(refused)")
    }

    @Test func aRowErrorNamesTheSheetAndExcelsRow() throws {
        // The header of handmade.xlsx has no 學號-less row; a roster of courses read from the students' sheet lacks columns.
        let path = try ExcelWorkbooks.path("two-sheets.xlsx")
        do throws(FolioError) {
            _ = try RosterImport.records(path, sheet: "學生", kind: Catalog.recordKinds.first!)
            Issue.record("read without a refusal")
        } catch {
            #expect(error.what.text(.en).contains("two-sheets.xlsx (sheet 學生)"), "\(error.what.text(.en))")
        }
    }

    // MARK: Cells

    @Test func dateSerials() {
        let cases: [(Double, Bool, String?)] = [
            (45292, false, "2024-01-01"), (45292.999, false, "2024-01-01"), (1, false, "1900-01-01"),
            (59, false, "1900-02-28"), (60, false, "1900-02-29"), (61, false, "1900-03-01"),
            (2_958_465, false, "9999-12-31"), (2_958_466, false, nil), (0, false, nil), (-1, false, nil),
            (0, true, "1904-01-01"), (43830, true, "2024-01-01"), (1, true, "1904-01-02"), (.nan, false, nil),
        ]
        for (serial, date1904, iso) in cases {
            #expect(XLSXWorkbook.isoDate(serial: serial, date1904: date1904) == iso, "\(serial) 1904: \(date1904)")
        }
    }

    @Test func cellReferences() {
        #expect(XLSXWorkbook.cellReference("A1")! == (0, 1))
        #expect(XLSXWorkbook.cellReference("C5")! == (2, 5))
        #expect(XLSXWorkbook.cellReference("Z9")! == (25, 9))
        #expect(XLSXWorkbook.cellReference("AA10")! == (26, 10))
        #expect(XLSXWorkbook.cellReference("aa10")! == (26, 10))
        #expect(XLSXWorkbook.cellReference("$B$3")! == (1, 3))
        #expect(XLSXWorkbook.cellReference("XFD1048576")! == (16383, 1_048_576))
        for bad in ["", "A", "10", "1A", "A0", "A01", "AAAA1", "A1B", "A-1", "Ａ1"] {
            #expect(XLSXWorkbook.cellReference(bad) == nil, "\(bad)")
        }
        #expect([0, 25, 26, 51, 52, 701, 702, 16383].map(XLSXWorkbook.columnName) == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"])
    }

    @Test func numberFormats() {
        for code in ["yyyy-mm-dd", "mm-dd-yy", "yyyy\"年\"m\"月\"d\"日\"", "[$-404]e/m/d;@", "d-mmm", "YYYY/MM/DD"] {
            #expect(XLSXWorkbook.isDateCode(code), "\(code)")
        }
        for code in ["General", "0", "0.00", "#,##0", "0.00E+00", "0\" days\"", "[Red]0.00", "\\d0", "@"] {
            #expect(!XLSXWorkbook.isDateCode(code), "\(code)")
        }
        #expect(XLSXWorkbook.CellFormat(code: "000000") == .zeroPadded(6))
        #expect(XLSXWorkbook.numberText(112001, format: .general) == "112001")
        #expect(XLSXWorkbook.numberText(-3, format: .general) == "-3")
        #expect(XLSXWorkbook.numberText(87.5, format: .general) == "87.5")
        #expect(XLSXWorkbook.numberText(42, format: .zeroPadded(6)) == "000042")
        #expect(XLSXWorkbook.numberText(1234567, format: .zeroPadded(6)) == "1234567")
        #expect(XLSXWorkbook.unescape("a_x000D_b_x_c_x00") == "a\rb_x_c_x00")
        #expect([14, 22, 27, 36, 45, 47, 50, 58].allSatisfy(XLSXWorkbook.isBuiltInDate))
        #expect(![0, 1, 13, 23, 37, 44, 48, 49, 59].contains(where: XLSXWorkbook.isBuiltInDate))
    }
}
