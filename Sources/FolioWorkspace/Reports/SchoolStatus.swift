import FolioCore

/// `folio status` for the whole school: what is outstanding at a glance.
public struct SchoolStatus: Codable, Sendable {
    public struct StudentLine: Codable, Sendable {
        public var number: String
        public var name: String
        public var className: String
        public var status: String
        public var uploaded: Int
        public var certified: Int
        public var rejected: Int
        public var pending: Int
        public var selectedCourse: Int
        public var selectedDiverse: Int
        public var conflicts: Int
        public var problems: Int
    }

    public var school: String
    public var name: String
    public var asOf: String
    public var students: [StudentLine]
    public var pendingCertifications: Int
    public var conflicts: Int
    public var problems: Int
    /// Current (not superseded) receipts, counted by answer: open, confirmed, disputed, deemed.
    public var receipts: [String: Int]

    /// The filter the lines were chosen by; absent when every student is shown.
    public var filter: StatusFilter?

    /// Every student's line, or those `filter` keeps. A course, teacher or state filter counts only the items
    /// it names and leaves out students with none of them; a name that matches nothing here is an error.
    public static func make(_ ws: Workspace, school: SchoolState, now: Instant,
                            filter: StatusFilter = StatusFilter()) throws(FolioError) -> SchoolStatus {
        let year = AcademicYear(containing: now.taipeiDay)
        var receipts: [String: Int] = [:]
        // Reading a manifest is most of the work: each student's line is made on every core, in order.
        let numbers = ws.studentNumbers()
        let made = Parallel.map(numbers.count) { i -> (line: StudentLine, answers: [String], className: String?, kept: Bool) in
            let number = numbers[i]
            let view = ws.storedManifest(number) ?? ws.view(number, school: school)
            let answers = view.receipts.filter { !$0.superseded }.map(\.answer.rawValue)
            let items = filter.narrowsItems ? view.items.filter { filter.keeps($0, school: school) } : view.items
            let ids = Set(items.map(\.id))
            let selected = items.filter { $0.selected && $0.term.year == year }
            let kept = filter.keeps(view.student) && (!filter.narrowsItems || !items.isEmpty)
            return (StudentLine(
                number: number, name: view.student?.name ?? "?", className: view.student?.className ?? "",
                status: view.student?.status.rawValue ?? "unregistered", uploaded: items.count,
                certified: items.filter { $0.status == .certified }.count,
                rejected: items.filter { $0.status == .rejected }.count,
                pending: items.filter { $0.group == .courseOutcome && $0.status == .uploaded }.count,
                selectedCourse: selected.filter { $0.group == .courseOutcome }.count,
                selectedDiverse: selected.filter { $0.group == .diverse }.count,
                conflicts: filter.narrowsItems ? view.conflicts.filter { ids.contains($0.item) }.count : view.conflicts.count,
                problems: view.problems.count),
                    answers, view.student?.className, kept)
        }
        try filter.check(school: school, classes: Set(made.compactMap(\.className)))
        let shown = made.filter(\.kept)
        let lines = shown.map(\.line)
        for answer in shown.flatMap(\.answers) { receipts[answer, default: 0] += 1 }
        return SchoolStatus(school: school.code, name: school.name, asOf: now.taipeiText, students: lines,
                            pendingCertifications: lines.reduce(0) { $0 + $1.pending },
                            conflicts: lines.reduce(0) { $0 + $1.conflicts },
                            problems: lines.reduce(0) { $0 + $1.problems } + (filter.isEmpty ? school.problems.count : 0),
                            receipts: receipts, filter: filter.isEmpty ? nil : filter)
    }
}

extension SchoolStatus {
    /// `folio status --xlsx`: one sheet, a line per student as the screen lists them, the counts as numbers (the
    /// selected course outcomes and diverse performances in columns of their own). The headers and states are the
    /// catalog's Chinese words whatever language folio speaks, as the reports' column titles are: staff print and
    /// pass these on.
    public var workbook: Workbook {
        func words(_ key: String) -> String { Message(key).text(.zhTW) }
        let header = ["number", "name", "class", "status", "items", "certified", "waiting", "returned",
                      "selectedCourse", "selectedDiverse", "conflicts"].map { words("status.column." + $0) }
        let rows = students.map { s -> [Workbook.Cell] in
            let state = StudentStatus(rawValue: s.status) != nil || s.status == "unregistered" ? words("status.student." + s.status) : s.status
            return [.text(s.number), .text(s.name), .text(s.className), .text(state), .number(s.uploaded), .number(s.certified),
                    .number(s.pending), .number(s.rejected), .number(s.selectedCourse), .number(s.selectedDiverse), .number(s.conflicts)]
        }
        let title = words("status.workbook.sheet")
        return Workbook(title: title, sheets: [Workbook.Sheet(name: title, header: header, rows: rows)])
    }
}
