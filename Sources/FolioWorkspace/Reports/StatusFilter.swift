import FolioCore

/// Which students and items `folio status` shows: a class (what a homeroom teacher, 導師, looks at), a
/// course, a teacher's courses, an item state. Filters combine: every one given must hold.
public struct StatusFilter: Codable, Hashable, Sendable {
    public var className: String?
    public var course: String?
    public var teacher: String?
    /// An item state as `folio status STUDENT` prints it: uploaded, certified, rejected or conflict.
    public var state: String?

    public init(className: String? = nil, course: String? = nil, teacher: String? = nil, state: String? = nil) {
        self.className = className
        self.course = course
        self.teacher = teacher
        self.state = state
    }

    public var isEmpty: Bool { className == nil && !narrowsItems }

    /// A course, teacher or state filter counts only the items it names, and leaves out students with none.
    var narrowsItems: Bool { course != nil || teacher != nil || state != nil }

    /// Refuses a value that names nothing here: a typo would otherwise show an empty list that reads as
    /// "nothing outstanding". The error lists what does exist.
    func check(school: SchoolState, classes: Set<String>) throws(FolioError) {
        if let className, !classes.contains(className) {
            throw FolioError(.badInput, "status.filter.noClass", ["class": className, "classes": Self.list(classes)])
        }
        if let course, !school.courses.contains(where: { $0.code == course }) {
            throw FolioError(.unknownCourse, "status.filter.noCourse", ["course": course, "courses": Self.list(Set(school.courses.map(\.code)))])
        }
        if let teacher {
            let teaching = Set(school.courses.flatMap(Self.teachers))
            guard teaching.contains(teacher) else {
                let known = school.principal(teacher) != nil
                throw FolioError(.unknownPerson, Message(known ? "status.filter.teachesNothing" : "status.filter.noTeacher", ["teacher": teacher]),
                                 hint: Message("status.filter.teachers.hint", ["teachers": Self.list(teaching)]))
            }
        }
        if let state, ItemStatus(rawValue: state) == nil {
            throw FolioError(.badInput, "status.filter.noState", ["state": state])
        }
    }

    func keeps(_ student: StudentRecord?) -> Bool {
        className == nil || student?.className == className
    }

    func keeps(_ item: ItemView, school: SchoolState) -> Bool {
        if let course, item.course != course { return false }
        if let state, item.status.rawValue != state { return false }
        if let teacher {
            guard let code = item.course, let c = school.course(code, term: item.term),
                  Self.teachers(c).contains(teacher) else { return false }
        }
        return true
    }

    /// Those who teach a course and, for a joint course, its reviewer: "my courses" to each of them.
    private static func teachers(_ course: Course) -> [String] { course.teachers + (course.reviewer.map { [$0] } ?? []) }

    private static func list(_ names: Set<String>) -> String {
        names.isEmpty ? "none yet" : names.sorted().joined(separator: ", ")
    }
}
