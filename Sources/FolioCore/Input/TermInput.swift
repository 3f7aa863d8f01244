/// A term or academic year as a person types it. School papers write `113學年度第1學期`; folio's own form,
/// and the one stored, is `113-1` (`Term(_:)`), which is accepted too.
public enum TermInput {
    /// The forms, for hints.
    public static var forms: Message { Message("input.term.forms") }

    /// The term `text` names, or nil. Spaces anywhere are ignored (`113 學年度 第 1 學期`), and 學年 may stand
    /// for 學年度.
    public static func term(_ text: String) -> Term? {
        let s = TypedText.compact(text)
        if let term = Term(s) { return term }
        guard let (year, rest) = academicYearPrefix(Substring(s)), rest.hasPrefix("第"), rest.hasSuffix("學期") else { return nil }
        let semester: Int? = switch rest.dropFirst().dropLast(2) {
        case "1", "一": 1
        case "2", "二": 2
        default: nil
        }
        return semester.flatMap { Term(year: year, semester: $0) }
    }

    public static func parse(_ text: String) throws(FolioError) -> Term {
        guard let term = term(text) else {
            throw FolioError(.badTerm, "input.term.bad", ["text": text, "forms": forms])
        }
        return term
    }

    /// An academic year: `113` or `113學年度`.
    public static func academicYear(_ text: String) -> AcademicYear? {
        let s = Substring(TypedText.compact(text))
        if let year = TypedText.number(s, maxDigits: 3) { return year > 0 ? AcademicYear(year) : nil }
        guard let (year, rest) = academicYearPrefix(s), rest.isEmpty else { return nil }
        return AcademicYear(year)
    }

    /// `113學年度` or `113學年` at the start of `s`, and what follows it.
    private static func academicYearPrefix(_ s: Substring) -> (Int, Substring)? {
        guard let end = s.firstIndex(where: { !($0.isASCII && $0.isNumber) }),
              let year = TypedText.number(s[..<end], maxDigits: 3), year > 0 else { return nil }
        let rest = s[end...]
        for word in ["學年度", "學年"] where rest.hasPrefix(word) { return (year, rest.dropFirst(word.count)) }
        return nil
    }
}
