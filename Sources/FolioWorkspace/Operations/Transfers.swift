import FolioCore
import Foundation

/// What `folio transfer in` took in.
public struct TransferReport: Codable, Sendable {
    public var student: String
    public var fromSchool: String
    public var fromSchoolName: String
    public var fromNumber: String
    public var items: Int
    public var files: Int
    public var rootKeyFingerprint: String
}

extension WorkspaceSession {
    /// `folio transfer out`: a signed bundle with the student's records and files, and this school's
    /// records that prove their signatures, for the school the student moves to.
    /// `sealedFor`: the person at the new school who takes it in, and their encryption key (base64).
    public func transferOut(student: String, actor: Actor, now: Instant, outDir: String,
                            sealedFor: (id: String, key: String)) throws(FolioError) -> ExportReport {
        guard let key = SignatureCheck.encryptionKey(sealedFor.key) else {
            throw FolioError(.badKeyFile, "The encryption key given for \(sealedFor.id) is not an X25519 key.", hint: "Give the .pub file `folio key new` wrote.")
        }
        guard workspace.studentNumbers().contains(student) else {
            throw FolioError(.unknownStudent, "There is no student \(student) in the live workspace.", hint: "Check the student number (學號).")
        }
        try checkSigner(actor)
        guard let duty = school.dutyTable.duty("enrolment") else {
            throw FolioError(.notAuthorised, "The duty table has no enrolment row.", hint: "Ask the IT section to restore the duty table.")
        }
        if let error = Authority.checkDuty(Event(kind: .studentSet, school: school.code, author: actor.id,
                                                 key: actor.identity.publicKeyText, at: now, student: student, body: .null),
                                           duty: duty, primaries: [], school: school) {
            throw error
        }
        var events = try workspace.schoolEvents().map(Self.outEvent)
        events += try workspace.studentEvents(student).map(Self.outEvent)
        var files: [OutFile] = []
        for e in workspace.studentEvents(student) where e.event.kind == .itemUploaded {
            guard let u = try? e.event.decodeBody(ItemUploaded.self) else { continue }
            for f in u.files { files.append(OutFile(path: "students/\(student)/" + f.path(item: u.item), size: Int64(f.size), sha256: f.sha256)) }
        }
        var seen = Set<String>()
        files = files.filter { seen.insert($0.path).inserted }
        return try writeBundles(kind: .transfer, recipient: BundleParty(),
                                source: .lists(events: events, files: files, scope: ["student \(student)", "from school \(school.code)"]),
                                actor: actor, now: now, outDir: outDir, sealedFor: [(sealedFor.id, key)])
    }

