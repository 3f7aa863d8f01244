import FolioCore
import FolioTar
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An Excel workbook (.xlsx, Office Open XML) read as a table: one sheet's rows as the text Excel shows in
/// its cells, which is what Excel itself writes when the sheet is saved as CSV. The zip is read by libarchive
/// (`ZipEntries`) and the XML by Foundation's `XMLParser`; nothing is evaluated (a formula gives the value
/// Excel saved with it) and nothing outside the first row's columns is kept.
///
/// What a cell becomes: shared and inline strings (rich text runs joined, phonetic guides left out) as they
/// are; numbers without a needless `.0` (112001, not 112001.0), zero-padded when the cell's format is all
/// zeros (`000000`); numbers formatted as dates (built-in formats 14–22, 27–36, 45–47, 50–58, and custom
/// formats with y, m, d or e outside quotes) as ISO dates `YYYY-MM-DD`, in the 1900 or 1904 date system;
/// booleans as TRUE and FALSE. A cell holding an Excel error (#N/A, #REF!) is refused.
struct XLSXWorkbook {
    /// Limits against a workbook built to exhaust the machine (a zip bomb): each XML part is read whole, so its
    /// size is capped; rows and cells are capped as Excel caps them.
    struct Limits: Sendable {
        var partBytes: Int64 = 64 << 20
        var rows = 1_048_576
        var columns = 16_384
        var cells = 5_000_000
        static let standard = Limits()
    }

    enum Failure: Error, Sendable {
        /// Not a zip, or a zip libarchive cannot read.
        case zip(ZipEntries.Failure)
        /// A zip, but not a workbook: `hint` says what it looks like (a Word document, say), when it can tell.
        case notWorkbook(looksLike: String?)
        /// A part the workbook needs is missing (named).
        case missingPart(String)
        /// A part is not well-formed XML.
        case badXML(part: String, detail: String)
        case noSheets
        case noSuchSheet(String, sheets: [String])
        case tooManyRows(limit: Int)
        case tooManyCells(limit: Int)
        case badCellReference(String, row: Int)
        case badSharedString(cell: String, index: String)
        /// An error value (#N/A, #REF!) in a cell.
        case errorValue(cell: String, value: String)
        /// A non-empty cell to the right of the header's last column.
        case beyondHeader(cell: String, header: Int)
    }

    struct Sheet: Sendable {
        var name: String
        /// The part in the zip, such as `xl/worksheets/sheet1.xml`.
        var part: String
    }

    let path: String
    let sheets: [Sheet]
    let date1904: Bool
    let limits: Limits

    /// Reads the workbook's list of sheets (`xl/workbook.xml` and its relationships).
    static func open(_ path: String, limits: Limits = .standard) throws(Failure) -> XLSXWorkbook {
        let parts = try read(path, limits: limits) { name in
            name == "xl/workbook.xml" || name == "xl/_rels/workbook.xml.rels" || name == "[Content_Types].xml"
                || name == "word/document.xml" || name == "ppt/presentation.xml" || name == "content.xml"
        }
        guard let workbook = parts["xl/workbook.xml"] else {
            if parts["word/document.xml"] != nil { throw .notWorkbook(looksLike: "docx") }
            if parts["ppt/presentation.xml"] != nil { throw .notWorkbook(looksLike: "pptx") }
            if parts["content.xml"] != nil { throw .notWorkbook(looksLike: "odf") }
            throw .notWorkbook(looksLike: nil)
        }
        guard let rels = parts["xl/_rels/workbook.xml.rels"] else { throw .missingPart("xl/_rels/workbook.xml.rels") }
        let book = WorkbookParser()
        try parse(workbook, part: "xl/workbook.xml", book)
        let relations = RelationshipsParser()
        try parse(rels, part: "xl/_rels/workbook.xml.rels", relations)
        var sheets: [Sheet] = []
        for (name, id) in book.sheets {
            guard let target = relations.targets[id] else { continue }
            sheets.append(Sheet(name: name, part: resolve(target, base: "xl/")))
        }
        guard !sheets.isEmpty else { throw .noSheets }
        return XLSXWorkbook(path: path, sheets: sheets, date1904: book.date1904, limits: limits)
    }

