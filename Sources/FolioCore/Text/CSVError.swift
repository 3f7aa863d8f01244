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

    public var message: String {
        switch self {
        case .empty:
            return "The file is empty: it has no header line."
        case .unterminatedQuote(let line):
            return "Line \(line): a field opens with a double quote (\") that is never closed."
        case .textAfterClosingQuote(let line):
            return "Line \(line): a quoted field is followed by more text before the next comma."
        case .wrongFieldCount(let line, let expected, let found):
            return "Line \(line) has \(found) field\(found == 1 ? "" : "s"), but the header has \(expected)."
        case .unreadableCharacter(let line, let column, let bytes, let encoding, let userDefined):
            let hex = bytes.map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined(separator: " ")
            let what = bytes.count == 1 ? "the byte \(hex) is" : "the bytes \(hex) are"
            if userDefined {
                return "Line \(line), column \(column): \(what) a user-defined character (造字) of \(encoding.rawValue), "
                    + "which only the system that wrote the file can show."
            }
            return "Line \(line), column \(column): \(what) not a character in \(encoding.rawValue) "
                + "(the file is read as \(encoding.rawValue)\(encoding == .big5 ? " because it is not UTF-8" : ""))."
        }
    }

    public var hint: String {
        switch self {
        case .empty:
            return "Export the file again from the school system; the first line must name the columns."
        case .unterminatedQuote, .textAfterClosingQuote:
            return "Open the file in Excel or a text editor and check the quotes on that line; a field containing "
                + "a quote must write it twice (\"\")."
        case .wrongFieldCount:
            return "Check that line for a missing or extra comma; a field that contains a comma must be in quotes."
        case .unreadableCharacter(_, _, _, _, true):
            return "Replace that character in the file with a standard one (a common form of the character, or the name "
                + "written the way the registration office (註冊組) writes it for other systems), save the file again, "
                + "then import it again."
        case .unreadableCharacter:
            return "Check that character in the file and type it again, save the file as \"CSV UTF-8\" "
                + "(in Excel: Save As → CSV UTF-8), then import it again."
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
