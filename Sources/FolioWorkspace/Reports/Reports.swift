import FolioCore

/// The office reports of the seed's Appendix 1. Column titles are Traditional Chinese: these are printed
/// and read by staff.
public enum Reports {
    public struct Table: Codable, Sendable {
        public var title: String
        public var header: [String]
        public var rows: [[String]]
        /// Set when the table puts one person's lines first: whose, and how many of the rows are theirs.
        public var first: Leading?
        /// The columns that hold counts: a workbook writes them as numbers (`Workbook`). Not part of the JSON.
        public var counts: [Int] = []

        enum CodingKeys: String, CodingKey { case title, header, rows, first }
    }

    public struct Leading: Codable, Sendable {
        public var person: String
        public var rows: Int
    }

    /// 查詢未認證教師狀況表: per teacher and course, how many items wait for certification and since when.
    /// With `first`, that person's lines come before everyone else's: a teacher looks for their own.
    public static func uncertified(_ ws: Workspace, school: SchoolState, now: Instant, first wanted: String? = nil) -> Table {
        // Only someone who certifies a course has lines of their own; a clerk gets the plain report.
        let first = wanted.flatMap { who in school.courses.contains { $0.certifiers.contains(who) } ? who : nil }
        struct Key: Hashable { var teacher: String; var course: String; var term: Term }
        var pending: [Key: (count: Int, oldest: Instant)] = [:]
        // A sealed graduate's folder can stay on a teacher's replica; nothing more can be recorded for them.
        for number in ws.studentNumbers() where school.archived(number) == nil {
            let view = ws.storedManifest(number) ?? ws.view(number, school: school)
            for item in view.items where item.group == .courseOutcome && item.status == .uploaded {
                guard let code = item.course, let course = school.course(code, term: item.term) else { continue }
                for teacher in course.certifiers {
                    let key = Key(teacher: teacher, course: code, term: item.term)
                    let old = pending[key]
                    pending[key] = ((old?.count ?? 0) + 1, min(old?.oldest ?? item.uploadedAt, item.uploadedAt))
                }
            }
        }
        let day = now.taipeiDay
        let rows = pending.sorted {
            ($0.key.teacher != first ? 1 : 0, $0.key.teacher, $0.key.term, $0.key.course)
                < ($1.key.teacher != first ? 1 : 0, $1.key.teacher, $1.key.term, $1.key.course)
        }
            .map { key, value -> [String] in
                let teacher = school.principal(key.teacher)
                let away = school.unavailability(key.teacher, on: day).map { $0.status == .left ? "離職" : "請假" } ?? ""
                let closes = school.calendar(for: key.term).map { "\($0.certify.to)" } ?? ""
                return [key.teacher, teacher?.name ?? "", away, key.term.description, key.course,
                        school.course(key.course, term: key.term)?.name ?? "", String(value.count),
                        value.oldest.taipeiDay.description, closes]
            }
        return Table(title: "查詢未認證教師狀況表",
                     header: ["教師編號", "教師姓名", "狀態", "學期", "課程代碼", "課程名稱", "未認證件數", "最早上傳日", "認證截止日"],
                     rows: rows, first: first.map { who in Leading(person: who, rows: rows.prefix { $0[0] == who }.count) }, counts: [6])
    }

    /// 查詢學生學習成果勾選情形: per student, selections against the year's limits.
    public static func selections(_ ws: Workspace, school: SchoolState, year: AcademicYear) -> Table {
        var rows: [[String]] = []
        for number in ws.studentNumbers() {
            let view = ws.storedManifest(number) ?? ws.view(number, school: school)
            guard let s = view.student else { continue }
            let inYear = view.items.filter { $0.term.year == year }
            let course = view.selected(in: year, group: .courseOutcome).count
            let diverse = view.selected(in: year, group: .diverse).count
            let certifiedOpen = inYear.filter { $0.group == .courseOutcome && $0.status == .certified && !$0.selected }.count
            rows.append([number, s.name, s.className, String(year.value),
                         "\(course)/\(school.settings.courseSelectionLimit)", String(certifiedOpen),
                         "\(diverse)/\(school.settings.diverseSelectionLimit)",
                         course == 0 && diverse == 0 ? "尚未勾選" : "已勾選"])
        }
        return Table(title: "查詢學生學習成果勾選情形",
                     header: ["學號", "姓名", "班級", "學年度", "課程學習成果勾選", "已認證未勾選", "多元表現勾選", "狀態"],
                     rows: rows, counts: [5])
    }

    /// 收訖明細確認情形: per student and receipt, the answer: confirmed, doubt raised (and where it went),
    /// deemed confirmed, or still open. Superseded receipts are left out.
    public static func confirmations(_ ws: Workspace, school: SchoolState, submission: String?) -> Table {
        var rows: [[String]] = []
        for number in ws.studentNumbers() {
            let view = ws.storedManifest(number) ?? ws.view(number, school: school)
            for r in view.receipts where !r.superseded && (submission == nil || r.receipt.submission == submission) {
                let answer: String
                switch r.answer {
                case .open: answer = "尚未確認"
                case .confirmed: answer = r.via == .post ? "已確認（郵寄）" : "已確認"
                case .disputed: answer = "提出異議"
                case .deemed: answer = "視為確認"
                }
                let doubt = r.disputes.last
                rows.append([number, view.student?.name ?? "", view.student?.className ?? "", r.receipt.submission, r.code, answer,
                             r.answeredAt?.taipeiDay.description ?? "",
                             doubt.map(\.office.officeName) ?? "",
                             doubt.map { $0.finding ?? "處理中" } ?? ""])
            }
        }
        return Table(title: "收訖明細確認情形",
                     header: ["學號", "姓名", "班級", "提交批次", "收訖明細代碼", "確認情形", "回覆日期", "異議處理單位", "處理結果"],
                     rows: rows)
    }
}
