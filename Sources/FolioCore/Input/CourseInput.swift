/// A course as a person types it: its code, the code in another letter case (`phy-11a`), or its name
/// (`物理`) when only one course of the term has that name. Events keep the code.
public enum CourseInput {
    /// The code of the course `text` names among `courses` of `term` (every term when nil). A name or a
    /// case-folded code shared by two courses is refused with their codes, so the person picks one.
    public static func code(_ text: String, term: Term?, courses all: [Course]) throws(FolioError) -> String {
        let courses = all.filter { term == nil || $0.term == term }
        let typed = TypedText.compact(text)
        if courses.contains(where: { $0.code == typed }) { return typed }
        let byCode = courses.filter { $0.code.lowercased() == typed.lowercased() }
        let byName = courses.filter { TypedText.compact($0.name).lowercased() == typed.lowercased() }
        let place = term.map { Message("input.course.inTerm", ["term": $0.description]) } ?? Message("input.course.inSchool")
        for matches in [byCode, byName] where !matches.isEmpty {
            let codes = distinct(matches.map(\.code))
            if codes.count == 1 { return codes[0] }
            throw FolioError(.badInput, Message("input.course.ambiguous", ["text": text, "count": codes.count, "place": place,
                                                                           "courses": describe(matches, withTerm: term == nil)]),
                             hint: Message("input.course.ambiguous.hint", ["codes": codes.joined(separator: " / ")]))
        }
        throw FolioError(.unknownCourse, Message("input.course.none", ["text": text, "place": place]), hint: listing(courses, term: term))
    }

    /// What a refusal offers instead: the courses there are, or whom to ask when there are none.
    private static func listing(_ courses: [Course], term: Term?) -> Message {
        guard !courses.isEmpty else {
            return term.map { Message("input.course.noneSetUpFor", ["term": $0.description]) } ?? Message("input.course.noneSetUp")
        }
        let shown = 12
        let list = describe(Array(courses.prefix(shown)), withTerm: term == nil)
        return courses.count > shown ? Message("input.course.listMore", ["courses": list, "more": courses.count - shown])
                                     : Message("input.course.list", ["courses": list])
    }

    private static func describe(_ courses: [Course], withTerm: Bool) -> String {
        courses.map { "\($0.code) \($0.name)" + (withTerm ? " (\($0.term))" : "") }.joined(separator: ", ")
    }

    private static func distinct(_ codes: [String]) -> [String] {
        var seen = Set<String>()
        return codes.filter { seen.insert($0).inserted }
    }
}
