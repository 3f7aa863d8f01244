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
            throw FolioError(.badKeyFile, "transfer.notX25519", ["id": sealedFor.id])
        }
        guard workspace.studentNumbers().contains(student) else {
            throw FolioError(.unknownStudent, Message("transfer.noStudent", ["student": student]), hint: Message("student.checkNumber.hint"))
        }
        try checkSigner(actor)
        guard let duty = school.dutyTable.duty("enrolment") else {
            throw FolioError(.notAuthorised, "transfer.noEnrolmentDuty")
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
            throw FolioError(.badBundle, "transfer.notATransfer", ["label": label, "kind": header.kind.name])
        }
        // Their records are folded under the root whose fingerprint the person typed, and no other.
        let roots = SchoolFolder.declaredRoots(bundle.schoolEvents)
        guard roots.count <= 1 else {
            throw FolioError(.badBundle, Message("bundle.join.manyRoots", ["label": label, "count": roots.count]), hint: Message("transfer.manyRoots.hint"))
        }
        guard let theirRoot = roots.first(where: { RootFingerprint.matches(expectRoot, $0) }) else {
            let found = roots.sorted().map(RootFingerprint.of).joined(separator: ", ")
            throw FolioError(.badBundle, "transfer.otherRoot", ["label": label, "expected": expectRoot,
                                                              "found": found.isEmpty ? Message("transfer.noRoot") : Message.verbatim(found)])
        }
        let theirs = SchoolFolder.fold(bundle.schoolEvents, root: theirRoot)
        guard theirs.code == header.school, !theirs.code.isEmpty, !theirs.problems.contains(where: { $0.code == .tampered }) else {
            throw FolioError(.badBundle, Message("transfer.schoolDamaged", ["label": label]), hint: Message("transfer.writeAgain.hint"))
        }
        guard theirs.code != school.code else {
            throw FolioError(.badBundle, "transfer.fromHere", ["label": label])
        }
        let person = header.sender.person ?? ""
        guard (theirs.keys[person] ?? []).contains(header.key) || (person == SchoolState.rootPrincipal && header.key == theirs.rootKey) else {
            throw FolioError(.badBundle, "transfer.unknownKey", ["label": label, "school": theirs.code, "person": person])
        }
        guard bundle.studentRecords.count == 1, let old = bundle.studentRecords.keys.first else {
            throw FolioError(.badBundle, Message("transfer.oneStudent", ["label": label]), hint: Message("transfer.writeAgain.hint"))
        }
        let events = try bundle.events(of: old)
        let view = StudentFolder.fold(number: old, events: events, school: theirs)
        if let problem = view.problems.first(where: { $0.code == .tampered }) {
            throw FolioError(.badBundle, Message("bundle.refused", ["label": label, "why": problem.error.what]), hint: Message("transfer.newBundle.hint"))
        }
        guard let here = workspace.storedManifest(student)?.student ?? (workspace.studentNumbers().contains(student) ? workspace.view(student, school: school).student : nil) else {
            throw FolioError(.unknownStudent, "transfer.notRegistered", ["student": student, "school": theirs.code])
        }
        guard let theirID = view.student?.nationalID else {
            throw FolioError(.badBundle, Message("transfer.noRegistration", ["label": label, "student": student]), hint: Message("transfer.writeAgain.hint"))
        }
        if theirID != here.nationalID {
            throw FolioError(.badBundle, "transfer.otherPerson", ["label": label, "student": student])
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