    /// The sheet named `name` (exactly, or ignoring case and surrounding spaces), or the first sheet.
    func sheet(named name: String?) throws(Failure) -> Sheet {
        guard let name else { return sheets[0] }
        if let exact = sheets.first(where: { $0.name == name }) { return exact }
        let wanted = name.trimmingCharacters(in: .whitespaces).lowercased()
        if let loose = sheets.first(where: { $0.name.trimmingCharacters(in: .whitespaces).lowercased() == wanted }) { return loose }
        throw .noSuchSheet(name, sheets: sheets.map(\.name))
    }

    /// Hands `each` every row of `sheet` that has a non-empty cell, with Excel's row number and its cells by
    /// column (counted from 0), in the order the sheet holds them. `each` returns false to stop.
    func rows(of sheet: Sheet, each: (_ row: Int, _ cells: [(column: Int, text: String)]) -> Bool) throws(Failure) {
        let parts = try Self.read(path, limits: limits) { name in
            name == sheet.part || name == "xl/sharedStrings.xml" || name == "xl/styles.xml"
        }
        guard let data = parts[sheet.part] else { throw .missingPart(sheet.part) }
        let strings = SharedStringsParser()
        if let shared = parts["xl/sharedStrings.xml"] { try Self.parse(shared, part: "xl/sharedStrings.xml", strings) }
        let styles = StylesParser()
        if let bytes = parts["xl/styles.xml"] { try Self.parse(bytes, part: "xl/styles.xml", styles) }
        let formats = styles.cellFormats.map { id -> CellFormat in
            if let code = styles.customFormats[id] { return CellFormat(code: code) }
            return Self.isBuiltInDate(id) ? .date : .general
        }
        // The parser's delegate holds `each` only while the sheet is parsed.
        let done: Result<Void, Failure> = withoutActuallyEscaping(each) { each in
            let reader = SheetParser(strings: strings.strings, formats: formats, date1904: date1904, limits: limits, each: each)
            do throws(Failure) {
                try Self.parse(data, part: sheet.part, reader)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try done.get()
    }

    // MARK: Cells

    /// How a number is shown, from its cell's style.
    enum CellFormat: Equatable, Sendable {
        case general
        case date
        /// All zeros, `000000`: an integer padded to that many digits.
        case zeroPadded(Int)

        init(code: String) {
            let firstSection = code.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? code
            if !firstSection.isEmpty && firstSection.allSatisfy({ $0 == "0" }) {
                self = .zeroPadded(firstSection.count)
            } else {
                self = XLSXWorkbook.isDateCode(code) ? .date : .general
            }
        }
    }

    /// Excel's built-in number formats that show a date or a time: 14–22 and 45–47, and the East Asian
    /// ones (27–36, 50–58) that a zh-TW Excel uses for 民國 dates.
    static func isBuiltInDate(_ id: Int) -> Bool {
        (14...22).contains(id) || (27...36).contains(id) || (45...47).contains(id) || (50...58).contains(id)
    }

    /// Whether a custom number format shows a date: it has y, m, d or e (the 民國 year) outside quoted text,
    /// backslash escapes and bracketed codes (colours, locales), and is not scientific notation.
    static func isDateCode(_ code: String) -> Bool {
        var plain = ""
        var inQuote = false, inBracket = false, escaped = false
        for ch in code {
            if escaped { escaped = false; continue }
            if inQuote { if ch == "\"" { inQuote = false }; continue }
            if inBracket { if ch == "]" { inBracket = false }; continue }
            switch ch {
            case "\"": inQuote = true
            case "[": inBracket = true
            case "\\", "_", "*": escaped = true  // _x is a space as wide as x, *x repeats x
            default: plain.append(ch)
            }
        }
        let lower = plain.lowercased().replacingOccurrences(of: "general", with: "")
            .replacingOccurrences(of: "e+", with: "").replacingOccurrences(of: "e-", with: "")
        return lower.contains(where: { "ymde".contains($0) })
    }

    /// The ISO date (`YYYY-MM-DD`) of an Excel date serial, or nil when the number is no date Excel shows
    /// (before its first day or after 9999-12-31). In the 1900 system day 1 is 1900-01-01 and day 60 is
    /// 1900-02-29, a day that never was: Lotus 1-2-3 took 1900 for a leap year and Excel kept it, so from
    /// day 61 (1900-03-01) on the count is one ahead. In the 1904 system (old Macs) day 0 is 1904-01-01.
    /// A time of day (the fraction) is left out.
    static func isoDate(serial: Double, date1904: Bool) -> String? {
        guard serial.isFinite, serial >= (date1904 ? 0 : 1), serial < 2_958_466 else { return nil }
        let day = Int(serial.rounded(.down))
        let days: Int
        if date1904 {
            days = CivilDate(year: 1904, month: 1, day: 1)!.daysSinceEpoch + day
        } else if day == 60 {
            return "1900-02-29"
        } else if day < 60 {
            days = CivilDate(year: 1899, month: 12, day: 31)!.daysSinceEpoch + day
        } else {
            days = CivilDate(year: 1899, month: 12, day: 30)!.daysSinceEpoch + day
        }
        let date = CivilDate(daysSinceEpoch: days)
        guard date.year <= 9999 else { return nil }
        return String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
    }

    /// A number as Excel's General format writes it to CSV, near enough: an integer without a decimal point,
    /// anything else in the shortest form that reads back the same.
    static func numberText(_ value: Double, format: CellFormat) -> String {
        if value == value.rounded(), abs(value) < 1e15 {
            let integer = Int64(value)
            if case .zeroPadded(let width) = format, integer >= 0 {
                let digits = String(integer)
                return String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
            return String(integer)
        }
        return "\(value)"
    }

    /// The column (from 0) and row of a reference such as `AA10`, or nil when it is not one.
    static func cellReference(_ ref: String) -> (column: Int, row: Int)? {
        var column = 0, row = 0, letters = 0, digits = 0
        for scalar in ref.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A, 0x61...0x7A:
                guard digits == 0, letters < 3 else { return nil }
                column = column * 26 + Int((scalar.value & 0xDF) - 0x40)
                letters += 1
            case 0x30...0x39:
                guard letters > 0, digits < 7, !(digits == 0 && scalar.value == 0x30) else { return nil }
                row = row * 10 + Int(scalar.value - 0x30)
                digits += 1
            case 0x24:  // $A$1
                continue
            default:
                return nil
            }
        }
        guard letters > 0, digits > 0 else { return nil }
        return (column - 1, row)
    }

    /// A column's letters: 0 is A, 26 is AA.
    static func columnName(_ column: Int) -> String {
        var n = column + 1
        var out = ""
        while n > 0 {
            let r = (n - 1) % 26
            out = String(UnicodeScalar(UInt8(65 + r))) + out
            n = (n - 1) / 26
        }
        return out
    }

    /// `_xHHHH_`, the escape OOXML uses for characters XML cannot hold (a carriage return is `_x000D_`).
    static func unescape(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "_x") {
            out += rest[..<start.lowerBound]
            let after = rest[start.upperBound...]
            let hex = after.prefix(4)
            if hex.count == 4, after.dropFirst(4).first == "_", let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) {
                out.unicodeScalars.append(scalar)
                rest = after.dropFirst(5)
            } else {
                out += "_x"
                rest = after
            }
        }
        return out + rest
    }

    // MARK: Reading parts

    private static func read(_ path: String, limits: Limits, wanted: (String) -> Bool) throws(Failure) -> [String: [UInt8]] {
        do throws(ZipEntries.Failure) {
            // Part names are matched as written, and also with a leading slash some writers put in.
            return try ZipEntries.read(path, wanted: { wanted($0.hasPrefix("/") ? String($0.dropFirst()) : $0) }, limit: limits.partBytes)
                .reduce(into: [:]) { $0[$1.key.hasPrefix("/") ? String($1.key.dropFirst()) : $1.key] = $1.value }
        } catch {
            throw .zip(error)
        }
    }

    /// A relationship's target, relative to `base` or absolute in the zip (`/xl/worksheets/sheet1.xml`).
    static func resolve(_ target: String, base: String) -> String {
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        var parts = base.split(separator: "/").map(String.init)
        for piece in target.split(separator: "/") {
            if piece == ".." { if !parts.isEmpty { parts.removeLast() } } else if piece != "." { parts.append(String(piece)) }
        }
        return parts.joined(separator: "/")
    }

    /// Whether the prolog (what comes before the root element, comments skipped) declares a document type.
    static func declaresDoctype(_ bytes: [UInt8]) -> Bool {
        let doctype = Array("<!DOCTYPE".utf8), comment = Array("<!--".utf8)
        var i = 0
        while i + 1 < bytes.count {
            guard bytes[i] == 0x3C else { i += 1; continue }
            let next = bytes[i + 1]
            if next == 0x21 {
                if bytes[i...].starts(with: doctype) { return true }
                if bytes[i...].starts(with: comment) {
                    // Past the comment's end.
                    var j = i + 4
                    while j + 2 < bytes.count, !(bytes[j] == 0x2D && bytes[j + 1] == 0x2D && bytes[j + 2] == 0x3E) { j += 1 }
                    i = j + 3
                    continue
                }
            } else if next != 0x3F {
                return false  // the root element: no document type can follow
            }
            i += 1
        }
        return false
    }

    private static func parse(_ bytes: [UInt8], part: String, _ delegate: PartParser) throws(Failure) {
        // Office never writes a document type; one can only declare entities that expand a small part into a
        // huge one (the billion laughs), past the limit on the part's size.
        if declaresDoctype(bytes) { throw .badXML(part: part, detail: "<!DOCTYPE>") }
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        let ok = parser.parse()
        if let failure = delegate.failure { throw failure }
        if delegate.stopped { return }
        guard ok else {
            let line = parser.lineNumber
            throw .badXML(part: part, detail: "\(parser.parserError?.localizedDescription ?? "not well-formed"), line \(line)")
        }
    }
}

