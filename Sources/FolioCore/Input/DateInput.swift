/// A date as a person types it: on the command line, or into a spreadsheet cell the roster import reads.
///
/// Gregorian dates have a four-digit year (`2025-01-08`); ROC (民國) dates have one to three digits, so the
/// year's length says which calendar is meant and `114-01-08` cannot be read as the year 114. Month and day
/// may drop their leading zero. Stored data never goes through here: it keeps `YYYY-MM-DD` (`CivilDate(iso:)`).
public enum DateInput {
    /// The forms, for hints.
    public static var forms: Message { Message("input.date.forms") }

    /// The date `text` names, or nil.
    public static func date(_ text: String) -> CivilDate? { try? parse(text) }

    public static func parse(_ text: String) throws(FolioError) -> CivilDate {
        guard let written = Written(text) else {
            throw FolioError(.badDate, "input.date.bad", ["text": text, "forms": forms])
        }
        guard let date = written.date else {
            throw FolioError(.badDate, Message("input.date.noSuchDay", ["text": text]),
                             hint: written.roc ? Message("input.date.noSuchDay.rocHint", ["roc": written.year, "year": written.year + 1911])
                                               : Message("input.date.noSuchDay.hint"))
        }
        return date
    }

    /// `FROM:TO`, each a date as above: a window such as 2024-09-02:2025-02-05 or 113/09/02:114/02/05.
    public static func window(_ text: String) throws(FolioError) -> Window {
        let parts = TypedText.normalized(text).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw FolioError(.badDate, "input.window.bad", ["text": text])
        }
        return Window(from: try parse(String(parts[0])), to: try parse(String(parts[1])))
    }

    /// The year, month and day as written, before the calendar says whether such a day exists.
    struct Written {
        var roc: Bool
        var year: Int
        var month: Int
        var day: Int

        var date: CivilDate? {
            guard !roc || year >= 1 else { return nil }
            return CivilDate(year: roc ? year + 1911 : year, month: month, day: day)
        }

        init?(_ text: String) {
            var s = Substring(TypedText.compact(text))
            // 民國 (中華民國, as the school's own papers write it) and 西元 name the calendar outright; then the
            // year's length must agree.
            var era: Bool?
            if s.hasPrefix("中華民國") { era = true; s = s.dropFirst(4) }
            else if s.hasPrefix("民國") { era = true; s = s.dropFirst(2) }
            else if s.hasPrefix("西元") { era = false; s = s.dropFirst(2) }
            let parts: [Substring]
            if s.contains("年") {
                // 114年1月8日; the closing 日 may be left off.
                guard let y = s.firstIndex(of: "年"), let m = s.firstIndex(of: "月"), y < m else { return nil }
                var d = s[s.index(after: m)...]
                if d.hasSuffix("日") { d = d.dropLast() }
                parts = [s[..<y], s[s.index(after: y)..<m], d]
            } else if era == nil || era == true, s.allSatisfy({ $0.isASCII && $0.isNumber }), s.count == 6 || s.count == 7 {
                // The school systems' compact ROC form: 1140108, or 950315 for a year below 100.
                let yearEnd = s.index(s.startIndex, offsetBy: s.count - 4)
                let monthEnd = s.index(yearEnd, offsetBy: 2)
                parts = [s[..<yearEnd], s[yearEnd..<monthEnd], s[monthEnd...]]
            } else {
                guard let separator = s.first(where: { !($0.isASCII && $0.isNumber) }), "-/.".contains(separator) else { return nil }
                // One separator throughout: 114/01-08 is more likely a typo than a date.
                parts = s.split(separator: separator, omittingEmptySubsequences: false)
            }
            guard parts.count == 3, let y = TypedText.number(parts[0], maxDigits: 4),
                  let m = TypedText.number(parts[1], maxDigits: 2), let d = TypedText.number(parts[2], maxDigits: 2) else { return nil }
            let roc = parts[0].count < 4
            if let era, era != roc { return nil }
            (self.roc, year, month, day) = (roc, y, m, d)
        }
    }
}
