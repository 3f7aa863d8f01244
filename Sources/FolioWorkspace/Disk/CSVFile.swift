import FolioCore
import FolioTar
import Foundation

/// A table file to import, as messages name it: the file, and for an Excel workbook the sheet read.
public struct ImportFile: Sendable, Hashable, MessageValue, CustomStringConvertible {
    /// The file's name, without its folder.
    public var name: String
    /// The sheet read, for a workbook; nil for a CSV file.
    public var sheet: String?

    public init(name: String, sheet: String? = nil) {
        self.name = name
        self.sheet = sheet
    }

    public var messageValue: Message.Value {
        guard let sheet else { return .text(name) }
        return .message(Message("table.sheet", ["file": name, "sheet": sheet]))
    }

    public var description: String { name }
}

/// A CSV file read from disk a line at a time (`CSVReader` over `LineReader`), in two passes: the first
/// chooses the encoding (UTF-8 or Big5), the second hands over the header and then each row with its line.
/// Only a line and a record are in memory at a time, so a whole school's roster costs no more than a class's.
///
/// An Excel workbook (.xlsx) is read the same way, one sheet of it (`XLSXWorkbook`): what the file is, is
/// decided by its first bytes, not its name, so every import reads both.
enum CSVFile {
    /// Reads `path`, calling `header` once and then `row` for every row (a row with a different number of
    /// fields than the header is refused). `describe` turns a CSV error into the caller's own message.
    /// Returns the encoding the file was read in (UTF-8 for a workbook).
    @discardableResult
    static func read(_ path: String, sheet: String? = nil, describe: (CSVError) -> FolioError,
                     header: ([String]) throws(FolioError) -> Void,
                     row: (_ line: Int, _ fields: [String]) throws(FolioError) -> Void) throws(FolioError) -> CSVEncoding {
        try TableFile.open(path, sheet: sheet).read(describe: describe, header: header, row: row)
    }
}

/// A table to import, opened: a CSV file, or a sheet of an Excel workbook. `file` names it in messages.
struct TableFile {
    enum Kind {
        case csv
        case sheet(XLSXWorkbook, XLSXWorkbook.Sheet)
    }

    let path: String
    let kind: Kind
    let file: ImportFile

