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
        var lines: [StudentLine] = []
        var receipts: [String: Int] = [:]
        for number in ws.studentNumbers() {
            let view = ws.storedManifest(number) ?? ws.view(number, school: school)
            for r in view.receipts where !r.superseded { receipts[r.answer.rawValue, default: 0] += 1 }
            let items = view.items
            lines.append(StudentLine(
                number: number, name: view.student?.name ?? "?", className: view.student?.className ?? "",
                status: view.student?.status.rawValue ?? "unregistered", uploaded: items.count,
                certified: items.filter { $0.status == .certified }.count,
                rejected: items.filter { $0.status == .rejected }.count,
                pending: items.filter { $0.group == .courseOutcome && $0.status == .uploaded }.count,
                selectedCourse: view.selected(in: year, group: .courseOutcome).count,
                selectedDiverse: view.selected(in: year, group: .diverse).count,
                conflicts: view.conflicts.count, problems: view.problems.count))
        }
        return SchoolStatus(school: school.code, name: school.name, asOf: now.taipeiText, students: lines,
                            pendingCertifications: lines.reduce(0) { $0 + $1.pending },
                            conflicts: lines.reduce(0) { $0 + $1.conflicts },
                            problems: lines.reduce(0) { $0 + $1.problems } + school.problems.count, receipts: receipts)
    }
}