/// An XML part's delegate: element names without their namespace prefix, attributes found by local name.
private class PartParser: NSObject, XMLParserDelegate {
    var failure: XLSXWorkbook.Failure?
    /// Set when the caller asked to stop (not a failure).
    var stopped = false

    static func local(_ name: String) -> Substring {
        name.lastIndex(of: ":").map { name[name.index(after: $0)...] } ?? name[...]
    }

    static func attribute(_ attributes: [String: String], _ name: String) -> String? {
        if let value = attributes[name] { return value }
        return attributes.first(where: { local($0.key) == name && $0.key.contains(":") })?.value
    }

    // The delegate's methods, declared here so that each part's parser overrides them: a subclass's own method
    // would not be the one the protocol calls.
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {}

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {}

    func parser(_ parser: XMLParser, foundCharacters string: String) {}
}

private final class WorkbookParser: PartParser {
    var sheets: [(name: String, id: String)] = []
    var date1904 = false

    override func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch Self.local(elementName) {
        case "sheet":
            if let name = attributes["name"], let id = Self.attribute(attributes, "id") { sheets.append((name, id)) }
        case "workbookPr":
            let value = attributes["date1904"]?.lowercased()
            date1904 = value == "1" || value == "true"
        default: break
        }
    }
}

private final class RelationshipsParser: PartParser {
    var targets: [String: String] = [:]

