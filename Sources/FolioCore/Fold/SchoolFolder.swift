import Foundation
/// Folds the school-wide events into a `SchoolState`. The `school.created` event signed by the pinned
/// root fixes the school code and root key; every later event must be signed by a key the state already
/// trusts, checked in (at, id) order so the result does not depend on arrival order.
public enum SchoolFolder {
    /// `root`: the school root key this workspace was founded with or joined under (`folio.json`). A
    /// `school.created` under any other root is held back whatever date it claims, so a stick written by
    /// someone who founded "the same school" under a key of their own changes nothing. Nil only where
    /// nothing is pinned yet (a bundle read to start a replica, before its root is confirmed).
    public static func fold(_ events: [StoredEvent], root: String?) -> SchoolState {
        var state = SchoolState()
        for stored in events.sorted(by: StoredEvent.foldOrder) {
            if let error = apply(stored, to: &state, root: root) {
                state.problems.append(Problem(event: stored.id, error: error))
            }
        }
        return state
    }

    /// The root key of the first validly signed `school.created` among `events`, which is what a workspace
    /// without a pinned root trusted before roots were pinned, and what a replica pins when it starts.
    public static func foundingRoot(_ events: [StoredEvent]) -> String? {
        events.sorted(by: StoredEvent.foldOrder).first { e in
            e.signatureIsValid && e.event.kind == .schoolCreated && e.event.author == SchoolState.rootPrincipal
        }.flatMap { try? $0.event.decodeBody(SchoolCreated.self).rootKey }
    }

    /// Every distinct root key a `school.created` among `events` declares.
    public static func declaredRoots(_ events: [StoredEvent]) -> Set<String> {
        Set(events.filter { $0.event.kind == .schoolCreated }.compactMap { try? $0.event.decodeBody(SchoolCreated.self).rootKey })
    }

