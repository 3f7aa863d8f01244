import FolioCore

/// `folio schedule`: the term's windows, what is due and overdue, the self-check points (自我檢核) of seed
/// point 四, and whether seed point 九's briefings and training were held this academic year.
public struct Schedule: Codable, Sendable {
    public struct WindowLine: Codable, Sendable {
        public var name: String
        public var window: String
        public var state: String   // upcoming, open, closed
        public var daysLeft: Int?
    }

    public struct Check: Codable, Sendable {
        public var point: String
        public var ok: Bool
        public var detail: String
    }

    public var term: String
    public var today: String
    public var windows: [WindowLine]
    public var checks: [Check]

    public static func make(_ ws: Workspace, school: SchoolState, now: Instant, term wanted: Term?) -> Schedule? {
        let today = now.taipeiDay
        // A term asked for is shown or nothing is: another term's windows under its name would mislead.
        let found = wanted.map { school.calendar(for: $0) } ?? school.calendar.last(where: { $0.start <= today }) ?? school.calendar.first
        guard let cal = found else { return nil }
        func line(_ name: String, _ w: Window) -> WindowLine {
            let state = today < w.from ? "upcoming" : (today > w.to ? "closed" : "open")
            return WindowLine(name: name, window: w.description, state: state,
                              daysLeft: state == "open" ? today.days(until: w.to) : nil)
        }
        let windows = [line("upload (上傳)", cal.upload), line("certification (認證)", cal.certify),
                       line("selection (勾選)", cal.select)]
        var checks: [Check] = []
        let minimumUploadEnd = cal.closingCeremony.adding(days: 14)
        checks.append(Check(point: "uploads open ≥ 2 weeks after the closing ceremony (休業式 \(cal.closingCeremony))",
                            ok: cal.upload.to >= minimumUploadEnd || cal.term.semester == 2,
                            detail: "uploads close \(cal.upload.to); earliest allowed \(minimumUploadEnd)"
                                + (cal.term.semester == 2 ? " (grade 12 semester 2 may close earlier)" : "")))
        var pending = 0, uploadsThisTerm = 0, studentsWithout = 0, certifiedUnselected = 0
        for number in ws.studentNumbers() {
            let view = ws.storedManifest(number) ?? ws.view(number, school: school)
            guard view.student?.status == .enrolled else { continue }
            let inTerm = view.items.filter { $0.term == cal.term }
            pending += inTerm.filter { $0.group == .courseOutcome && $0.status == .uploaded }.count
            uploadsThisTerm += inTerm.count
            if inTerm.isEmpty { studentsWithout += 1 }
            certifiedUnselected += view.items.filter {
                $0.term.year == cal.term.year && $0.status == .certified && !$0.selected
            }.count
        }
        let certifyClosed = today > cal.certify.to
        checks.append(Check(point: "every upload certified by \(cal.certify.to)", ok: pending == 0,
                            detail: pending == 0 ? "nothing waiting"
                                : "\(pending) item(s) wait for a teacher" + (certifyClosed ? " — OVERDUE" : "; see `folio report uncertified`")))
        checks.append(Check(point: "every enrolled student has uploaded this term", ok: studentsWithout == 0,
                            detail: "\(uploadsThisTerm) upload(s); \(studentsWithout) student(s) with none"))
        checks.append(Check(point: "selections made by \(cal.select.to)", ok: certifiedUnselected == 0 || today < cal.select.from,
                            detail: "\(certifiedUnselected) certified item(s) not selected; see `folio report selections`"))
        let year = cal.term.year
        let held = school.activities.filter { AcademicYear(containing: $0.date) == year }
        let needed: [(ActivityRecorded.Kind, String)] = [
            (.briefing, "宣導說明 briefing for students, parents and staff"),
            (.teacherTraining, "系統操作訓練 system training for teachers"),
            (.studentTraining, "系統操作訓練 system training for students"),
            (.workshop, "專業研習 workshop"),
        ]
        for (kind, title) in needed {
            let found = held.filter { $0.kind == kind }
            checks.append(Check(point: "seed 九: \(title) in \(year)", ok: !found.isEmpty,
                                detail: found.isEmpty ? "not recorded yet; record it with `folio activity add`"
                                    : found.map { "\($0.date) \($0.title)" }.joined(separator: "; ")))
        }
        return Schedule(term: cal.term.description, today: today.description, windows: windows, checks: checks)
    }
}