    /// Looks at what `path` holds: a workbook (a zip, `PK\3\4`) is opened and `sheet` (or its first sheet)
    /// chosen; an old binary Excel file (.xls) and files that are plainly neither CSV nor a workbook (a PDF, a
    /// picture, a Word document) are refused, saying what they are. Anything else is read as CSV.
    static func open(_ path: String, sheet: String?) throws(FolioError) -> TableFile {
        let name = (path as NSString).lastPathComponent
        let head = try FileIO.prefix(path, count: 4096)
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            let workbook: XLSXWorkbook
            let chosen: XLSXWorkbook.Sheet
            do throws(XLSXWorkbook.Failure) {
                workbook = try XLSXWorkbook.open(path)
                chosen = try workbook.sheet(named: sheet)
            } catch {
                throw Self.error(error, path: path, file: ImportFile(name: name))
            }
            return TableFile(path: path, kind: .sheet(workbook, chosen), file: ImportFile(name: name, sheet: chosen.name))
        }
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            throw FolioError(.badCSV, Message("xlsx.xls", ["file": name]), hint: Message("xlsx.xls.hint"))
        }
        if let kind = notText(head) {
            throw FolioError(.badCSV, Message("xlsx.notTable", ["file": name, "kind": Message("xlsx.kind." + kind)]),
                             hint: Message("xlsx.notTable.hint"))
        }
        if sheet != nil {
            throw FolioError(.badInput, Message("xlsx.sheetNotWorkbook", ["file": name]), hint: Message("xlsx.sheetNotWorkbook.hint"))
        }
        return TableFile(path: path, kind: .csv, file: ImportFile(name: name))
    }

    /// What a file that is certainly no CSV is, by its first bytes (a key of `xlsx.kind.*`), or nil.
    static func notText(_ head: [UInt8]) -> String? {
        let magic: [(String, [UInt8])] = [
            ("pdf", Array("%PDF".utf8)), ("image", [0x89, 0x50, 0x4E, 0x47]), ("image", [0xFF, 0xD8, 0xFF]),
            ("image", Array("GIF8".utf8)), ("gzip", [0x1F, 0x8B]), ("zip", [0x50, 0x4B]),
        ]
        if let found = magic.first(where: { head.starts(with: $0.1) }) { return found.0 }
        // UTF-16 (Excel's "Unicode text") starts with its byte-order mark, which is neither UTF-8 nor Big5.
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) { return "utf16" }
        // A NUL byte is in no CSV text, in UTF-8 or Big5.
        return head.contains(0) ? "binary" : nil
    }

    /// Reads the table, calling `header` with its first row and `row` with every later one. A workbook's rows
    /// come with Excel's row numbers; empty rows are skipped (as a CSV file's blank lines are), cells are
    /// trimmed of spaces and tabs at either end (as a CSV file's unquoted fields are), and a row's missing cells
    /// are empty. Returns the encoding a CSV file was read in (UTF-8 for a workbook).
    @discardableResult
    func read(describe: (CSVError) -> FolioError, header: ([String]) throws(FolioError) -> Void,
              row: (_ line: Int, _ fields: [String]) throws(FolioError) -> Void) throws(FolioError) -> CSVEncoding {
        switch kind {
        case .csv:
            return try readCSV(describe: describe, header: header, row: row)
        case .sheet(let workbook, let sheet):
            var width: Int?
            var stop: FolioError?
            let file = self.file
            do throws(XLSXWorkbook.Failure) {
                try workbook.rows(of: sheet) { number, cells in
                    do throws(FolioError) {
                        guard let columns = width else {
                            let count = (cells.map(\.column).max() ?? -1) + 1
                            width = count
                            try header(Self.dense(cells, count))
                            return true
                        }
                        if let beyond = cells.filter({ $0.column >= columns }).min(by: { $0.column < $1.column }) {
                            throw Self.error(.beyondHeader(cell: XLSXWorkbook.columnName(beyond.column) + String(number), header: columns),
                                             path: workbook.path, file: file, row: number)
                        }
                        try row(number, Self.dense(cells, columns))
                        return true
                    } catch {
                        stop = error
                        return false
                    }
                }
            } catch {
                throw Self.error(error, path: workbook.path, file: file)
            }
            if let stop { throw stop }
            if width == nil { throw describe(.empty) }
            return .utf8
        }
    }

    /// A row's cells as a list as long as the header: missing cells empty, each trimmed.
    private static func dense(_ cells: [(column: Int, text: String)], _ count: Int) -> [String] {
        var out = [String](repeating: "", count: count)
        for cell in cells where cell.column < count { out[cell.column] = trimmed(cell.text) }
        return out
    }

    /// Without spaces and tabs at either end, as `CSVTable` trims an unquoted field (full-width spaces stay).
    private static func trimmed(_ text: String) -> String {
        guard let first = text.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = text.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return String(text[first...last])
    }

    /// A workbook's refusal, naming the file (and the sheet and row, when there is one).
    static func error(_ failure: XLSXWorkbook.Failure, path: String, file: ImportFile, row: Int? = nil) -> FolioError {
        let damaged = Message("xlsx.damaged.hint")
        let problem: Message
        var hint = damaged
        var row = row
        switch failure {
        case .zip(.system(let code)):
            return FileIO.ioError("read", path, code: code)
        case .zip(.notOrdinary):
            return FolioError(.io, "disk.notOrdinary", ["path": path])
        case .zip(.notZip(let detail)), .zip(.damaged(let detail)):
            problem = Message("xlsx.damaged", ["detail": detail])
        case .zip(.entryTooLarge(let name, let limit)):
            problem = Message("xlsx.tooLarge", ["part": name, "limit": Int(limit >> 20)])
            hint = Message("xlsx.tooLarge.hint")
        case .zip(.tooManyEntries(let limit)):
            problem = Message("xlsx.tooManyEntries", ["limit": limit])
            hint = Message("xlsx.tooLarge.hint")
        case .notWorkbook(let looksLike):
            return FolioError(.badCSV, Message("xlsx.notTable", ["file": file.name, "kind": Message("xlsx.kind." + (looksLike ?? "zip"))]),
                              hint: Message("xlsx.notTable.hint"))
        case .missingPart(let part):
            problem = Message("xlsx.missingPart", ["part": part])
        case .badXML(let part, let detail):
            problem = Message("xlsx.badXML", ["part": part, "detail": detail])
        case .noSheets:
            problem = Message("xlsx.noSheets")
        case .noSuchSheet(let name, let sheets):
            // The sheets' names, quoted and listed the way the reader's language does it.
            let list = Messages.language == .en ? sheets.map { "“\($0)”" }.joined(separator: ", ")
                                                : sheets.map { "「\($0)」" }.joined(separator: "、")
            problem = Message("xlsx.noSuchSheet", ["sheet": name, "sheets": list])
            hint = Message("xlsx.noSuchSheet.hint", ["first": sheets.first ?? ""])
            return FolioError(.badInput, Message("xlsx.refused", ["file": file, "problem": problem]), hint: hint)
        case .tooManyRows(let limit):
            problem = Message("xlsx.tooManyRows", ["limit": limit])
            hint = Message("xlsx.tooLarge.hint")
        case .tooManyCells(let limit):
            problem = Message("xlsx.tooManyCells", ["limit": limit])
            hint = Message("xlsx.tooLarge.hint")
        case .badCellReference(let cell, let at):
            problem = Message("xlsx.badCell", ["cell": cell])
            row = at
        case .badSharedString(let cell, let index):
            problem = Message("xlsx.badSharedString", ["cell": cell, "index": index])
            row = XLSXWorkbook.cellReference(cell)?.row
        case .errorValue(let cell, let value):
            problem = Message("xlsx.errorValue", ["cell": cell, "value": value])
            hint = Message("xlsx.errorValue.hint")
            row = XLSXWorkbook.cellReference(cell)?.row
        case .beyondHeader(let cell, let header):
            problem = Message("xlsx.beyondHeader", ["cell": cell, "last": XLSXWorkbook.columnName(header - 1)])
            hint = Message("xlsx.beyondHeader.hint")
        }
        if let row {
            return FolioError(.badCSV, Message("xlsx.refused.row", ["file": file, "row": row, "problem": problem]), hint: hint)
        }
        return FolioError(.badCSV, Message("xlsx.refused", ["file": file, "problem": problem]), hint: hint)
    }

    private func readCSV(describe: (CSVError) -> FolioError, header: ([String]) throws(FolioError) -> Void,
                         row: (_ line: Int, _ fields: [String]) throws(FolioError) -> Void) throws(FolioError) -> CSVEncoding {
        var check = CSVReader.EncodingCheck()
        let first = try LineReader(path)
        while let line = try first.next() { check.add(line) }
        var reader = CSVReader(encoding: check.encoding)
        var columns: Int?
        func take(_ records: [CSVReader.Record]) throws(FolioError) {
            for record in records {
                guard let count = columns else {
                    columns = record.fields.count
                    try header(record.fields)
                    continue
                }
                guard record.fields.count == count else {
                    throw describe(.wrongFieldCount(line: record.line, expected: count, found: record.fields.count))
                }
                try row(record.line, record.fields)
            }
        }
        let second = try LineReader(path)
        while let line = try second.next() {
            let records: [CSVReader.Record]
            do { records = try reader.add(line) } catch { throw describe(error) }
            try take(records)
        }
        let last: [CSVReader.Record]
        do { last = try reader.finish() } catch { throw describe(error) }
        try take(last)
        if columns == nil { throw describe(.empty) }
        return check.encoding
    }
}
