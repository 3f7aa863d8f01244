/// A date in the ROC (民國) calendar as school administration systems write it: `1130901` is 2024-09-01.
///
/// Year N of the ROC calendar is Gregorian year N + 1911; months and days are Gregorian. Exports from school
/// systems use seven digits (`0950315` for a student born in 2006), while people typing into spreadsheets write
/// `113/09/01`, `113-9-1` or drop the leading zero of a two-digit year, so parsing accepts those too.
/// Formatting always produces the seven-digit form, the one the systems read back.
public struct ROCDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let date: CivilDate

    /// Only ROC years 1 to 999 fit the seven-digit form; earlier dates cannot be written in it.
    public init?(_ date: CivilDate) {
        guard (1...999).contains(date.year - 1911) else { return nil }
        self.date = date
    }

    /// Parses `1130901`, `113/09/01`, `113-09-01` (also `113/9/1` and the six-digit `950315` for years below 100).
    /// Returns nil for anything else, including impossible dates such as `1130230` or ROC year 0.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        let isDigit = { (b: UInt8) in b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        func number(_ part: ArraySlice<UInt8>) -> Int? {
            guard !part.isEmpty, part.allSatisfy(isDigit) else { return nil }
            return part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
        let y: Int?, m: Int?, d: Int?
        if let separator = bytes.first(where: { !isDigit($0) }) {
            guard separator == UInt8(ascii: "/") || separator == UInt8(ascii: "-") else { return nil }
            // Mixed separators (`113/09-01`) are refused: that is more likely a typo than a date.
            let parts = bytes.split(separator: separator, omittingEmptySubsequences: false)
            guard parts.count == 3, (1...3).contains(parts[0].count),
                  (1...2).contains(parts[1].count), (1...2).contains(parts[2].count) else { return nil }
            (y, m, d) = (number(parts[0]), number(parts[1]), number(parts[2]))
        } else {
            guard bytes.count == 7 || bytes.count == 6 else { return nil }
            let yearLength = bytes.count - 4
            y = number(bytes[0..<yearLength])
            m = number(bytes[yearLength..<yearLength + 2])
            d = number(bytes[(yearLength + 2)...])
        }
        guard let y, let m, let d, y >= 1,
              let date = CivilDate(year: y + 1911, month: m, day: d) else { return nil }
        self.date = date
    }

    /// The ROC year (民國年).
    public var rocYear: Int { date.year - 1911 }

    /// The seven-digit form, e.g. `1130901` or `0950315`.
    public var text: String {
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return pad(rocYear, 3) + pad(date.month, 2) + pad(date.day, 2)
    }

    public var description: String { text }

    public static func < (a: ROCDate, b: ROCDate) -> Bool { a.date < b.date }
}
