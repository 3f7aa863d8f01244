/// An item category or office record kind as a person types it: its code in any letter case (`volunteer`),
/// its title in `Catalog` (`志工服務`), or one of the short forms below. Events keep the code.
public enum CategoryInput {
    /// Short forms people use, and the national platform's names where they differ from the titles. Each names
    /// one category only; a form that could mean two (學習成果: 課程學習成果 or 作品成果?) is left out.
    static let categoryShortForms: [String: String] = [
        "課程成果": "course-outcome",
        "幹部": "cadre",
        "競賽": "competition", "競賽表現": "competition",
        "證照": "certificate", "檢定": "certificate",
        "志工": "volunteer",
        "作品": "works",
        "其他": "other",
        "彈性學習": "flexible-learning",
        "團體活動": "group-activity",
        "先修課程": "university-course", "大學及技專校院先修課程": "university-course",
    ]

    static let recordKindShortForms: [String: String] = [
        "學籍": "enrolment", "成績": "grade", "幹部": "cadre", "課程諮詢": "consultation", "獎懲": "reward-discipline",
    ]

    public static func category(_ text: String) throws(FolioError) -> ItemCategory {
        if let code = code(text, in: Catalog.categories.map { ($0.code, $0.title) }, shortForms: categoryShortForms),
           let category = Catalog.category(code) {
            return category
        }
        throw FolioError(.unknownCategory, "input.category.bad",
                         ["text": text, "list": Catalog.categories.map { "\($0.title) (\($0.code))" }.joined(separator: ", ")])
    }

    public static func recordKind(_ text: String) throws(FolioError) -> RecordKind {
        if let code = code(text, in: Catalog.recordKinds.map { ($0.code, $0.title) }, shortForms: recordKindShortForms),
           let kind = Catalog.recordKind(code) {
            return kind
        }
        throw FolioError(.unknownCategory, "input.recordKind.bad",
                         ["text": text, "list": Catalog.recordKinds.map { "\($0.title) (\($0.code))" }.joined(separator: ", ")])
    }

    private static func code(_ text: String, in entries: [(code: String, title: String)],
                             shortForms: [String: String]) -> String? {
        let s = TypedText.compact(text)
        return entries.first { $0.code == s.lowercased() || $0.title == s }?.code ?? shortForms[s]
    }
}
