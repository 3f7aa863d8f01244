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
    /// The bytes on `line` are neither UTF-8 nor Big5 (CP950).
    case undecodableBytes(line: Int)

    public var line: Int? {
        switch self {
        case .empty: return nil
        case .unterminatedQuote(let line), .textAfterClosingQuote(let line), .undecodableBytes(let line),
             .wrongFieldCount(let line, _, _):
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
        case .undecodableBytes(let line):
            return "Line \(line) contains bytes that are neither UTF-8 nor Big5 text."
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
        case .undecodableBytes:
            return "Save the file again as \"CSV UTF-8\" (in Excel: Save As → CSV UTF-8), then import it again."
        }
    }
}
