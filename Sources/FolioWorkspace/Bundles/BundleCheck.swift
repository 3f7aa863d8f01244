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
        if header.kind == .transfer {
            throw FolioError(.badBundle, "\(label) is a transfer from another school, not a bundle of this school's.",
                             hint: "The registration section (註冊組) takes it in with `folio transfer in \(label) --student NUMBER --root-fingerprint FINGERPRINT`.")
        }
        if let config, header.school != config.school {
            throw FolioError(.badBundle, "\(label) is from school \(header.school); this workspace is school \(config.school) (\(config.name)).",
                             hint: "Bundles cannot move between schools: check that this one was written by your own school. A student who came from another school is added here through the roster (`folio roster import students`).")
        }
        // A bundle that founds the school under another root is an attempt to take it over (whatever date it
        // claims), never a record to hold back quietly.
        if let foreign = SchoolFolder.declaredRoots(bundle.schoolEvents).subtracting([root]).sorted().first {
            throw FolioError(.badBundle, "\(label) founds school \(header.school) under another root key (fingerprint \(RootFingerprint.of(foreign))); this workspace trusts only the school root \(RootFingerprint.of(root)).",
                             hint: "Nothing was imported. The bundle was not written by this school: give the USB stick to the IT section (資訊組).")
        }
        let ids = Set(known.map(\.id))
        let school = SchoolFolder.fold(known + bundle.schoolEvents.filter { !ids.contains($0.id) }, root: root)
        if config == nil {
            guard header.school == school.code, !school.code.isEmpty else {
                throw FolioError(.badBundle, "\(label) does not carry its school's founding records, so a workspace cannot be started from it.",
                                 hint: "Start a replica from a school update or a certification request written by the office.")
            }
        }
        try checkSender(header, school: school, label: label, onHub: config?.role == .hub)
        for number in bundle.studentRecords.keys.sorted() {
            if let sealed = school.archived(number) {
                throw FolioError(.badBundle, "\(label) carries records for \(number), whose portfolio was sealed on \(sealed.sealed.sealed); records that arrive after sealing cannot be added.",
                                 hint: "Nothing was imported. Keep the bundle and tell the registration section (註冊組); the sealed archive stays as it is.")
            }
        }
        if let config { try checkRecipient(header, config: config, label: label) }
        for path in bundle.declaredElsewhere.sorted() where bundle.files[path] == nil && !hasFile(path) {
            throw FolioError(.badBundle, "\(label) is incomplete: it lacks the file \(path) that one of its uploads needs.",
                             hint: "Ask the sender to export the bundle again; if this keeps happening, they should run `folio verify`.")
        }
        return school
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
        if let since = school.revoked[header.key], header.created >= since {
            throw FolioError(.badBundle, "\(label) is signed with \(person)'s key, which was revoked on \(since.taipeiText).",
                             hint: "\(person) needs a new key from the IT section (資訊組) and must export the bundle again.")
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
