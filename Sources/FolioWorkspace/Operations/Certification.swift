import FolioCore

/// `folio certify --all`: what one teacher certifies in one step.
public struct CertifiedItem: Codable, Sendable {
    public var student: String
    public var item: ItemView
}

/// What `certifyAllWaiting` did, and what it had to leave.
public struct CertifyAllOutcome: Sendable {
    /// Items certified now, by student number and then by item id.
    public var certified: [CertifiedItem]
    /// Items that wait for the same teacher in a term whose certification window is not open today.
    public var outsideWindow: [(term: Term, count: Int, window: String)]
}

/// The course learning outcomes waiting for one teacher's certification, by student.
public struct WaitingCertification: Sendable {
    /// Items whose term's certification window is open today, by student number (each list non-empty).
    public var open: [(student: String, items: [ItemView])]
    /// Items of a term whose certification window is not open today.
    public var outsideWindow: [(term: Term, count: Int, window: String)]

    public var openItems: [CertifiedItem] { open.flatMap { s in s.items.map { CertifiedItem(student: s.student, item: $0) } } }
}

extension WorkspaceSession {
    /// What waits for `teacher` (as `folio report uncertified` counts it): course learning outcomes in status
    /// `uploaded` of the courses they certify, optionally in one course, split by whether the term's
    /// certification window is open on `day`.
    public func waitingCertification(for teacher: String, course code: String?, on day: CivilDate) throws(FolioError) -> WaitingCertification {
        if let code, !school.courses.contains(where: { $0.code == code }) {
            throw FolioError(.badInput, "There is no course \(code) in this school.",
                             hint: "Use a course code from `folio report uncertified`, for example \(school.courses.first?.code ?? "PHY-11A").")
        }
        func waits(_ item: ItemView) -> Bool {
            guard item.group == .courseOutcome, item.status == .uploaded, let c = item.course,
                  code == nil || c == code, let course = school.course(c, term: item.term) else { return false }
            return course.certifiers.contains(teacher)
        }
        var open: [(student: String, items: [ItemView])] = []
        var closed: [Term: Int] = [:]
        // The stored manifests say quickly who may have something waiting; the fold of each such student
        // says what, at the version the student last uploaded.
        for number in workspace.studentNumbers()
        where (workspace.storedManifest(number) ?? workspace.view(number, school: school)).items.contains(where: waits) {
            let items = workspace.view(number, school: school).items.filter(waits)
            let inWindow = items.filter { school.calendar(for: $0.term)?.certify.contains(day) ?? false }
            for item in items where !inWindow.contains(item) { closed[item.term, default: 0] += 1 }
            if !inWindow.isEmpty { open.append((number, inWindow)) }
        }
        let outside = closed.sorted { $0.key < $1.key }.map { term, count in
            (term: term, count: count, window: school.calendar(for: term).map { "\($0.certify)" } ?? "not set")
        }
        return WaitingCertification(open: open, outsideWindow: outside)
    }

    /// Certifies everything `waitingCertification` finds open for `actor` (or for whom a delegate acts), in one
    /// transaction: all of it or, on any refusal, none. Items of a term whose window is not open today are left
    /// and counted, so an old term's stragglers do not block this term's work; if nothing else waits, the
    /// window's refusal is the answer.
    public func certifyAllWaiting(course code: String?, actor: Actor, now: Instant) throws(FolioError) -> CertifyAllOutcome {
        let teacher = actor.onBehalfOf ?? actor.id
        let day = now.taipeiDay
        let waiting = try waitingCertification(for: teacher, course: code, on: day)
        if waiting.open.isEmpty, let first = waiting.outsideWindow.first {
            throw FolioError(.outsideWindow,
                             "\(waiting.outsideWindow.map(\.count).reduce(0, +)) item(s) wait for \(teacher), but the certification (認證) window for \(first.term) is \(first.window); today is \(day).",
                             hint: "Certify inside the window; ask the data section (資料組) if it must be reopened.")
        }
        var changes: [StudentChange] = []
        for (number, items) in waiting.open {
            let earlier = workspace.studentEvents(number)
            var events: [StoredEvent] = []
            for item in items {
                events.append(try sign(actor, .itemCertified, student: number, at: now,
                                       body: ItemDecision(item: item.id, version: item.version, reason: nil), after: earlier))
            }
            changes.append(StudentChange(number: number, events: events))
        }
        let views = try appendStudents(changes)
        let certified = waiting.openItems.compactMap { w in
            views[w.student]?.item(w.item.id).map { CertifiedItem(student: w.student, item: $0) }
        }
        return CertifyAllOutcome(certified: certified, outsideWindow: waiting.outsideWindow)
    }
}
