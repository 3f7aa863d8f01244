import FolioCore
import Foundation

/// Checks a staged bundle against the workspace it is about to enter: the right school, a sender whose
/// key the school knows and has not revoked, meant for this workspace, and bringing every file its
/// uploads need. Rule checks on each event (who may certify what, limits, windows) are the fold's job:
/// an event that breaks one is still kept, out of the view, and reported.
enum BundleCheck {
    /// `known`: the school events already held. `root`: the school root the workspace trusts (pinned in
    /// `folio.json`, or confirmed by the person starting a replica). Returns the school state with the
    /// bundle's school events folded in, which is what the sender's key is judged against.
    static func check(_ bundle: StagedBundle, config: WorkspaceConfig?, schoolEvents known: [StoredEvent], root: String,
                      hasFile: (String) -> Bool) throws(FolioError) -> SchoolState {
        let header = bundle.header
        let label = bundle.fileLabel
        try checkKind(header, label: label)
        if let config { try checkSchool(header, config: config, label: label) }
        try checkRoot(bundle.schoolEvents, root: root, header: header, label: label)
        let school = fold(known, with: bundle.schoolEvents, root: root)
        if config == nil { try checkFounding(header, school: school, label: label) }
        try checkRootChain(held: SchoolFolder.fold(known, root: root), school, label: label)
        try checkSender(header, school: school, label: label, onHub: config?.role == .hub)
        for number in bundle.studentRecords.keys.sorted() {
            if let sealed = school.archived(number) {
                throw FolioError(.badBundle, "\(label) carries records for \(number), whose portfolio was sealed on \(sealed.sealed.sealed); records that arrive after sealing cannot be added.",
                                 hint: "Nothing was imported. Keep the bundle and tell the registration section (註冊組); the sealed archive stays as it is.")
            }
        }
        if let config { try checkRecipient(header, config: config, label: label) }
        for path in bundle.declaredElsewhere.sorted() where !header.kind.mayLeaveFilesWithSender && bundle.files[path] == nil && !hasFile(path) {
            throw FolioError(.badBundle, "\(label) is incomplete: it lacks the file \(path) that one of its uploads needs.",
                             hint: "Ask the sender to export the bundle again; if this keeps happening, they should run `folio verify`.")
        }
        return school
    }

    /// The checks above that need no more than the signed header and the school records, run while the
    /// bundle is extracted (`StagedBundle.open`), so that a bundle from another school, for another
    /// workspace or from a stranger is refused before its students' records and files are written to disk.
    /// `check` runs them all again on the whole bundle.
    ///
    /// Who signed is judged on the header alone when the bundle's kind cannot carry records that register
    /// people or keys (certifications, uploads, office records: what this workspace holds is all there is
    /// to judge by); otherwise, once the school records the bundle carries are in, since a school update
    /// may bring the very record that registered its signer's new key.
    ///
    /// `root`: the pinned root; nil only while a replica is being started, whose root is confirmed once the
    /// school records are in (`Workspace.join`).
    static func screen(config: WorkspaceConfig?, schoolEvents known: [StoredEvent], root: String?, label: String) -> BundleScreen {
        let onHub = config?.role == .hub
        let onHeader = { (header: BundleHeader) -> Bool in config != nil && !header.kind.admits(.staffSet) }
        return BundleScreen(header: { (header: BundleHeader) throws(FolioError) in
            try checkKind(header, label: label)
            guard let config else { return }
            try checkSchool(header, config: config, label: label)
            try checkRecipient(header, config: config, label: label)
            if onHeader(header) { try checkSender(header, school: SchoolFolder.fold(known, root: root), label: label, onHub: onHub) }
        }, signer: { (header: BundleHeader, carried: [StoredEvent]) throws(FolioError) in
            if let root { try checkRoot(carried, root: root, header: header, label: label) }
            if onHeader(header) { return }
            let school = fold(known, with: carried, root: root)
            if config == nil { try checkFounding(header, school: school, label: label) }
            try checkSender(header, school: school, label: label, onHub: onHub)
        }, fileLimits: { carried in FileLimits(fold(known, with: carried, root: root).settings) })
    }

    /// The school as the workspace's records and the bundle's own fold it.
    private static func fold(_ known: [StoredEvent], with carried: [StoredEvent], root: String?) -> SchoolState {
        let ids = Set(known.map(\.id))
        return SchoolFolder.fold(known + carried.filter { !ids.contains($0.id) }, root: root)
    }

    /// The school root this workspace follows may move on (a `root.replaced` signed by it), never back: a
    /// replacement the old root signs after it was replaced, dated before the school's own so that the fold
    /// would take it first, is refused on every workspace that already follows the new root.
    private static func checkRootChain(held: SchoolState, _ school: SchoolState, label: String) throws(FolioError) {
        guard !held.rootKey.isEmpty, !held.formerRootKeys.isEmpty else { return }
        guard school.rootKey == held.rootKey || school.formerRootKeys.contains(held.rootKey) else {
            throw FolioError(.badBundle, "\(label) would move the school root away from the one this workspace follows (fingerprint \(RootFingerprint.of(held.rootKey))) to \(RootFingerprint.of(school.rootKey)).",
                             hint: "Nothing was imported. Someone may hold the school's old root key: give the USB stick to the IT section (資訊組).")
        }
    }

