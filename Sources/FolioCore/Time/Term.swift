/// 學年度: an academic year in the ROC calendar. Year N runs from (N+1911)-08-01 to (N+1912)-07-31.
public struct AcademicYear: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let value: Int

    public init(_ value: Int) { self.value = value }

    public var firstDay: CivilDate { CivilDate(year: value + 1911, month: 8, day: 1)! }
    public var lastDay: CivilDate { CivilDate(year: value + 1912, month: 7, day: 31)! }
    public var next: AcademicYear { AcademicYear(value + 1) }
    public var description: String { String(value) }

    /// The academic year a day falls in.
    public init(containing date: CivilDate) {
        self.value = date.month >= 8 ? date.year - 1911 : date.year - 1912
    }

    public static func < (a: AcademicYear, b: AcademicYear) -> Bool { a.value < b.value }

    public init(from decoder: any Decoder) throws {
        self.value = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}

/// 學期: a semester, written `113-1` (August to January) or `113-2` (February to July).
public struct Term: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: AcademicYear
    public let semester: Int

    public init?(year: Int, semester: Int) {
        guard year > 0, semester == 1 || semester == 2 else { return nil }
        self.year = AcademicYear(year)
        self.semester = semester
    }

    /// Parses `113-1`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let y = Int(parts[0]), let s = Int(parts[1]),
              parts[0].allSatisfy(\.isASCII), parts[1].count == 1 else { return nil }
        self.init(year: y, semester: s)
    }

    /// The legal range of the semester; each school's real dates come from its calendar.
    public var nominalStart: CivilDate {
        semester == 1 ? year.firstDay : CivilDate(year: year.value + 1912, month: 2, day: 1)!
    }

    public var next: Term {
        semester == 1 ? Term(year: year.value, semester: 2)! : Term(year: year.value + 1, semester: 1)!
    }

    /// The nominal semester a day falls in (August to January is semester 1).
    public init(containing date: CivilDate) {
        let y = AcademicYear(containing: date)
        self.year = y
        self.semester = (date.month >= 8 || date.month == 1) ? 1 : 2
    }

    public var description: String { "\(year.value)-\(semester)" }

    public static func < (a: Term, b: Term) -> Bool { (a.year.value, a.semester) < (b.year.value, b.semester) }
}

extension Term: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let term = Term(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a term like 113-1: \(text)"))
        }
        self = term
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
