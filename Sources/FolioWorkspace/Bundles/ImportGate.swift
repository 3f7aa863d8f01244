import FolioCore

/// What a workspace takes in from a bundle on its own clock, beyond the fold's rules (which depend on the
/// records alone, so that every replica folds the same set the same way):
///
/// - A record dated more than `WorkspaceSession.clockTolerance` after now was made on a machine whose clock
///   is ahead. It is held back, not taken in (nor the files its upload brings), and said so in the import's
///   report; it arrives with a later bundle once its date has come. So one machine with a clock set to 2030
///   cannot date records everyone else must follow.
/// - On the hub, a record signed with a revoked key (or a replaced root key) that the hub did not already hold
///   is refused, with the whole bundle, whatever date it claims: whoever holds a stolen key can date records before the
///   revocation, but cannot make the school have held them before it. Replicas take such records only as the
///   hub passes them on (records it held before the revocation).
/// - On the hub, the windows (uploads, certification, selection, answers to receipts) are judged on when the
///   school first held a record, with `offlineGrace` for offline work: a record that reaches the hub more
///   than the grace after its date is judged as if made the grace before it arrived, and held back if a window
///   had closed by then. A teacher who certifies at home on the window's last day has two weeks to bring the
///   stick; a laptop whose clock was turned back into a closed window gains nothing.
struct ImportGate {
    let now: Instant
    let hub: Bool

    /// Two weeks: a stick carried home over a weekend, a holiday, a teacher off sick.
    static let offlineGrace: Int64 = 14 * 86_400

    init(_ workspace: Workspace, now: Instant) {
        self.now = now
        self.hub = workspace.config.role == .hub
    }

    var horizon: Instant { now.adding(seconds: WorkspaceSession.clockTolerance) }

    /// A student record new to this workspace: nil to take it in, a problem to hold it back, or an error
    /// that refuses the bundle.
    func admit(_ e: StoredEvent, school: SchoolState, label: String) throws(FolioError) -> Problem? {
        if hub, let since = school.revoked[e.event.key] { throw revoked(e, since: since, label: label) }
        guard e.event.at <= horizon else {
            return Problem(event: e.id, error: FolioError(.outsideWindow, "bundle.gate.future", [
                "id": e.id.prefix(12), "kind": e.event.kind.rawValue, "author": e.event.author, "at": e.event.at.taipeiText,
                "now": now.taipeiText]))
        }
        return nil
    }

    /// A school record new to this workspace: the same rules, but one dated in the future refuses the
    /// bundle (the school's own state would otherwise be folded without it and again with it).
    func admitSchool(_ e: StoredEvent, school: SchoolState, label: String) throws(FolioError) {
        if hub, let since = school.revoked[e.event.key] { throw revoked(e, since: since, label: label) }
        // A root replaced since signs nothing new: whoever kept or stole it could otherwise date a replacement
        // of their own before the school's and take its place.
        if hub, e.event.author == SchoolState.rootPrincipal, school.formerRootKeys.contains(e.event.key) {
            throw FolioError(.badBundle, "bundle.gate.formerRoot", ["label": label, "at": e.event.at.taipeiText])
        }
        guard e.event.at <= horizon else {
            throw FolioError(.badBundle, "bundle.gate.futureSchool", ["label": label, "at": e.event.at.taipeiText, "now": now.taipeiText])
        }
    }

    private func revoked(_ e: StoredEvent, since: Instant, label: String) -> FolioError {
        FolioError(.badBundle, "bundle.gate.revoked", ["label": label, "author": e.event.author, "since": since.taipeiText,
                                                  "at": e.event.at.taipeiText])
    }

    /// On the hub: the records among `incoming` that reached it more than `offlineGrace` after their date and
    /// that a window, judged on their arrival less the grace, keeps out, though their own date lets them in.
    /// The fold decides, on a copy of each such record dated at that moment (its id and signature unchanged):
    /// the same rules, with the school's time instead of the signer's.
    func late(_ incoming: [StoredEvent], existing: [StoredEvent], number: String, school: SchoolState) -> [Problem] {
        guard hub else { return [] }
        let vouched = now.adding(seconds: -Self.offlineGrace)
        let late = Set(incoming.filter { $0.event.at < vouched }.map(\.id))
        guard !late.isEmpty else { return [] }
        let redated = incoming.map { e -> StoredEvent in
            guard late.contains(e.id) else { return e }
            var event = e.event
            event.at = vouched
            return StoredEvent(id: e.id, signed: SignedEvent(event: event, signature: e.signed.signature),
                               signatureIsValid: e.signatureIsValid)
        }
        let asDated = Set(StudentFolder.fold(number: number, events: existing + incoming, school: school).problems.map(\.event))
        let asReceived = StudentFolder.fold(number: number, events: existing + redated, school: school).problems
        return asReceived.filter { late.contains($0.event) && $0.code == .outsideWindow && !asDated.contains($0.event) }.map { p in
            let dated = incoming.first { $0.id == p.event }!.event
            return Problem(event: p.event, error: FolioError(.outsideWindow, "bundle.gate.late", [
                "id": p.event.prefix(12), "kind": dated.kind.rawValue, "author": dated.author, "at": dated.at.taipeiText,
                "now": now.taipeiText, "why": p.error.what]))
        }
    }

    /// On the hub: a student's record that the hub did not hold, signed with a key the student no longer has
    /// (a secret reset since) refuses the bundle, whatever date it claims, as a revoked key's would: a kiosk
    /// that had not heard of the reset, or a thief with the old secret, gets nothing in. `current`: the
    /// student's key after folding everything held and brought.
    func checkStudentKey(_ incoming: [StoredEvent], number: String, current: String?, label: (StoredEvent) -> String) throws(FolioError) {
        guard hub else { return }
        for e in incoming where e.event.author == number && e.event.key != current {
            throw FolioError(.badBundle, "bundle.gate.secretReset", ["label": label(e), "number": number, "at": e.event.at.taipeiText])
        }
    }

    /// The workspace paths of the files an upload record brings (none for any other record).
    static func declaredFiles(_ e: StoredEvent, student: String) -> [String] {
        guard e.event.kind == .itemUploaded, let u = try? e.event.decodeBody(ItemUploaded.self) else { return [] }
        return u.files.map { "students/\(student)/" + $0.path(item: u.item) }
    }
}
