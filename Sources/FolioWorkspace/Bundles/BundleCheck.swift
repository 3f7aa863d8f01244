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
                throw FolioError(.badBundle, "bundle.sealedStudent", ["label": label, "number": number, "sealed": "\(sealed.sealed.sealed)"])
            }
        }
        if let config { try checkRecipient(header, config: config, label: label) }
        for path in bundle.declaredElsewhere.sorted() where !header.kind.mayLeaveFilesWithSender && bundle.files[path] == nil && !hasFile(path) {
            throw FolioError(.badBundle, "bundle.incomplete", ["label": label, "path": path])
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
            throw FolioError(.badBundle, "bundle.rootMovedBack", ["label": label, "held": RootFingerprint.of(held.rootKey),
                                                                 "other": RootFingerprint.of(school.rootKey)])
        }
    }

    /// A bundle that founds the school under another root is an attempt to take it over (whatever date it
    /// claims), never a record to hold back quietly.
    private static func checkRoot(_ carried: [StoredEvent], root: String, header: BundleHeader, label: String) throws(FolioError) {
        if let foreign = SchoolFolder.declaredRoots(carried).subtracting([root]).sorted().first {
            throw FolioError(.badBundle, "bundle.foreignRoot", ["label": label, "school": header.school,
                                                               "foreign": RootFingerprint.of(foreign), "root": RootFingerprint.of(root)])
        }
    }

    private static func checkKind(_ header: BundleHeader, label: String) throws(FolioError) {
        if header.kind == .transfer {
            throw FolioError(.badBundle, "bundle.isTransfer", ["label": label])
        }
    }

    private static func checkSchool(_ header: BundleHeader, config: WorkspaceConfig, label: String) throws(FolioError) {
        guard header.school == config.school else {
            throw FolioError(.badBundle, "bundle.otherSchool", ["label": label, "school": header.school, "mine": config.school,
                                                               "name": config.name])
        }
    }

    /// A workspace started from a bundle takes the school from the records the bundle carries.
    private static func checkFounding(_ header: BundleHeader, school: SchoolState, label: String) throws(FolioError) {
        guard header.school == school.code, !school.code.isEmpty else {
            throw FolioError(.badBundle, "bundle.noFounding", ["label": label])
        }
    }

    /// `onHub`: the office's own workspace, where people and keys are registered rather than imported.
    private static func checkSender(_ header: BundleHeader, school: SchoolState, label: String, onHub: Bool) throws(FolioError) {
        let person = header.sender.person ?? ""
        let known: [String] = person == SchoolState.rootPrincipal ? [school.rootKey] : (school.keys[person] ?? [])
        guard !person.isEmpty, person == SchoolState.rootPrincipal || school.principals[person] != nil else {
            throw FolioError(.badBundle, Message("bundle.unknownSender", ["label": label, "school": school.code,
                                                                         "person": person.isEmpty ? Message("bundle.nobody") : Message.verbatim(person)]),
                             hint: Message(onHub ? "bundle.unknownSender.hub.hint" : "bundle.unknownSender.hint", ["person": person]))
        }
        guard known.contains(header.key) else {
            throw FolioError(.badBundle, Message("bundle.unknownKey", ["label": label, "person": person]),
                             hint: Message(onHub ? "bundle.unknownKey.hub.hint" : "bundle.unknownKey.hint", ["person": person]))
        }
        // Whatever date the bundle claims: whoever holds a stolen key can write any date.
        if let since = school.revoked[header.key] {
            throw FolioError(.badBundle, "bundle.senderRevoked", ["label": label, "person": person, "since": since.taipeiText,
                                                                 "created": header.created.taipeiText])
        }
    }

    private static func checkRecipient(_ header: BundleHeader, config: WorkspaceConfig, label: String) throws(FolioError) {
        if header.sender.replica == config.replica {
            throw FolioError(.badBundle, "bundle.fromHere", ["label": label])
        }
        let r = header.recipient
        if r.isEveryone {
            guard header.kind == .schoolUpdate else {
                throw FolioError(.badBundle, "bundle.noRecipient", ["label": label])
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
            let whom: Message = switch (r.person, r.replica) {
            case let (person?, replica?): Message("bundle.whom.both", ["person": person, "replica": replica])
            case let (nil, replica?): Message("bundle.whom.workspace", ["replica": replica])
            case let (person, nil): .verbatim(person ?? "")
            }
            throw FolioError(.badBundle, "bundle.notForHere", ["label": label, "whom": whom,
                                                               "here": config.replica + (config.owner.map { ", \($0)" } ?? "")])
        }
    }
}
