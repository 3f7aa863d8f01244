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

extension WorkspaceSession {
    /// Certifies every course learning outcome that waits for `actor` (or for whom a delegate acts) in
    /// status `uploaded`, optionally in one course, in one transaction: all of them or, on any refusal,
    /// none. Items of a term whose certification window is not open today are left and counted, so an old
    /// term's stragglers do not block this term's work; if nothing else waits, the window's refusal is
    /// the answer.
    public func certifyAllWaiting(course code: String?, actor: Actor, now: Instant) throws(FolioError) -> CertifyAllOutcome {
        let teacher = actor.onBehalfOf ?? actor.id
        if let code, !school.courses.contains(where: { $0.code == code }) {
            throw FolioError(.badInput, "There is no course \(code) in this school.",
                             hint: "Use a course code from `folio report uncertified`, for example \(school.courses.first?.code ?? "PHY-11A").")
        }
        func waits(_ item: ItemView) -> Bool {
            guard item.group == .courseOutcome, item.status == .uploaded, let c = item.course,
                  code == nil || c == code, let course = school.course(c, term: item.term) else { return false }
            return course.certifiers.contains(teacher)
        }
        let day = now.taipeiDay
        var changes: [StudentChange] = []
        var closed: [Term: Int] = [:]
        // The stored manifests say quickly who may have something waiting; the fold of each such student
        // says what, at the version the student last uploaded.
        for number in workspace.studentNumbers()
        where (workspace.storedManifest(number) ?? workspace.view(number, school: school)).items.contains(where: waits) {
            let items = workspace.view(number, school: school).items.filter(waits)
            let open = items.filter { school.calendar(for: $0.term)?.certify.contains(day) ?? false }
            for item in items where !open.contains(item) { closed[item.term, default: 0] += 1 }
            guard !open.isEmpty else { continue }
            let earlier = workspace.studentEvents(number)
            var events: [StoredEvent] = []
            for item in open {
                events.append(try sign(actor, .itemCertified, student: number, at: now,
                                       body: ItemDecision(item: item.id, version: item.version, reason: nil), after: earlier))
            }
            changes.append(StudentChange(number: number, events: events))
        }
        let outside = closed.sorted { $0.key < $1.key }.map { term, count in
            (term: term, count: count, window: school.calendar(for: term).map { "\($0.certify)" } ?? "not set")
        }
        if changes.isEmpty, let first = outside.first {
            throw FolioError(.outsideWindow,
                             "\(outside.map(\.count).reduce(0, +)) item(s) wait for \(teacher), but the certification (認證) window for \(first.term) is \(first.window); today is \(day).",
                             hint: "Certify inside the window; ask the data section (資料組) if it must be reopened.")
        }
        let views = try appendStudents(changes)
        var certified: [CertifiedItem] = []
        for change in changes {
            for event in change.events {
                guard let id = (try? event.event.decodeBody(ItemDecision.self))?.item,
                      let item = views[change.number]?.item(id) else { continue }
                certified.append(CertifiedItem(student: change.number, item: item))
            }
        }
        return CertifyAllOutcome(certified: certified, outsideWindow: outside)
    }
}
