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
            return FolioError(.tampered, "The signature on school record \(stored.id.prefix(12)) does not match its contents.",
                              hint: "The record was changed after it was signed; restore it from a backup or bundle.")
        }
        guard event.kind.isSchoolWide, event.student == nil else {
            return FolioError(.badInput, "A student record was found among the school records.",
                              hint: "Move it back to its student's events folder or delete the stray file.")
        }
        do {
            if event.kind == .schoolCreated {
                guard state.code.isEmpty else {
                    return FolioError(.duplicate, "The school was already created; a second creation record is ignored.",
                                      hint: "Nothing to do unless this workspace mixes two schools.")
                }
                let body = try event.decodeBody(SchoolCreated.self)
                guard event.author == SchoolState.rootPrincipal, event.key == body.rootKey, event.school == body.code else {
                    return FolioError(.wrongKey, "The school creation record is not signed by the root key it declares.",
                                      hint: "Recreate the workspace with `folio init`.")
                }
                if body.demo != true, DemoKeys.isPublished(body.rootKey) {
                    return FolioError(.wrongKey, "School \(body.code) is founded with a published demo key, which protects nothing.",
                                      hint: "Found a real school with a root key of its own (`folio key new --id root`), kept offline.")
                }
                if let pinned, body.rootKey != pinned {
                    return FolioError(.wrongKey, "A record founds school \(body.code) under another root key (fingerprint \(RootFingerprint.of(body.rootKey))); this workspace trusts only the root \(RootFingerprint.of(pinned)).",
                                      hint: "It is refused: whoever wrote it does not hold this school's root key. Give the USB stick it came on to the IT section (資訊組).")
                }
                state.code = body.code
                state.name = body.name
                state.address = body.address
                state.demo = body.demo
                state.rootKey = body.rootKey
                return nil
            }
            guard !state.code.isEmpty else {
                return FolioError(.workspaceDamaged, "A school record comes before the school was created.",
                                  hint: "Restore school/events from a backup.")
            }
            if let error = Authority.checkKey(event, school: state) { return error }
            switch event.kind {
            case .staffSet:
                if let error = rootOnly(event, "register people and keys") { return error }
                let p = try event.decodeBody(Principal.self)
                guard !p.id.isEmpty, p.id != SchoolState.rootPrincipal else {
                    return FolioError(.badInput, "A person id may not be empty or `root`.", hint: "Choose another id.")
                }
                if let key = p.publicKey {
                    if state.demo != true, DemoKeys.isPublished(key) {
                        return FolioError(.wrongKey, "The key given for \(p.id) is a published demo key, which protects nothing.",
                                          hint: "\(p.id) makes a key of their own with `folio key new`; register that one.")
                    }
                    guard SignatureCheck.isPublicKey(key) else {
                        return FolioError(.badKeyFile, "The public key for \(p.id) is not an Ed25519 key.",
                                          hint: "Use the .pub or key file written by `folio key new`.")
                    }
                    var list = state.keys[p.id] ?? []
                    if !list.contains(key) { list.append(key) }
                    state.keys[p.id] = list
                }
                if let key = p.encryptionKey, SignatureCheck.encryptionKey(key) == nil {
                    return FolioError(.badKeyFile, "The encryption key for \(p.id) is not an X25519 key.",
                                      hint: "Use the .pub or key file written by `folio key new`.")
                }
                state.principals[p.id] = p
            case .staffAvailability:
                if let error = staffDuty(event, state) { return error }
                let a = try event.decodeBody(Availability.self)
                guard state.principals[a.id] != nil else {
                    return FolioError(.unknownPerson, "\(a.id) is not registered.", hint: "Register them first.")
                }
                state.availability.removeAll { $0.id == a.id && $0.from == a.from }
                state.availability.append(a)
                state.availability.sort { ($0.id, $0.from) < ($1.id, $1.from) }
            case .keyRevoked:
                if let error = rootOnly(event, "revoke keys") { return error }
                let r = try event.decodeBody(KeyRevoked.self)
                guard r.publicKey != state.rootKey else {
                    return FolioError(.badInput, "The school root key cannot be revoked: nobody could then register or revoke a key.",
                                      hint: "Replace the root instead (`folio root replace`, see the IT section's page).")
                }
                state.revoked[r.publicKey] = min(state.revoked[r.publicKey] ?? event.at, event.at)
            case .rootReplaced:
                if let error = rootOnly(event, "replace the root key") { return error }
                let r = try event.decodeBody(RootReplaced.self)
                guard SignatureCheck.isPublicKey(r.newRootKey), r.newRootKey != state.rootKey,
                      !state.formerRootKeys.contains(r.newRootKey) else {
                    return FolioError(.badKeyFile, "The new root key is not a new Ed25519 key.",
                                      hint: "Make a new root key with `folio key new --id root` and replace the root with it.")
                }
                state.formerRootKeys.append(state.rootKey)
                state.rootKey = r.newRootKey
            case .dutyTable:
                if let error = rootOnly(event, "change the duty table") { return error }
                state.dutyTable = try event.decodeBody(DutyTable.self)
            case .settings:
                if let error = duty(event, "outcome-settings", state) { return error }
                let s = try event.decodeBody(Settings.self)
                guard s.uploadLimitPerTerm > 0, s.courseSelectionLimit > 0, s.diverseSelectionLimit > 0,
                      s.descriptionLimit > 0, s.retentionYears >= 5 else {
                    return FolioError(.badInput, "Settings must be positive, and retention at least 5 years (seed point 七).",
                                      hint: "Correct the settings and try again.")
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
                    return FolioError(.unknownPerson, "Course \(c.code) names \(id), who is not registered.",
                                      hint: "Register the teacher with `folio staff add` or fix the course list.")
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
                    return FolioError(.duplicate, "Submission \(s.id) is already recorded.", hint: "Nothing to do.")
                }
                if let old = s.supersedes, state.submission(old) == nil {
                    return FolioError(.badInput, "Submission \(s.id) corrects \(old), which is not recorded.",
                                      hint: "Import the earlier submission's records first.")
                }
                state.submissions.append(s)
            case .confirmationOpened:
                if let error = duty(event, SubmittingOffice.data.duty, state) { return error }
                let c = try event.decodeBody(ConfirmationOpened.self)
                guard c.from.days(until: c.to) + 1 >= 3 else {
                    return FolioError(.badInput, "A confirmation period must last at least 3 days; \(c.from) to \(c.to) is \(max(0, c.from.days(until: c.to) + 1)).",
                                      hint: "Choose an end date at least 3 days after the start (seed point 六).")
                }
                for id in c.submissions where state.submission(id) == nil {
                    return FolioError(.badInput, "There is no submission \(id).", hint: "List submissions with `folio submissions`.")
                }
                guard !state.confirmations.contains(where: { $0.id == c.id }) else {
                    return FolioError(.duplicate, "Confirmation period \(c.id) is already open.", hint: "Nothing to do.")
                }
                state.confirmations.append(ConfirmationPeriod(c))
            case .archiveSealed:
                if let error = duty(event, "enrolment", state) { return error }
                let a = try event.decodeBody(ArchiveSealed.self)
                guard state.archived(a.student) == nil else {
                    return FolioError(.duplicate, "Student \(a.student) is already sealed.", hint: "`folio archive list` shows the register.")
                }
                guard a.graduated <= a.sealed, a.retainUntil >= a.sealed.adding(years: state.settings.retentionYears) else {
                    return FolioError(.badInput, "The archive of \(a.student) would be kept only until \(a.retainUntil); the school keeps graduates \(state.settings.retentionYears) years.",
                                      hint: "Seal it again with folio's own dates.")
                }
                state.archive.append(ArchiveEntry(sealed: a, event: stored.id, sealedBy: event.author, purged: nil, purgedBy: nil))
            case .archivePurged:
                if let error = duty(event, "enrolment", state) { return error }
                let p = try event.decodeBody(ArchivePurged.self)
                guard let index = state.archive.lastIndex(where: { $0.sealed.student == p.student && $0.sealed.sha256 == p.sha256 }) else {
                    return FolioError(.unknownStudent, "There is no sealed archive of \(p.student) with that SHA-256.", hint: "`folio archive list` shows the register.")
                }
                let entry = state.archive[index]
                guard p.purged >= entry.sealed.retainUntil, event.at.taipeiDay >= entry.sealed.retainUntil else {
                    return FolioError(.outsideWindow, "The archive of \(p.student) must be kept until \(entry.sealed.retainUntil) (seed point 七).",
                                      hint: "It can be purged from \(entry.sealed.retainUntil).")
                }
                if state.archive[index].purged == nil {
                    state.archive[index].purged = p
                    state.archive[index].purgedBy = event.author
                }
            case .confirmationClosed:
                if let error = duty(event, SubmittingOffice.data.duty, state) { return error }
                let c = try event.decodeBody(ConfirmationClosed.self)
                guard let index = state.confirmations.firstIndex(where: { $0.id == c.id }) else {
                    return FolioError(.badInput, "There is no confirmation period \(c.id).", hint: "Open it first.")
                }
                let period = state.confirmations[index]
                guard event.at.taipeiDay > period.to else {
                    return FolioError(.outsideWindow, "The confirmation period \(c.id) runs until \(period.to); it cannot be closed before it ends.",
                                      hint: "Close it from \(period.to.adding(days: 1)).")
                }
                if period.closed == nil { state.confirmations[index].closed = event.at }
            default:
                return FolioError(.badInput, "Unexpected record kind \(event.kind.rawValue) among school records.",
                                  hint: "Move it to its student's folder.")
            }
            return nil
        } catch {
            return FolioError(.badInput, "School record \(stored.id.prefix(12)) (\(event.kind.rawValue)) is malformed: \(error).",
                              hint: "The record cannot be read by this version of folio.")
        }
    }

    private static func rootOnly(_ event: Event, _ what: String) -> FolioError? {
        event.author == SchoolState.rootPrincipal ? nil
            : FolioError(.notAuthorised, "Only the school root key may \(what); \(event.author) signed this.",
                         hint: "The IT section (資訊組) does this with the school root key (--as root).")
    }

    /// Staff availability is set by the root key or by the accounts duty (資訊組、系統師).
    private static func staffDuty(_ event: Event, _ state: SchoolState) -> FolioError? {
        duty(event, "accounts", state)
    }

    private static func duty(_ event: Event, _ id: String, _ state: SchoolState) -> FolioError? {
        guard let d = state.dutyTable.duty(id) else {
            return rootOnly(event, "do this (the duty table has no \(id) row)")
        }
        return Authority.checkDuty(event, duty: d, primaries: [], school: state, allowRoot: true)
    }
}
