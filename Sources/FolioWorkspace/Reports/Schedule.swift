import FolioCore

/// `folio schedule`: the term's windows, what is due and overdue, the self-check points (自我檢核) of seed
/// point 四, and whether seed point 九's briefings and training were held this academic year.
public struct Schedule: Encodable, Sendable {
    /// One window of the term. It is shown in the user's language; `--json` writes it in English.
    public struct WindowLine: Encodable, Sendable {
        public var what: Message
        public var window: String
        public var state: String   // upcoming, open, closed
        public var daysLeft: Int?

        /// The window's name in English, as `--json` writes it.
        public var name: String { what.text(.en) }
        /// `state` in the user's language.
        public var shownState: Message { Message("schedule.state." + state) }

        private enum CodingKeys: String, CodingKey { case name, window, state, daysLeft }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(window, forKey: .window)
            try c.encode(state, forKey: .state)
            try c.encodeIfPresent(daysLeft, forKey: .daysLeft)
        }
    }

    /// One self-check point: shown in the user's language; `--json` writes it in English.
    public struct Check: Encodable, Sendable {
        public var what: Message
        public var ok: Bool
        public var found: Message

        /// The point and what was found, in English, as `--json` writes them.
        public var point: String { what.text(.en) }
        public var detail: String { found.text(.en) }

        private enum CodingKeys: String, CodingKey { case point, ok, detail }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(point, forKey: .point)
            try c.encode(ok, forKey: .ok)
            try c.encode(detail, forKey: .detail)
        }
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
            return WindowLine(what: Message("schedule.window." + name), window: w.description, state: state,
                              daysLeft: state == "open" ? today.days(until: w.to) : nil)
        }
        let windows = [line("upload", cal.upload), line("certify", cal.certify), line("select", cal.select)]
        var checks: [Check] = []
        let minimumUploadEnd = cal.closingCeremony.adding(days: 14)
        let uploadEnd: [String: any MessageValue] = ["close": "\(cal.upload.to)", "earliest": "\(minimumUploadEnd)"]
        checks.append(Check(what: Message("schedule.check.uploadWeeks", ["closing": "\(cal.closingCeremony)"]),
                            ok: cal.upload.to >= minimumUploadEnd || cal.term.semester == 2,
                            found: Message(cal.term.semester == 2 ? "schedule.check.uploadWeeks.found.semester2"
                                                                  : "schedule.check.uploadWeeks.found", uploadEnd)))
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
        checks.append(Check(what: Message("schedule.check.certified", ["date": "\(cal.certify.to)"]), ok: pending == 0,
                            found: pending == 0 ? Message("schedule.check.certified.none")
                                : Message(certifyClosed ? "schedule.check.certified.overdue" : "schedule.check.certified.waiting",
                                          ["count": pending])))
        checks.append(Check(what: Message("schedule.check.uploaded"), ok: studentsWithout == 0,
                            found: Message("schedule.check.uploaded.found", ["uploads": uploadsThisTerm, "without": studentsWithout])))
        checks.append(Check(what: Message("schedule.check.selected", ["date": "\(cal.select.to)"]),
                            ok: certifiedUnselected == 0 || today < cal.select.from,
                            found: Message("schedule.check.selected.found", ["count": certifiedUnselected])))
        let year = cal.term.year
        let held = school.activities.filter { AcademicYear(containing: $0.date) == year }
        let needed: [(ActivityRecorded.Kind, String)] = [
            (.briefing, "briefing"), (.teacherTraining, "teacherTraining"), (.studentTraining, "studentTraining"), (.workshop, "workshop"),
        ]
        for (kind, name) in needed {
            let found = held.filter { $0.kind == kind }
            checks.append(Check(what: Message("schedule.check.activity", ["activity": Message("schedule.activity." + name), "year": "\(year)"]),
                                ok: !found.isEmpty,
                                found: found.isEmpty ? Message("schedule.check.activity.none")
                                    : .verbatim(found.map { "\($0.date) \($0.title)" }.joined(separator: "; "))))
        }
        return Schedule(term: cal.term.description, today: today.description, windows: windows, checks: checks)
    }
}
