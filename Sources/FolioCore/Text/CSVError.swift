/// Why a CSV file could not be read. `line` is 1-based and counts the header as line 1, so it matches the
/// line numbers a text editor shows.
public enum CSVError: Error, Equatable, Sendable {
    /// The file has no header line.
    case empty
    /// A quoted field starting on `line` never closes.
    case unterminatedQuote(line: Int)
    /// Something other than a comma or line end follows a closing quote, as in `"abc"d`.
    case textAfterClosingQuote(line: Int)
    /// The row starting on `line` has `found` fields; the header has `expected`.
    case wrongFieldCount(line: Int, expected: Int, found: Int)
    /// The character at `column` of `line` (counted in characters from 1) cannot be read: `bytes` are not a
    /// character in the file's `encoding`, or are a user-defined character (造字) that only the system that
    /// wrote the file can show (`userDefined`).
    case unreadableCharacter(line: Int, column: Int, bytes: [UInt8], encoding: CSVEncoding, userDefined: Bool)

    public var line: Int? {
        switch self {
        case .empty: return nil
        case .unterminatedQuote(let line), .textAfterClosingQuote(let line), .wrongFieldCount(let line, _, _),
             .unreadableCharacter(let line, _, _, _, _):
            return line
        }
    }

    /// What is wrong, from the message catalogs.
    public var what: Message {
        switch self {
        case .empty:
            return Message("csv.empty")
        case .unterminatedQuote(let line):
            return Message("csv.unterminatedQuote", ["line": line])
        case .textAfterClosingQuote(let line):
            return Message("csv.textAfterQuote", ["line": line])
        case .wrongFieldCount(let line, let expected, let found):
            return Message(found == 1 ? "csv.fieldCount.one" : "csv.fieldCount", ["line": line, "found": found, "expected": expected])
        case .unreadableCharacter(let line, let column, let bytes, let encoding, let userDefined):
            let hex = bytes.map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined(separator: " ")
            let values: [String: any MessageValue] = [
                "line": line, "column": column, "encoding": encoding.rawValue,
                "bytes": Message(bytes.count == 1 ? "csv.byte" : "csv.bytes", ["hex": hex]),
                "readAs": Message(encoding == .big5 ? "csv.readAs.big5" : "csv.readAs", ["encoding": encoding.rawValue]),
            ]
            return Message(userDefined ? "csv.userDefined" : "csv.notCharacter", values)
        }
    }

    /// What to do next.
    public var next: Message {
        switch self {
        case .empty: Message("csv.empty.hint")
        case .unterminatedQuote, .textAfterClosingQuote: Message("csv.quote.hint")
        case .wrongFieldCount: Message("csv.fieldCount.hint")
        case .unreadableCharacter(_, _, _, _, true): Message("csv.userDefined.hint")
        case .unreadableCharacter: Message("csv.notCharacter.hint")
        }
    }
}

/// How the characters of a CSV file are read: UTF-8 (with or without a byte-order mark) or, for a file that
/// is not UTF-8, Big5 as Microsoft's code page 950.
public enum CSVEncoding: String, Sendable {
    case utf8 = "UTF-8"
    case big5 = "Big5 (CP950)"
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