    override func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if Self.local(elementName) == "Relationship", let id = attributes["Id"], let target = attributes["Target"] {
            targets[id] = target
        }
    }
}

/// `xl/sharedStrings.xml`: each `<si>` is one string, its `<t>` text joined across rich text runs (`<r>`);
/// the phonetic guides (`<rPh>`) are not part of the text.
private final class SharedStringsParser: PartParser {
    var strings: [String] = []
    private var current = ""
    private var inText = false
    private var phonetic = 0

    override func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch Self.local(elementName) {
        case "si": current = ""
        case "rPh": phonetic += 1
        case "t": inText = phonetic == 0
        default: break
        }
    }

    override func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }

    override func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        switch Self.local(elementName) {
        case "si": strings.append(XLSXWorkbook.unescape(current))
        case "rPh": phonetic -= 1
        case "t": inText = false
        default: break
        }
    }
}

/// `xl/styles.xml`: each cell style's number format (`cellXfs`), and the workbook's own format codes (`numFmts`).
private final class StylesParser: PartParser {
    var cellFormats: [Int] = []
    var customFormats: [Int: String] = [:]
    private var inCellXfs = false

    override func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch Self.local(elementName) {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap({ Int($0) }), let code = attributes["formatCode"] { customFormats[id] = code }
        case "cellXfs": inCellXfs = true
        case "xf" where inCellXfs: cellFormats.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
        default: break
        }
    }

    override func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if Self.local(elementName) == "cellXfs" { inCellXfs = false }
    }
}

/// A worksheet's `<sheetData>`, a row at a time.
private final class SheetParser: PartParser {
    let strings: [String]
    let formats: [XLSXWorkbook.CellFormat]
    let date1904: Bool
    let limits: XLSXWorkbook.Limits
    let each: (Int, [(column: Int, text: String)]) -> Bool