    /// `folio transfer in`: checks a transfer bundle completely (every hash, every signature, against the
    /// sending school's own root key), then files the student's earlier records and files under
    /// `students/<number>/earlier/<school>-<old number>/` and records which items came, in one step.
    /// `expectRoot`: the sending school's root fingerprint, as that school gave it (on paper or by phone):
    /// without it, anyone could found "a school" of their own and send a portfolio signed under it.
    public func transferIn(_ file: String, student: String, expectRoot: String, actor: Actor,
                           now: Instant) throws(FolioError) -> TransferReport {
        let bundle: StagedBundle
        do { bundle = try stage(file, screenedAgainst: nil) } catch {
            removeIncomingFolder()
            throw error
        }
        defer {
            bundle.remove()
            removeIncomingFolder()
        }
        let label = bundle.fileLabel
        let header = bundle.header
        guard header.kind == .transfer else {
            throw FolioError(.badBundle, "\(label) is a \(header.kind.title) bundle, not a transfer.", hint: "Import it with `folio bundle import`.")
        }
        // Their records are folded under the root whose fingerprint the person typed, and no other.
        let roots = SchoolFolder.declaredRoots(bundle.schoolEvents)
        guard roots.count <= 1 else {
            throw FolioError(.badBundle, "\(label) carries the founding records of \(roots.count) different school roots; it cannot be trusted.",
                             hint: "Nothing was taken in. Ask the sending school for a new transfer bundle, and check its fingerprint with them by phone or letter.")
        }
        guard let theirRoot = roots.first(where: { RootFingerprint.matches(expectRoot, $0) }) else {
            let found = roots.sorted().map(RootFingerprint.of).joined(separator: ", ")
            throw FolioError(.badBundle, "\(label) is signed under school root \(found.isEmpty ? "(none)" : found), not \(expectRoot).",
                             hint: "Nothing was taken in. The bundle may be forged: check the fingerprint with the sending school by phone or letter.")
        }
        let theirs = SchoolFolder.fold(bundle.schoolEvents, root: theirRoot)
        guard theirs.code == header.school, !theirs.code.isEmpty, !theirs.problems.contains(where: { $0.code == .tampered }) else {
            throw FolioError(.badBundle, "\(label) does not carry its school's records intact, so its signatures cannot be checked.",
                             hint: "Ask the sending school to write the transfer again.")
        }
        guard theirs.code != school.code else {
            throw FolioError(.badBundle, "\(label) comes from this school itself.", hint: "Transfers are between two schools.")
        }
        let person = header.sender.person ?? ""
        guard (theirs.keys[person] ?? []).contains(header.key) || (person == SchoolState.rootPrincipal && header.key == theirs.rootKey) else {
            throw FolioError(.badBundle, "\(label) is signed with a key school \(theirs.code) does not list for \(person).",
                             hint: "The bundle may be forged; ask the sending school for a new one.")
        }
        guard bundle.studentRecords.count == 1, let old = bundle.studentRecords.keys.first else {
            throw FolioError(.badBundle, "\(label) should hold one student's records.", hint: "Ask the sending school to write the transfer again.")
        }
        let events = try bundle.events(of: old)
        let view = StudentFolder.fold(number: old, events: events, school: theirs)
        if let problem = view.problems.first(where: { $0.code == .tampered }) {
            throw FolioError(.badBundle, "\(label): \(problem.message)", hint: "Ask the sending school for a new transfer bundle.")
        }
        guard let here = workspace.storedManifest(student)?.student ?? (workspace.studentNumbers().contains(student) ? workspace.view(student, school: school).student : nil) else {
            throw FolioError(.unknownStudent, "Student \(student) is not registered at this school yet.",
                             hint: "Import them with `folio roster import students` (原就讀學校 \(theirs.code)) first.")
        }
        guard let theirID = view.student?.nationalID else {
            throw FolioError(.badBundle, "\(label) does not carry the student's registration, so it cannot be matched to \(student).",
                             hint: "Ask the sending school to write the transfer again.")
        }
        if theirID != here.nationalID {
            throw FolioError(.badBundle, "\(label) is for a student whose national ID differs from \(student)'s.",
                             hint: "Check that the transfer and the student number belong to the same person.")
        }
        let folder = "earlier/\(theirs.code)-\(old)"
        let items = view.items.map { EarlierItem(school: theirs.code, schoolName: theirs.name, item: $0, folder: folder) }
        let body = TransferredIn(fromSchool: theirs.code, fromSchoolName: theirs.name, fromNumber: old, fromRootKey: theirs.rootKey,
                                 bundle: bundle.id, folder: folder, items: items)
        let event = try sign(actor, .studentTransferredIn, student: student, at: now, body: body)
        var adopt: [(path: String, target: String)] = []
        let base = "students/\(student)/\(folder)"
        for e in bundle.schoolEvents {
            adopt.append((bundle.stagedPath("school/events/\(e.id).json"), "\(base)/school/events/\(e.id).json"))
        }
        for e in events { adopt.append((bundle.stagedPath("students/\(old)/events/\(e.id).json"), "\(base)/events/\(e.id).json")) }
        for path in bundle.files.keys.sorted() {
            adopt.append((bundle.stagedPath(path), base + "/" + path.dropFirst("students/\(old)/".count)))
        }
        try appendAll(school: [], students: [student: [event]], adopting: adopt)
        return TransferReport(student: student, fromSchool: theirs.code, fromSchoolName: theirs.name, fromNumber: old,
                              items: items.count, files: bundle.files.count, rootKeyFingerprint: RootFingerprint.of(theirs.rootKey))
    }
}
