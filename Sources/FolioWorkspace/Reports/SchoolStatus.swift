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

    public static func make(_ ws: Workspace, school: SchoolState, now: Instant) -> SchoolStatus {
        let year = AcademicYear(containing: now.taipeiDay)
        var receipts: [String: Int] = [:]
        // Reading a manifest is most of the work: each student's line is made on every core, in order.
        let numbers = ws.studentNumbers()
        let made = Parallel.map(numbers.count) { i -> (StudentLine, [String]) in
            let number = numbers[i]
            let view = ws.storedManifest(number) ?? ws.view(number, school: school)
            let answers = view.receipts.filter { !$0.superseded }.map(\.answer.rawValue)
            let items = view.items
            return (StudentLine(
                number: number, name: view.student?.name ?? "?", className: view.student?.className ?? "",
                status: view.student?.status.rawValue ?? "unregistered", uploaded: items.count,
                certified: items.filter { $0.status == .certified }.count,
                rejected: items.filter { $0.status == .rejected }.count,
                pending: items.filter { $0.group == .courseOutcome && $0.status == .uploaded }.count,
                selectedCourse: view.selected(in: year, group: .courseOutcome).count,
                selectedDiverse: view.selected(in: year, group: .diverse).count,
                conflicts: view.conflicts.count, problems: view.problems.count), answers)
        }
        let lines = made.map(\.0)
        for answer in made.flatMap(\.1) { receipts[answer, default: 0] += 1 }
        return SchoolStatus(school: school.code, name: school.name, asOf: now.taipeiText, students: lines,
                            pendingCertifications: lines.reduce(0) { $0 + $1.pending },
                            conflicts: lines.reduce(0) { $0 + $1.conflicts },
                            problems: lines.reduce(0) { $0 + $1.problems } + school.problems.count, receipts: receipts)
    }
}
