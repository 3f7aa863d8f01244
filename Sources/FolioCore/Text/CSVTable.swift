/// A table read from a CSV file exported by a school administration system or saved from Excel.
///
/// Follows RFC 4180 (quoted fields may hold commas, doubled quotes and line breaks) and accepts what real
/// exports add to it: a UTF-8 byte-order mark, Big5 (CP950) instead of UTF-8, LF or CRLF line ends, spaces
/// around unquoted fields, and blank lines. FolioCore reads no files; callers pass the bytes.
public struct CSVTable: Hashable, Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// The index of the first column whose header matches one of `aliases`, trying the aliases in order.
    /// Matching ignores ASCII case and surrounding spaces, because exports from different vendors name the same
    /// column differently (`學號`, `學生學號`, `StudentNo`).
    public func column(named aliases: [String]) -> Int? {
        let names = header.map { $0.trimmingSpaces.lowercased() }
        for alias in aliases {
            if let index = names.firstIndex(of: alias.trimmingSpaces.lowercased()) { return index }
        }
        return nil
    }

    // MARK: Reading

    /// Decodes and parses a whole CSV file. The first record is the header; every later record must have
    /// exactly as many fields. Blank lines are skipped: they carry no data, and exports often end with one or more.
    /// The file is read as `CSVReader` reads one from disk, a line at a time.
    public static func parse(_ bytes: [UInt8]) throws(CSVError) -> CSVTable {
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        // A final line feed ends the last line; it does not start another.
        let body = bytes.last == 0x0A ? lines.dropLast() : lines[...]
        var check = CSVReader.EncodingCheck()
        for line in body { check.add(line) }
        var reader = CSVReader(encoding: check.encoding)
        var header: [String]?
        var rows: [[String]] = []
        func take(_ records: [CSVReader.Record]) throws(CSVError) {
            for record in records {
                guard let header else {
                    header = record.fields
                    continue
                }
                guard record.fields.count == header.count else {
                    throw .wrongFieldCount(line: record.line, expected: header.count, found: record.fields.count)
                }
                rows.append(record.fields)
            }
        }
        for line in body { try take(try reader.add(line)) }
        try take(try reader.finish())
        guard let header else { throw .empty }
        return CSVTable(header: header, rows: rows)
    }

    /// Splits UTF-8 text into records, the first starting on line `firstLine`. Working on bytes is safe
    /// because every delimiter is ASCII, and UTF-8 never uses ASCII values inside a multi-byte character.
    static func parseRecords(_ b: [UInt8], firstLine: Int = 1) throws(CSVError) -> [CSVReader.Record] {
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var records: [CSVReader.Record] = []
        var fields: [String] = []
        var line = firstLine
        var recordLine = firstLine
        var i = 0
        var recordHasQuotedField = false

        /// Consumes a line end at `i` (CRLF, LF, or a lone CR from old Mac exports), if there is one.
        func skipLineEnd() -> Bool {
            if i < b.count, b[i] == cr {
                i += (i + 1 < b.count && b[i + 1] == lf) ? 2 : 1
            } else if i < b.count, b[i] == lf {
                i += 1
            } else {
                return false
            }
            line += 1
            return true
        }

        func endRecord() {
            // A blank line parses as one empty unquoted field; it is skipped rather than reported.
            let blank = fields.count == 1 && fields[0].isEmpty && !recordHasQuotedField
            if !blank { records.append(CSVReader.Record(line: recordLine, fields: fields)) }
            fields = []
            recordHasQuotedField = false
            recordLine = line
        }

        while i < b.count || !fields.isEmpty {
            // Start of a field. Leading spaces are dropped; a quote after them still opens a quoted field,
            // since hand-edited files often write `a, "b, c"`.
            var start = i
            while start < b.count, b[start] == 0x20 || b[start] == 0x09 { start += 1 }
            if start < b.count, b[start] == quote {
                recordHasQuotedField = true
                let openedOn = line
                var value: [UInt8] = []
                i = start + 1
                while true {
                    guard i < b.count else { throw .unterminatedQuote(line: openedOn) }
                    let c = b[i]
                    if c == quote {
                        if i + 1 < b.count, b[i + 1] == quote {
                            value.append(quote)
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    if c == lf || (c == cr && !(i + 1 < b.count && b[i + 1] == lf)) { line += 1 }
                    value.append(c)
                    i += 1
                }
                fields.append(String(decoding: value, as: UTF8.self))
                while i < b.count, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
                if i < b.count, b[i] != comma, b[i] != cr, b[i] != lf {
                    throw .textAfterClosingQuote(line: line)
                }
            } else {
                // Unquoted: runs to the next comma or line end. A stray quote inside is kept as text,
                // as Excel does.
                i = start
                while i < b.count, b[i] != comma, b[i] != cr, b[i] != lf { i += 1 }
                fields.append(String(decoding: b[start..<i], as: UTF8.self).trimmingSpaces)
            }
            if i < b.count, b[i] == comma {
                // A comma at the very end of the input still ends a field: the loop runs once more, because
                // `fields` is not empty, and reads an empty last field.
                i += 1
                continue
            }
            _ = skipLineEnd()
            endRecord()
            if i >= b.count { break }
        }
        return records
    }

    // MARK: Writing

    /// Encodes a table the way Excel opens it without asking: UTF-8 with a byte-order mark (without it, Excel
    /// on Windows reads Chinese as Big5 and garbles it), CRLF line ends, and quotes only where a field needs them.
    /// Each cell is spelled by `CSVCell`, which also keeps spreadsheets from running a cell as a formula.
    public static func write(header: [String], rows: [[String]]) -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        for record in [header] + rows {
            if record == [""] {
                out.append(contentsOf: [0x22, 0x22])
            } else {
                for (index, field) in record.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: CSVCell.encode(field))
                }
            }
            out.append(contentsOf: [0x0D, 0x0A])
        }
        return out
    }
}

extension String {
    /// Without spaces and tabs at either end. Full-width spaces (U+3000) are left alone: in Chinese text they
    /// can be deliberate, and Excel does not strip them either.
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
