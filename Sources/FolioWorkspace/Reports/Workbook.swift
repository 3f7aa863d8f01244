import CXlsxWriter
import FolioCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An Excel workbook (.xlsx) of folio's tables, written by libxlsxwriter (`--xlsx`, the office desk's download):
/// one sheet per table, its header row in bold with the panes frozen below it and a filter on it, the columns as wide
/// as their content. Cells are text unless the column holds counts, so a student number or a code keeps its
/// leading zeros, and text that starts with `=` stays text: a string cell is never a formula.
///
/// The same tables give the same bytes: the document's creation time is fixed (`created`), and libxlsxwriter
/// dates the parts inside the zip container 1980-01-01 itself.
public struct Workbook: Sendable {
    public enum Cell: Sendable, Hashable {
        case text(String)
        case number(Int)
    }

    public struct Sheet: Sendable {
        public var name: String
        public var header: [String]
        public var rows: [[Cell]]

        public init(name: String, header: [String], rows: [[Cell]]) {
            self.name = name
            self.header = header
            self.rows = rows
        }
    }

    /// The document's title (its properties), usually the first sheet's.
    public var title: String
    public var sheets: [Sheet]

    public init(title: String, sheets: [Sheet]) {
        self.title = title
        self.sheets = sheets
    }

    /// The creation time written into the document's properties: 2000-01-01T00:00:00Z, always, so that the
    /// same tables give the same file (libxlsxwriter writes the current time when it is given none).
    public static let created: time_t = 946_684_800
    /// The widest a column is made, in Excel's character widths: a long description wraps the sheet no further.
    public static let widestColumn = 60.0
    static let narrowestColumn = 6.0
    /// The most characters Excel holds in one cell.
    static let longestCell = 32_767

    /// The .xlsx file's bytes. libxlsxwriter writes only to a file: it writes one in a private temporary folder,
    /// which is read and removed.
    public func bytes() throws(FolioError) -> [UInt8] {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array((base.hasSuffix("/") ? base : base + "/").utf8CString.dropLast()) + Array("folio-workbook-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw FolioError(.io, "workbook.failed", ["reason": String(cString: strerror(errno))])
        }
        let folder = String(cString: made)
        defer { FileIO.removeTree(folder) }
        let file = folder + "/workbook.xlsx"
        try write(file, temporaryFolder: folder)
        return try FileIO.readAll(file)
    }

    /// Writes the workbook to `path` (outside the workspace): made whole first, then written under a temporary
    /// name, flushed, read back and only then named, so a file under that name is a whole workbook. A path that
    /// cannot be written leaves nothing behind.
    public func write(to path: String) throws(FolioError) {
        let bytes = try bytes()
        do throws(FolioError) { try FileIO.writeChecked(path, bytes) } catch {
            throw FolioError(.io, "workbook.notWritten", ["file": path, "why": error.what])
        }
    }

