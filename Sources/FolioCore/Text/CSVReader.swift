/// Reads a CSV file one line at a time, so that a whole school's roster is never in memory at once: the
/// caller reads the file's lines (split at line feeds, without them) and hands each to `add`, which returns
/// the records completed by it. `CSVTable.parse` is this reader over a file held in memory, so both read a
/// file exactly alike.
///
/// The encoding is chosen for the whole file before reading it (`EncodingCheck`, a first pass over the same
/// lines): UTF-8 if the file starts with a byte-order mark or is valid UTF-8 throughout, otherwise Big5 (CP950).
/// Splitting at line feeds is safe in both, since neither uses the byte 0x0A inside a character.
public struct CSVReader {
    /// One record of the file: its fields and the line it starts on (1-based; the header is line 1).
    public struct Record: Equatable, Sendable {
        public var line: Int
        public var fields: [String]
    }

    /// The first pass: whether the file is UTF-8. A file that starts with a byte-order mark or is valid UTF-8
    /// throughout is; so is one whose lines with Chinese in them are at least half valid UTF-8 (a UTF-8 file with a
    /// broken character, which is then named in UTF-8's terms). Otherwise the file is read as Big5: Big5 text
    /// with any Chinese in it is practically never valid UTF-8, and pure ASCII reads the same either way.
    public struct EncodingCheck {
        private var lines = 0
        private var hasBOM = false
        /// Lines with bytes past ASCII that are valid UTF-8, and lines that are not.
        private var utf8Lines = 0
        private var otherLines = 0

        public init() {}

        public mutating func add(_ line: ArraySlice<UInt8>) {
            lines += 1
            if lines == 1, line.starts(with: CSVReader.bom) { hasBOM = true }
            if line.allSatisfy({ $0 < 0x80 }) { return }
            if CSVReader.isValidUTF8(line) { utf8Lines += 1 } else { otherLines += 1 }
        }

        /// A byte-order mark is an explicit claim of UTF-8, so broken bytes after one are an error, not Big5.
        public var encoding: CSVEncoding { hasBOM || otherLines == 0 || utf8Lines >= otherLines ? .utf8 : .big5 }
    }

    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    public let encoding: CSVEncoding
    /// The number of the line `add` takes next.
    private var lineNumber = 1
    /// Decoded text of a record that has not ended yet (a quoted field running on to the next line), and the
    /// line it started on.
    private var pending: [UInt8] = []
    private var pendingLine = 1

    public init(encoding: CSVEncoding) {
        self.encoding = encoding
    }

    /// Takes the next line (without its line feed) and returns the records it completes: none while a quoted
    /// field runs on, usually one, more for a file whose lines end in a lone carriage return.
    public mutating func add(_ raw: ArraySlice<UInt8>) throws(CSVError) -> [Record] {
        defer { lineNumber += 1 }
        var line = raw
        if lineNumber == 1, encoding == .utf8, line.starts(with: Self.bom) { line = line.dropFirst(3) }
        let text = try decode(line)
        if pending.isEmpty {
            pendingLine = lineNumber
        } else {
            pending.append(UInt8(ascii: "\n"))
        }
        pending += text
        // A quoted field that ran on from an earlier line can only close on a line with a quote in it.
        if pendingLine != lineNumber, !text.contains(UInt8(ascii: "\"")) { return [] }
        return try parsePending(final: false)
    }

    /// The records still open at the end of the file (a quoted field never closed is an error).
    public mutating func finish() throws(CSVError) -> [Record] {
        try parsePending(final: true)
    }

    private mutating func parsePending(final: Bool) throws(CSVError) -> [Record] {
        guard !pending.isEmpty else { return [] }
        do {
            let records = try CSVTable.parseRecords(pending, firstLine: pendingLine)
            pending = []
            return records
        } catch .unterminatedQuote where !final {
            // The record goes on in the next line; it is parsed again with it.
            return []
        }
    }

    /// The line as UTF-8, or the first character that cannot be read.
    private func decode(_ line: ArraySlice<UInt8>) throws(CSVError) -> [UInt8] {
        switch encoding {
        case .utf8:
            if line.allSatisfy({ $0 < 0x80 }) { return Array(line) }
            if let bad = Self.firstUnreadableUTF8(line) {
                throw .unreadableCharacter(line: lineNumber, column: bad.column, bytes: bad.bytes, encoding: .utf8,
                                           userDefined: bad.userDefined)
            }
            return Array(line)
        case .big5:
            if line.allSatisfy({ $0 < 0x80 }) { return Array(line) }
            let decoded = CP950.decode(Array(line))
            let utf8: [UInt8]
            switch decoded {
            case .success(let bytes):
                utf8 = bytes
                // User-defined characters in C6A1–C8FE decode to the private use area (UTF-8 EE or EF ...).
                guard String(decoding: utf8, as: UTF8.self).unicodeScalars.contains(where: \.isPrivateUse) else { return utf8 }
            case .failure(.unavailable):
                throw .unreadableCharacter(line: lineNumber, column: 1, bytes: Array(line.prefix(2)), encoding: .big5,
                                           userDefined: false)
            case .failure(.invalidByte):
                break
            }
            let bad = CP950.firstUnreadable(line) ?? (column: 1, bytes: Array(line.prefix(2)), userDefined: false)
            throw .unreadableCharacter(line: lineNumber, column: bad.column, bytes: bad.bytes, encoding: .big5,
                                       userDefined: bad.userDefined)
        }
    }

    static func isValidUTF8(_ bytes: ArraySlice<UInt8>) -> Bool {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// The first bytes of `line` that are not UTF-8, or a character of a private use area (a user-defined
    /// character, 造字, that a system exported as Unicode), with its column in characters from 1.
    static func firstUnreadableUTF8(_ line: ArraySlice<UInt8>) -> (column: Int, bytes: [UInt8], userDefined: Bool)? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = line.makeIterator()
        var offset = line.startIndex
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                if scalar.isPrivateUse {
                    return (column(before: offset, in: line), Array(line[offset..<offset + encoded.count]), true)
                }
                offset += encoded.count
            case .emptyInput:
                return nil
            case .error(let length):
                return (column(before: offset, in: line), Array(line[offset..<offset + length]), false)
            }
        }
    }

    /// The column (in characters, from 1) of the character starting at `offset`, all of whose bytes before
    /// it are valid UTF-8.
    private static func column(before offset: Int, in line: ArraySlice<UInt8>) -> Int {
        String(decoding: line[line.startIndex..<offset], as: UTF8.self).count + 1
    }
}
