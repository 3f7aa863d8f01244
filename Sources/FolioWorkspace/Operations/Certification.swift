import FolioCore

/// `folio certify --all`: one item that waits for a teacher's certification.
public struct CertifiedItem: Codable, Sendable {
    public var student: String
    public var item: ItemView
}

/// An item that waits for the teacher but cannot be certified by this command today, and why, in plain words.
public struct WaitingItemLeft: Codable, Sendable {
    public enum Reason: String, Codable, Sendable {
        /// The term has no certification window, or it is not open today.
        case window
        /// A delegate acts for the teacher, but the course has another certifier who is available.
        case otherCertifierAvailable
    }
    public var student: String
    public var item: ItemView
    public var reason: Reason
    /// A sentence, as the fold's own refusal would put it.
    public var why: String
    public var hint: String
}

/// The course learning outcomes waiting for one teacher's certification.
public struct WaitingCertification: Sendable {
    /// What can be certified now, by student number (each list non-empty), in the order of the student folders.
    public var open: [(student: String, items: [ItemView])]
    /// What waits but cannot be certified now: outside the term's certification window, or, for a delegate,
    /// in a course with another certifier who is available.
    public var left: [WaitingItemLeft]

    public var openItems: [CertifiedItem] { open.flatMap { s in s.items.map { CertifiedItem(student: s.student, item: $0) } } }
}

/// What `certifyAllWaiting` did, and what it had to leave.
public struct CertifyAllOutcome: Codable, Sendable {
    public var certified: [CertifiedItem]
    public var left: [WaitingItemLeft]
}

extension WorkspaceSession {
    /// What waits for `teacher` (as `folio report uncertified` counts it): course learning outcomes in status
    /// `uploaded` of the courses they certify, optionally in one course, of students not sealed. `delegate`
    /// says the caller acts for `teacher` with `--for`, which a course's other available certifier rules out.
    public func waitingCertification(for teacher: String, course code: String?, delegate: Bool,
                                     on day: CivilDate) throws(FolioError) -> WaitingCertification {
        if let code {
            let courses = school.courses.filter { $0.code == code }
            guard !courses.isEmpty else {
                throw FolioError(.badInput, "certify.noCourse", ["code": code, "example": school.courses.first?.code ?? "PHY-11A"])
            }
            if !courses.contains(where: { $0.certifiers.contains(teacher) }) {
                let who = Set(courses.flatMap(\.certifiers)).sorted().joined(separator: ", ")
                throw FolioError(.notAuthorised, Message(who.isEmpty ? "certify.notTheirs.nobody" : "certify.notTheirs",
                                                       ["teacher": teacher, "code": code, "who": who]),
                                 hint: Message(who.isEmpty ? "certify.notTheirs.nobody.hint" : "certify.notTheirs.hint", ["who": who, "code": code]))
            }
        }
        func waits(_ item: ItemView) -> Bool {
            guard item.group == .courseOutcome, item.status == .uploaded, let c = item.course,
                  code == nil || c == code, let course = school.course(c, term: item.term) else { return false }
            return course.certifiers.contains(teacher)
        }
        /// Why an item that waits cannot be certified by this command today, if it cannot.
        func obstacle(_ item: ItemView) -> (reason: WaitingItemLeft.Reason, why: String, hint: String)? {
            if let refusal = CalendarRules.window(school, item.term, day, \.certify, "certification (認證)") {
                return (.window, refusal.message, refusal.hint)
            }
            if delegate, let course = item.course.flatMap({ school.course($0, term: item.term) }),
               let other = course.certifiers.sorted().first(where: { $0 != teacher && school.isAvailable($0, on: day) }) {
                return (.otherCertifierAvailable,
                        Message("certify.otherAvailable", ["other": other, "course": course.code, "teacher": teacher]).text(),
                        Message("certify.otherAvailable.hint", ["other": other]).text())
            }
            return nil
        }
        var open: [(student: String, items: [ItemView])] = []
        var left: [WaitingItemLeft] = []
        // The stored manifests say quickly who may have something waiting (as the report reads them); the fold
        // of each such student says what, at the version the student last uploaded. A sealed graduate's folder
        // can stay on a teacher's replica after a school update, but nothing more is recorded for them.
        for number in workspace.studentNumbers() where school.archived(number) == nil
        && (workspace.storedManifest(number) ?? workspace.view(number, school: school)).items.contains(where: waits) {
            var now: [ItemView] = []
            for item in workspace.view(number, school: school).items where waits(item) {
                if let (reason, why, hint) = obstacle(item) {
                    left.append(WaitingItemLeft(student: number, item: item, reason: reason, why: why, hint: hint))
                } else {
                    now.append(item)
                }
            }
            if !now.isEmpty { open.append((number, now)) }
        }
        return WaitingCertification(open: open, left: left)
    }

    /// Certifies everything `waitingCertification` finds open for `actor` (or for whom a delegate acts), in one
    /// transaction: all of it or, on any refusal, none. What cannot be certified today is left and returned, so
    /// an old term's stragglers do not block this term's work; if nothing else waits, the first reason is the
    /// refusal.
    public func certifyAllWaiting(course code: String?, actor: Actor, now: Instant) throws(FolioError) -> CertifyAllOutcome {
        let teacher = actor.onBehalfOf ?? actor.id
        let waiting = try waitingCertification(for: teacher, course: code, delegate: actor.onBehalfOf != nil, on: now.taipeiDay)
        if waiting.open.isEmpty, let first = waiting.left.first {
            throw FolioError(first.reason == .window ? .outsideWindow : .delegateNotAllowed,
                             Message("certify.noneNow", ["count": waiting.left.count, "teacher": teacher, "why": first.why]),
                             hint: .verbatim(first.hint))
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
        let views: [String: StudentView]
        do { views = try appendStudents(changes) } catch {
            throw FolioError(error.code, Message("certify.nothing", ["error": error.what]), hint: error.next)
        }
        let certified = waiting.openItems.compactMap { w in
            views[w.student]?.item(w.item.id).map { CertifiedItem(student: w.student, item: $0) }
        }
        return CertifyAllOutcome(certified: certified, left: waiting.left)
    }
}
