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
struct ImportGate {
    let now: Instant
    let hub: Bool

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
            return Problem(event: e.id, error: FolioError(
                .outsideWindow,
                "Record \(e.id.prefix(12)) (\(e.event.kind.rawValue), by \(e.event.author)) is dated \(e.event.at.taipeiText), after this computer's clock (\(now.taipeiText)); it was not taken in.",
                hint: "The clock of the machine that made it is probably ahead: the IT section (資訊組) sets it right. The record comes again with the next bundle and is taken in once its date has come."))
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
            throw FolioError(.badBundle, "\(label) carries a school record signed with a school root key that has since been replaced; the office never held it before, so it is refused whatever date it claims (\(e.event.at.taipeiText)).",
                             hint: "Nothing was imported. Give the USB stick to the IT section (資訊組): the old root key may be in someone else's hands.")
        }
        guard e.event.at <= horizon else {
            throw FolioError(.badBundle, "\(label) carries a school record dated \(e.event.at.taipeiText), after this computer's clock (\(now.taipeiText)).",
                             hint: "Nothing was imported. The clock of the machine that wrote it is ahead: set it right there, then export the bundle again.")
        }
    }

    private func revoked(_ e: StoredEvent, since: Instant, label: String) -> FolioError {
        FolioError(.badBundle, "\(label) carries a record signed with \(e.event.author)'s key, which was revoked on \(since.taipeiText); the office never held that record before, so it is refused whatever date it claims (\(e.event.at.taipeiText)).",
                   hint: "Nothing was imported. If the key was stolen, keep the USB stick for the IT section (資訊組). \(e.event.author) makes the change again with a new key.")
    }

    /// The workspace paths of the files an upload record brings (none for any other record).
    static func declaredFiles(_ e: StoredEvent, student: String) -> [String] {
        guard e.event.kind == .itemUploaded, let u = try? e.event.decodeBody(ItemUploaded.self) else { return [] }
        return u.files.map { "students/\(student)/" + $0.path(item: u.item) }
    }
}