    private func write(_ file: String, temporaryFolder: String) throws(FolioError) {
        let tmpdir = strdup(temporaryFolder)
        defer { free(tmpdir) }
        var options = lxw_workbook_options(constant_memory: 0, tmpdir: tmpdir, use_zip64: 0)
        guard let book = workbook_new_opt(file, &options) else {
            throw FolioError(.io, "workbook.failed", ["reason": String(cString: strerror(errno))])
        }
        var closed = false
        defer { if !closed { _ = workbook_close(book) } }
        let titleText = strdup(title)
        defer { free(titleText) }
        var properties = lxw_doc_properties()
        properties.title = titleText
        properties.created = Self.created
        try check(workbook_set_properties(book, &properties))
        let bold = workbook_add_format(book)
        format_set_bold(bold)
        var used: Set<String> = []
        for sheet in sheets {
            let name = Self.sheetName(sheet.name, taken: used)
            used.insert(name.lowercased())
            guard let page = workbook_add_worksheet(book, name) else {
                throw FolioError(.io, "workbook.failed", ["reason": "worksheet \(name)"])
            }
            for (column, title) in sheet.header.enumerated() {
                try check(worksheet_write_string(page, 0, lxw_col_t(column), Self.fitting(title), bold))
            }
            for (index, row) in sheet.rows.enumerated() {
                let at = lxw_row_t(index + 1)
                for (column, cell) in row.enumerated() {
                    switch cell {
                    case .number(let n): try check(worksheet_write_number(page, at, lxw_col_t(column), Double(n), nil))
                    // An empty string is written as no cell at all.
                    case .text(let s): if !s.isEmpty { try check(worksheet_write_string(page, at, lxw_col_t(column), Self.fitting(s), nil)) }
                    }
                }
            }
            let columns = max(sheet.header.count, sheet.rows.map(\.count).max() ?? 0)
            for column in 0..<columns {
                let cells = [Cell.text(sheet.header.indices.contains(column) ? sheet.header[column] : "")]
                    + sheet.rows.compactMap { $0.indices.contains(column) ? $0[column] : nil }
                try check(worksheet_set_column(page, lxw_col_t(column), lxw_col_t(column), Self.width(of: cells), nil))
            }
            worksheet_freeze_panes(page, 1, 0)
            if columns > 0 { try check(worksheet_autofilter(page, 0, 0, lxw_row_t(sheet.rows.count), lxw_col_t(columns - 1))) }
        }
        closed = true
        try check(workbook_close(book))
    }

    private func check(_ result: lxw_error) throws(FolioError) {
        guard result != LXW_NO_ERROR else { return }
        throw FolioError(.io, "workbook.failed", ["reason": String(cString: lxw_strerror(result))])
    }

    /// Text as a cell holds it: Excel keeps at most 32,767 characters in a cell (libxlsxwriter counts code points).
    static func fitting(_ text: String) -> String {
        guard text.unicodeScalars.count > longestCell else { return text }
        var out = ""
        var count = 0
        for character in text {
            count += character.unicodeScalars.count
            if count > longestCell { break }
            out.append(character)
        }
        return out
    }

    /// A column wide enough for its widest cell (a wide East Asian character counts as two), with a little room,
    /// but no wider than `widestColumn`.
    static func width(of cells: [Cell]) -> Double {
        let widest = cells.map { cell -> Int in
            switch cell {
            case .number(let n): String(n).count
            case .text(let s): s.split(separator: "\n").map(displayWidth).max() ?? 0
            }
        }.max() ?? 0
        return min(max(Double(widest) + 2, narrowestColumn), widestColumn)
    }

    /// How many columns of a fixed-width font the text takes: two for each wide or full-width character (CJK
    /// ideographs, kana, hangul, full-width forms and punctuation), one for any other.
    static func displayWidth<S: StringProtocol>(_ text: S) -> Int {
        text.reduce(0) { sum, character in
            guard let v = character.unicodeScalars.first?.value else { return sum }
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
                || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
                || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
                || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
            return sum + (wide ? 2 : 1)
        }
    }

    /// A name Excel accepts for a sheet: at most 31 characters, none of `[]:*?/\`, not starting or ending with
    /// `'`, and not one already taken (compared without case, as Excel does).
    static func sheetName(_ wanted: String, taken: Set<String>) -> String {
        let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
        var name = String(wanted.map { forbidden.contains($0) ? "_" : $0 })
        while name.hasPrefix("'") { name.removeFirst() }
        while name.hasSuffix("'") { name.removeLast() }
        if name.isEmpty { name = "Sheet" }
        name = String(name.prefix(31))
        var candidate = name
        var n = 2
        while taken.contains(candidate.lowercased()) {
            let suffix = " (\(n))"
            candidate = String(name.prefix(31 - suffix.count)) + suffix
            n += 1
        }
        return candidate
    }
}

extension Reports.Table {
    /// The table as a workbook of one sheet named by its title; the columns it marks as counts are numbers.
    public var workbook: Workbook {
        let numbers = Set(counts)
        let cells = rows.map { row in
            row.enumerated().map { column, value -> Workbook.Cell in
                if numbers.contains(column), let n = Int(value) { return .number(n) }
                return .text(value)
            }
        }
        return Workbook(title: title, sheets: [Workbook.Sheet(name: title, header: header, rows: cells)])
    }
}