    /// A bundle that founds the school under another root is an attempt to take it over (whatever date it
    /// claims), never a record to hold back quietly.
    private static func checkRoot(_ carried: [StoredEvent], root: String, header: BundleHeader, label: String) throws(FolioError) {
        if let foreign = SchoolFolder.declaredRoots(carried).subtracting([root]).sorted().first {
            throw FolioError(.badBundle, "\(label) founds school \(header.school) under another root key (fingerprint \(RootFingerprint.of(foreign))); this workspace trusts only the school root \(RootFingerprint.of(root)).",
                             hint: "Nothing was imported. The bundle was not written by this school: give the USB stick to the IT section (資訊組).")
        }
    }

    private static func checkKind(_ header: BundleHeader, label: String) throws(FolioError) {
        if header.kind == .transfer {
            throw FolioError(.badBundle, "\(label) is a transfer from another school, not a bundle of this school's.",
                             hint: "The registration section (註冊組) takes it in with `folio transfer in \(label) --student NUMBER --root-fingerprint FINGERPRINT`.")
        }
    }

    private static func checkSchool(_ header: BundleHeader, config: WorkspaceConfig, label: String) throws(FolioError) {
        guard header.school == config.school else {
            throw FolioError(.badBundle, "\(label) is from school \(header.school); this workspace is school \(config.school) (\(config.name)).",
                             hint: "Bundles cannot move between schools: check that this one was written by your own school. A student who came from another school is added here through the roster (`folio roster import students`).")
        }
    }

    /// A workspace started from a bundle takes the school from the records the bundle carries.
    private static func checkFounding(_ header: BundleHeader, school: SchoolState, label: String) throws(FolioError) {
        guard header.school == school.code, !school.code.isEmpty else {
            throw FolioError(.badBundle, "\(label) does not carry its school's founding records, so a workspace cannot be started from it.",
                             hint: "Start a replica from a school update or a certification request written by the office.")
        }
    }

    /// `onHub`: the office's own workspace, where people and keys are registered rather than imported.
    private static func checkSender(_ header: BundleHeader, school: SchoolState, label: String, onHub: Bool) throws(FolioError) {
        let person = header.sender.person ?? ""
        let known: [String] = person == SchoolState.rootPrincipal ? [school.rootKey] : (school.keys[person] ?? [])
        guard !person.isEmpty, person == SchoolState.rootPrincipal || school.principals[person] != nil else {
            throw FolioError(.badBundle, "\(label) is signed by \(person.isEmpty ? "nobody" : person), who is not a registered person or device of school \(school.code).",
                             hint: onHub
                                 ? "Only bundles from this school's staff and devices are accepted. If \(person) is new, the IT section (資訊組) registers them here with `folio staff add`; then import the bundle again."
                                 : "Only bundles from this school's staff and devices are accepted. If \(person) is new, import the office's school update first.")
        }
        guard known.contains(header.key) else {
            throw FolioError(.badBundle, "\(label) is signed with a key the school does not know for \(person).",
                             hint: onHub
                                 ? "The bundle may be forged. If \(person) really has a new key, the IT section (資訊組) registers it here with `folio staff add`; then import the bundle again."
                                 : "The bundle may be forged, or \(person) has a new key: import the office's latest school update first.")
        }
        // Whatever date the bundle claims: whoever holds a stolen key can write any date.
        if let since = school.revoked[header.key] {
            throw FolioError(.badBundle, "\(label) is signed with \(person)'s key, which was revoked on \(since.taipeiText); a revoked key's bundles are refused whatever date they claim (this one says \(header.created.taipeiText)).",
                             hint: "Nothing was imported. \(person) needs a new key from the IT section (資訊組) and must export the bundle again.")
        }
    }

    private static func checkRecipient(_ header: BundleHeader, config: WorkspaceConfig, label: String) throws(FolioError) {
        if header.sender.replica == config.replica {
            throw FolioError(.badBundle, "\(label) was written by this workspace itself.",
                             hint: "Take it to the workspace it is meant for.")
        }
        let r = header.recipient
        if r.isEveryone {
            guard header.kind == .schoolUpdate else {
                throw FolioError(.badBundle, "\(label) names no recipient.", hint: "Ask the sender to export it again for this workspace.")
            }
            return
        }
        let forMe: Bool
        if let replica = r.replica {
            forMe = replica == config.replica
        } else {
            forMe = r.person != nil && r.person == config.owner
        }
        guard forMe else {
            let whom = [r.person, r.replica.map { "workspace \($0)" }].compactMap { $0 }.joined(separator: ", ")
            throw FolioError(.badBundle, "\(label) is meant for \(whom), not for this workspace (\(config.replica)\(config.owner.map { ", \($0)" } ?? "")).",
                             hint: "Import it in the workspace it was written for.")
        }
    }
}
