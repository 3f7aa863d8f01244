import Foundation
import FuzzSupport

// libFuzzer target for the CSV reader and the Big5 (CP950) decoder. `Text/` is FolioCore's own Text folder
// (a symlink), compiled into this module so that the internal `CP950` can be called directly; it needs
// nothing else from FolioCore. Built with -parse-as-library: libFuzzer starts it.
//
// Besides "no crash, no hang" (libFuzzer's -timeout), for every input:
//   1. `CP950.decode` gives valid UTF-8 that keeps every byte below 0x40 the CSV reader and its line
//      numbers rely on (line feed, carriage return, comma, double quote) — Big5's second bytes are never
//      below 0x40 — or refuses at an offset inside the input that holds a non-ASCII byte;
//   2. `CSVTable.parse` gives a table whose rows all have the header's width, whose fields hold no
//      replacement character that the decoded text did not hold (no character cut in two), and whose
//      unquoted fields are trimmed; or an error whose line lies within the file;
//   3. a table it gives is written by `CSVTable.write` into a file it reads back as the same table (each
//      cell a spreadsheet would run as a formula coming back with its leading quote).
// A broken promise aborts, which libFuzzer records as a crash with the input.

let lf: UInt8 = 0x0A, cr: UInt8 = 0x0D, comma: UInt8 = 0x2C, quote: UInt8 = 0x22

func count(_ byte: UInt8, in bytes: some Sequence<UInt8>) -> Int { bytes.reduce(0) { $0 + ($1 == byte ? 1 : 0) } }

func isValidUTF8(_ bytes: [UInt8]) -> Bool { String(validating: bytes, as: UTF8.self) != nil }

/// Lines as the reader counts them: CRLF, LF and a lone CR each end one.
func physicalLines(_ bytes: [UInt8]) -> Int {
    var lines = 1
    for (i, b) in bytes.enumerated() where b == lf || (b == cr && !(i + 1 < bytes.count && bytes[i + 1] == lf)) {
        lines += 1
    }
    return lines
}

let replacement = Array("\u{FFFD}".utf8)

func replacements(in bytes: [UInt8]) -> Int {
    guard bytes.count >= 3 else { return 0 }
    var n = 0
    for i in 0...(bytes.count - 3) where bytes[i] == 0xEF && bytes[i + 1] == 0xBF && bytes[i + 2] == 0xBD { n += 1 }
    return n
}

/// What `CP950.decode` promises, and the decoded text (nil when it refuses).
func checkCP950(_ bytes: [UInt8]) -> [UInt8]? {
    switch CP950.decode(bytes) {
    case .success(let utf8):
        guard isValidUTF8(utf8) else { Fuzz.broken("CP950 decodes to valid UTF-8", Fuzz.show(bytes)) }
        for b in [lf, cr, comma, quote] where count(b, in: bytes) != count(b, in: utf8) {
            Fuzz.broken("CP950 keeps every line feed, carriage return, comma and quote",
                        "byte \(b): \(count(b, in: bytes)) in, \(count(b, in: utf8)) out\ninput: \(Fuzz.show(bytes))")
        }
        if bytes.allSatisfy({ $0 < 0x80 }) && utf8 != bytes {
            Fuzz.broken("CP950 leaves ASCII as it is", Fuzz.show(bytes))
        }
        return utf8
    case .failure(.invalidByte(let offset)):
        guard offset >= 0, offset < bytes.count, bytes[offset] >= 0x80 else {
            Fuzz.broken("CP950 refuses at a non-ASCII byte of the input", "offset \(offset): \(Fuzz.show(bytes))")
        }
        return nil
    case .failure(.unavailable):
        Fuzz.broken("iconv knows CP950 or BIG5 on this machine")
    }
}

/// The text `CSVTable.parse` splits: the UTF-8 without its BOM, or what CP950 makes of the bytes.
func decodedText(_ bytes: [UInt8]) -> [UInt8]? {
    let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    let hasBOM = bytes.starts(with: bom)
    let body = hasBOM ? Array(bytes.dropFirst(3)) : bytes
    if isValidUTF8(body) { return body }
    return hasBOM ? nil : checkCP950(body)
}

/// A cell as it reads back after `CSVTable.write`: with a leading `'` if a spreadsheet would run it.
func writtenBack(_ cell: String) -> String {
    let encoded = CSVCell.encode(cell)
    let neutralised = encoded.starts(with: [quote, UInt8(ascii: "'")]) && !cell.utf8.starts(with: [UInt8(ascii: "'")])
    return neutralised ? "'" + cell : cell
}

func checkTable(_ bytes: [UInt8]) {
    let text = decodedText(bytes)
    let result = Result { () throws(CSVError) in try CSVTable.parse(bytes) }
    switch result {
    case .success(let table):
        guard let text else { Fuzz.broken("a table is read only from text that decodes", Fuzz.show(bytes)) }
        guard !table.header.isEmpty else { Fuzz.broken("a table has a header", Fuzz.show(bytes)) }
        for row in table.rows where row.count != table.header.count {
            Fuzz.broken("every row has the header's width", "\(row.count) ≠ \(table.header.count): \(Fuzz.show(bytes))")
        }
        let fields = [table.header] + table.rows
        let cut = fields.joined().reduce(0) { $0 + replacements(in: Array($1.utf8)) }
        if cut > replacements(in: text) {
            Fuzz.broken("no field holds a character cut in two", Fuzz.show(bytes))
        }
        if table.column(named: [table.header[0]]) != 0 {
            Fuzz.broken("a header's first name finds the first column", Fuzz.show(bytes))
        }
        // Round trip through the writer.
        let written = CSVTable.write(header: table.header, rows: table.rows)
        let expected = CSVTable(header: table.header.map(writtenBack), rows: table.rows.map { $0.map(writtenBack) })
        let reread = Result { () throws(CSVError) in try CSVTable.parse(written) }
        if reread != .success(expected) {
            Fuzz.broken("a table read is written into a file that reads back as the same table",
                        "input: \(Fuzz.show(bytes))\nwritten: \(Fuzz.show(written))\nread back: \(reread)\nexpected: \(expected)")
        }
    case .failure(let error):
        if let line = error.line, line < 1 || line > physicalLines(bytes) {
            Fuzz.broken("an error names a line within the file", "\(error): \(Fuzz.show(bytes))")
        }
        if case .wrongFieldCount(_, let expected, let found) = error, expected == found || expected < 1 {
            Fuzz.broken("a wrong field count differs from the header's", "\(error): \(Fuzz.show(bytes))")
        }
        if case .undecodableBytes = error, text != nil {
            Fuzz.broken("only bytes that do not decode are called undecodable", "\(error): \(Fuzz.show(bytes))")
        }
        if !error.message.hasPrefix(error.line.map { "Line \($0)" } ?? "The file") || error.hint.isEmpty {
            Fuzz.broken("an error has a message naming its line, and a hint", "\(error)")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Fuzz.bytes(data, size)
    _ = checkCP950(bytes)
    checkTable(bytes)
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<Int32>?,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> Int32 {
    Fuzz.writeSeeds(CSVSeeds.all)
    return 0
}

@_cdecl("CSVFuzzer_main")
public func csvFuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    Fuzz.run(argc, argv) { data, size in fuzzerTestOneInput(data, size) }
}