    /// Applies one event, or returns why it was kept out. `state` is untouched on error.
    public static func apply(_ stored: StoredEvent, to state: inout SchoolState, root pinned: String?) -> FolioError? {
        let event = stored.event
        guard stored.signatureIsValid else {
            return FolioError(.tampered, "school.fold.tampered", ["record": stored.id.prefix(12)])
        }
        guard event.kind.isSchoolWide, event.student == nil else {
            return FolioError(.badInput, "school.fold.studentRecord")
        }
        do {
            if event.kind == .schoolCreated {
                guard state.code.isEmpty else {
                    return FolioError(.duplicate, "school.fold.alreadyCreated")
                }
                let body = try event.decodeBody(SchoolCreated.self)
                guard event.author == SchoolState.rootPrincipal, event.key == body.rootKey, event.school == body.code else {
                    return FolioError(.wrongKey, "school.fold.creationNotByRoot")
                }
                if body.demo != true, DemoKeys.isPublished(body.rootKey) {
                    return FolioError(.wrongKey, "school.fold.demoRoot", ["code": body.code])
                }
                if let pinned, body.rootKey != pinned {
                    return FolioError(.wrongKey, "school.fold.otherRoot", ["code": body.code, "fingerprint": RootFingerprint.of(body.rootKey),
                                                                      "pinned": RootFingerprint.of(pinned)])
                }
                state.code = body.code
                state.name = body.name
                state.address = body.address
                state.demo = body.demo
                state.rootKey = body.rootKey
                return nil
            }
            guard !state.code.isEmpty else {
                return FolioError(.workspaceDamaged, "school.fold.beforeCreation")
            }
            if let error = Authority.checkKey(event, school: state) { return error }
            switch event.kind {
            case .staffSet:
                if let error = rootOnly(event, Message("school.fold.rootOnly.registerPeople")) { return error }
                let p = try event.decodeBody(Principal.self)
                guard !p.id.isEmpty, p.id != SchoolState.rootPrincipal else {
                    return FolioError(.badInput, "school.fold.badPersonId")
                }
                if let key = p.publicKey {
                    if state.demo != true, DemoKeys.isPublished(key) {
                        return FolioError(.wrongKey, "school.fold.demoKey", ["id": p.id])
                    }
                    guard SignatureCheck.isPublicKey(key) else {
                        return FolioError(.badKeyFile, "school.fold.notSigningKey", ["id": p.id])
                    }
                    var list = state.keys[p.id] ?? []
                    if !list.contains(key) { list.append(key) }
                    state.keys[p.id] = list
                }
                if let key = p.encryptionKey, SignatureCheck.encryptionKey(key) == nil {
                    return FolioError(.badKeyFile, "school.fold.notEncryptionKey", ["id": p.id])
                }
                state.principals[p.id] = p
            case .staffAvailability:
                if let error = staffDuty(event, state) { return error }
                let a = try event.decodeBody(Availability.self)
                guard state.principals[a.id] != nil else {
                    return FolioError(.unknownPerson, "school.fold.unknownPerson", ["id": a.id])
                }
                state.availability.removeAll { $0.id == a.id && $0.from == a.from }
                state.availability.append(a)
                state.availability.sort { ($0.id, $0.from) < ($1.id, $1.from) }
            case .keyRevoked:
                if let error = rootOnly(event, Message("school.fold.rootOnly.revokeKeys")) { return error }
                let r = try event.decodeBody(KeyRevoked.self)
                guard r.publicKey != state.rootKey else {
                    return FolioError(.badInput, "school.fold.revokeRoot")
                }
                state.revoked[r.publicKey] = min(state.revoked[r.publicKey] ?? event.at, event.at)
            case .rootReplaced:
                if let error = rootOnly(event, Message("school.fold.rootOnly.replaceRoot")) { return error }
                let r = try event.decodeBody(RootReplaced.self)
                guard SignatureCheck.isPublicKey(r.newRootKey), r.newRootKey != state.rootKey,
                      !state.formerRootKeys.contains(r.newRootKey) else {
                    return FolioError(.badKeyFile, "school.fold.newRootNotNew")
                }
                state.formerRootKeys.append(state.rootKey)
                state.rootKey = r.newRootKey
            case .dutyTable:
                if let error = rootOnly(event, Message("school.fold.rootOnly.changeDutyTable")) { return error }
                state.dutyTable = try event.decodeBody(DutyTable.self)
            case .settings:
                if let error = duty(event, "outcome-settings", state) { return error }
                let s = try event.decodeBody(Settings.self)
                guard s.uploadLimitPerTerm > 0, s.courseSelectionLimit > 0, s.diverseSelectionLimit > 0,
                      s.descriptionLimit > 0, s.retentionYears >= 5 else {
                    return FolioError(.badInput, "school.fold.badSettings")
                }
                state.settings = s
            case .calendarTerm:
                if let error = duty(event, "outcome-settings", state) { return error }
                let c = try event.decodeBody(CalendarTerm.self)
                if let error = CalendarRules.check(c) { return error }
                state.calendar.removeAll { $0.term == c.term }
                state.calendar.append(c)
                state.calendar.sort { $0.term < $1.term }
            case .courseSet:
                if let error = duty(event, "course-setup", state) { return error }
                let c = try event.decodeBody(Course.self)
                for id in c.teachers + (c.reviewer.map { [$0] } ?? []) where state.principals[id] == nil {
                    return FolioError(.unknownPerson, "school.fold.courseTeacherUnknown", ["course": c.code, "id": id])
                }
                state.courses.removeAll { $0.code == c.code && $0.term == c.term }
                state.courses.append(c)
                state.courses.sort { ($0.term, $0.code) < ($1.term, $1.code) }
            case .activityRecorded:
                if let error = duty(event, "training", state) { return error }
                state.activities.append(try event.decodeBody(ActivityRecorded.self))
                state.activities.sort { ($0.date, $0.kind.rawValue, $0.title) < ($1.date, $1.kind.rawValue, $1.title) }
            case .submissionMade:
                let s = try event.decodeBody(SubmissionMade.self)
                if let error = duty(event, s.office.duty, state) { return error }
                guard state.submission(s.id) == nil else {
                    return FolioError(.duplicate, "school.fold.submissionDuplicate", ["submission": s.id])
                }
                if let old = s.supersedes, state.submission(old) == nil {
                    return FolioError(.badInput, "school.fold.correctsUnknown", ["submission": s.id, "old": old])
                }
                state.submissions.append(s)
            case .confirmationOpened:
                if let error = duty(event, SubmittingOffice.data.duty, state) { return error }
                let c = try event.decodeBody(ConfirmationOpened.self)
                guard c.from.days(until: c.to) + 1 >= 3 else {
                    return FolioError(.badInput, "school.fold.periodTooShort", ["from": "\(c.from)", "to": "\(c.to)",
                                                                            "days": max(0, c.from.days(until: c.to) + 1)])
                }
                for id in c.submissions where state.submission(id) == nil {
                    return FolioError(.badInput, "school.fold.noSubmission", ["submission": id])
                }
                guard !state.confirmations.contains(where: { $0.id == c.id }) else {
                    return FolioError(.duplicate, "school.fold.periodDuplicate", ["period": c.id])
                }
                state.confirmations.append(ConfirmationPeriod(c))
            case .archiveSealed:
                if let error = duty(event, "enrolment", state) { return error }
                let a = try event.decodeBody(ArchiveSealed.self)
                guard state.archived(a.student) == nil else {
                    return FolioError(.duplicate, "school.fold.archiveDuplicate", ["student": a.student])
                }
                guard a.graduated <= a.sealed, a.retainUntil >= a.sealed.adding(years: state.settings.retentionYears) else {
                    return FolioError(.badInput, "school.fold.retentionShort", ["student": a.student, "until": "\(a.retainUntil)",
                                                                           "years": state.settings.retentionYears])
                }
                state.archive.append(ArchiveEntry(sealed: a, event: stored.id, sealedBy: event.author, purged: nil, purgedBy: nil))
            case .archivePurged:
                if let error = duty(event, "enrolment", state) { return error }
                let p = try event.decodeBody(ArchivePurged.self)
                guard let index = state.archive.lastIndex(where: { $0.sealed.student == p.student && $0.sealed.sha256 == p.sha256 }) else {
                    return FolioError(.unknownStudent, "school.fold.noArchive", ["student": p.student])
                }
                let entry = state.archive[index]
                guard p.purged >= entry.sealed.retainUntil, event.at.taipeiDay >= entry.sealed.retainUntil else {
                    return FolioError(.outsideWindow, "school.fold.keptUntil", ["student": p.student, "until": "\(entry.sealed.retainUntil)"])
                }
                if state.archive[index].purged == nil {
                    state.archive[index].purged = p
                    state.archive[index].purgedBy = event.author
                }
            case .confirmationClosed:
                if let error = duty(event, SubmittingOffice.data.duty, state) { return error }
                let c = try event.decodeBody(ConfirmationClosed.self)
                guard let index = state.confirmations.firstIndex(where: { $0.id == c.id }) else {
                    return FolioError(.badInput, "school.fold.noPeriod", ["period": c.id])
                }
                let period = state.confirmations[index]
                guard event.at.taipeiDay > period.to else {
                    return FolioError(.outsideWindow, "school.fold.periodRunning", ["period": c.id, "to": "\(period.to)",
                                                                               "from": "\(period.to.adding(days: 1))"])
                }
                if period.closed == nil { state.confirmations[index].closed = event.at }
            default:
                return FolioError(.badInput, "school.fold.unexpectedKind", ["kind": event.kind.rawValue])
            }
            return nil
        } catch {
            return FolioError(.badInput, "school.fold.malformed", ["record": stored.id.prefix(12), "kind": event.kind.rawValue,
                                                                 "error": "\(error)"])
        }
    }

    /// `what` is what only the root may do, a phrase that completes the sentence in each language.
    private static func rootOnly(_ event: Event, _ what: Message) -> FolioError? {
        event.author == SchoolState.rootPrincipal ? nil
            : FolioError(.notAuthorised, "school.fold.rootOnly", ["what": what, "author": event.author])
    }

    /// Staff availability is set by the root key or by the accounts duty (資訊組、系統師).
    private static func staffDuty(_ event: Event, _ state: SchoolState) -> FolioError? {
        duty(event, "accounts", state)
    }

    private static func duty(_ event: Event, _ id: String, _ state: SchoolState) -> FolioError? {
        guard let d = state.dutyTable.duty(id) else {
            return rootOnly(event, Message("school.fold.rootOnly.noDutyRow", ["duty": id]))
        }
        return Authority.checkDuty(event, duty: d, primaries: [], school: state, allowRoot: true)
    }
}
