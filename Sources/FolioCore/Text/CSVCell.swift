/// How one cell of a CSV that folio writes is spelled. Every CSV folio produces (reports, submission
/// packages, address labels) goes through `CSVTable.write`, which spells each cell here, so the rules below
/// hold for all of them.
///
/// Cells carry text that students and staff typed (descriptions, names, findings). A spreadsheet opening the
/// file runs a cell that starts with `=`, `+`, `-` or `@` as a formula, and some treat a leading tab or
/// carriage return the same way, so `=HYPERLINK("http://…","…")` typed as a description would become a live
/// link, or worse, on the clerk's screen. Such a cell is written with a single quote (`'`) in front, which
/// spreadsheets show as text and do not evaluate (OWASP's advice for CSV injection), and in double quotes.
public enum CSVCell {
    /// The bytes that make a spreadsheet read a cell as a formula when the cell starts with one of them.
    public static let formulaTriggers: Set<UInt8> = [
        UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D,
    ]

    /// The cell as it is written into the file: neutralised if a spreadsheet would run it, then quoted if
    /// it holds a comma, quote or line break, starts or ends with a space or tab (which reading would
    /// otherwise trim), or was neutralised.
    public static func encode(_ field: String) -> [UInt8] {
        var bytes = Array(field.utf8)
        let neutralised = needsNeutralising(bytes)
        if neutralised { bytes.insert(UInt8(ascii: "'"), at: 0) }
        let needsQuotes = neutralised
            || bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }
            || bytes.first.map { $0 == 0x20 || $0 == 0x09 } == true
            || bytes.last.map { $0 == 0x20 || $0 == 0x09 } == true
        guard needsQuotes else { return bytes }
        var out: [UInt8] = [0x22]
        for b in bytes {
            out.append(b)
            if b == 0x22 { out.append(0x22) }
        }
        out.append(0x22)
        return out
    }

    /// Whether a spreadsheet would evaluate the cell. A plain decimal number with a leading minus (`-3`,
    /// `-0.5`) is left as it is on purpose: staff type scores and credits into office records as free text,
    /// a negative one is a number a spreadsheet should still sum and sort, and digits with one minus and at
    /// most one decimal point cannot call a function or reach another cell. Everything else that starts with
    /// a trigger, including `-1+1` and a lone `-`, gets the quote.
    static func needsNeutralising(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, formulaTriggers.contains(first) else { return false }
        return !(first == UInt8(ascii: "-") && isPlainDecimal(bytes.dropFirst()))
    }

    /// Digits, optionally followed by one `.` and more digits: `12`, `12.5`; not `12.`, `.5` or `1e3`.
    private static func isPlainDecimal(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { (0x30...0x39).contains($0) } }
    }
}