    private var rowNumber = 0
    private var rows = 0
    private var cellCount = 0
    private var cells: [(column: Int, text: String)] = []
    // The cell being read.
    private var column = -1
    private var reference = ""
    private var type = "n"
    private var style = 0
    private var value = ""
    private var inline = ""
    private var inValue = false
    private var inInlineText = false
    private var inInline = false
    private var phonetic = 0

    init(strings: [String], formats: [XLSXWorkbook.CellFormat], date1904: Bool, limits: XLSXWorkbook.Limits,
         each: @escaping (Int, [(column: Int, text: String)]) -> Bool) {
        self.strings = strings
        self.formats = formats
        self.date1904 = date1904
        self.limits = limits
        self.each = each
    }

    private func fail(_ parser: XMLParser, _ failure: XLSXWorkbook.Failure) {
        if self.failure == nil { self.failure = failure }
        parser.abortParsing()
    }

    override func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        guard failure == nil, !stopped else { return }
        switch Self.local(elementName) {
        case "row":
            if let r = attributes["r"] {
                guard let n = Int(r), n > 0, n <= limits.rows else { return fail(parser, .tooManyRows(limit: limits.rows)) }
                rowNumber = n
            } else {
                rowNumber += 1
            }
            rows += 1
            guard rowNumber <= limits.rows, rows <= limits.rows else { return fail(parser, .tooManyRows(limit: limits.rows)) }
            cells = []
            column = -1
        case "c":
            cellCount += 1
            guard cellCount <= limits.cells else { return fail(parser, .tooManyCells(limit: limits.cells)) }
            if let r = attributes["r"] {
                guard let ref = XLSXWorkbook.cellReference(r), ref.column < limits.columns else {
                    return fail(parser, .badCellReference(r, row: rowNumber))
                }
                column = ref.column
                reference = r
            } else {
                column += 1
                guard column < limits.columns else { return fail(parser, .badCellReference(XLSXWorkbook.columnName(column) + String(rowNumber), row: rowNumber)) }
                reference = XLSXWorkbook.columnName(column) + String(rowNumber)
            }
            type = attributes["t"] ?? "n"
            style = attributes["s"].flatMap { Int($0) } ?? 0
            value = ""
            inline = ""
        case "v": inValue = true
        case "is": inInline = true
        case "rPh": phonetic += 1
        case "t": inInlineText = inInline && phonetic == 0
        default: break
        }
    }

    override func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inValue { value += string } else if inInlineText { inline += string }
    }

    override func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard failure == nil, !stopped else { return }
        switch Self.local(elementName) {
        case "v": inValue = false
        case "t": inInlineText = false
        case "rPh": phonetic -= 1
        case "is": inInline = false
        case "c":
            guard let text = cellText(parser) else { return }
            if !text.isEmpty { cells.append((column, text)) }
        case "row":
            if !cells.isEmpty && !each(rowNumber, cells) {
                stopped = true
                parser.abortParsing()
            }
        default: break
        }
    }

    /// The cell's text, or nil after a failure.
    private func cellText(_ parser: XMLParser) -> String? {
        switch type {
        case "s":
            if value.isEmpty { return "" }
            guard let index = Int(value.trimmingCharacters(in: .whitespaces)), strings.indices.contains(index) else {
                fail(parser, .badSharedString(cell: reference, index: value))
                return nil
            }
            return strings[index]
        case "inlineStr":
            return XLSXWorkbook.unescape(inline)
        case "str":
            return XLSXWorkbook.unescape(value)
        case "b":
            let v = value.trimmingCharacters(in: .whitespaces)
            return v.isEmpty ? "" : (v == "1" || v.lowercased() == "true" ? "TRUE" : "FALSE")
        case "e":
            fail(parser, .errorValue(cell: reference, value: value))
            return nil
        case "d":
            // An ISO 8601 date and time (strict workbooks): the date part.
            return value.split(separator: "T", maxSplits: 1).first.map(String.init) ?? value
        default:
            let v = value.trimmingCharacters(in: .whitespaces)
            guard !v.isEmpty else { return "" }
            guard let number = Double(v) else { return v }
            let format = formats.indices.contains(style) ? formats[style] : .general
            if format == .date, let date = XLSXWorkbook.isoDate(serial: number, date1904: date1904) { return date }
            return XLSXWorkbook.numberText(number, format: format)
        }
    }
}
