import FolioCore
import Foundation

/// What importing a bundle did (or, for `folio bundle verify`, would do).
public struct ImportReport: Codable, Sendable {
    public var file: String
    public var bundle: String
    public var kind: BundleKind
    public var sender: BundleParty
    public var created: Instant
    public var scope: [String]
    /// True when nothing was new: the bundle had been imported before.
    public var alreadyHeld: Bool
    public var newEvents: Int
    public var newFiles: Int
    public var students: [String]
    /// Imported events kept out of the views, with the rule each broke.
    public var problems: [Problem]
    /// Items in disagreement after the import.
    public var conflicts: [String]
    /// Set when another bundle carried the same replica id and number: the sender's workspace was copied.
    public var copyWarning: String?
}

extension WorkspaceSession {
    /// Checks `bundle` completely and says what importing it would do, without changing the workspace.
    /// Staging happens in the system's temporary folder.
    public static func preview(_ file: String, workspace: Workspace, keys: [SigningIdentity] = []) throws(FolioError) -> ImportReport {
        let staging = NSTemporaryDirectory() + "folio-verify-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let known = workspace.schoolEvents()
        let root = try workspace.trustedRoot(known)
        let bundle = try StagedBundle.open(file, staging: staging, screen: BundleCheck.screen(
            config: workspace.config, schoolEvents: known, root: root, label: FileIO.lastComponent(of: file)), keys: keys)
        defer { bundle.remove() }
        let school = try BundleCheck.check(bundle, config: workspace.config, schoolEvents: known, root: root,
                                           hasFile: { FileIO.exists(workspace.root + "/" + $0) })
        let plan = try Plan(bundles: [bundle], workspace: workspace, school: school, before: workspace.school(),
                            held: Set(known.map(\.id)), manifestDir: nil, gate: ImportGate(workspace, now: try DemoSchool.now()))
        return plan.report(for: bundle, index: 0, book: PeerBook.load(workspace))
    }

    /// `folio bundle import`: checks every bundle in staging before anything changes; if any is refused,
    /// nothing is imported. One bundle lands in one atomic step. Several land one after another, each in
    /// its own step, read again from staging (`StagedBundle.reopen`): only one is ever in memory, so the
    /// ten parts of a whole school's export take what one part takes. Only a failure while landing (a full
    /// disk) can leave the first ones imported, and the error says which.
    ///
    /// `now`: the importer's clock, which judges records dated in its future and, on the hub, records that
    /// arrive late (`ImportGate`); by default the system clock, or `FOLIO_NOW` in a demo school.
    public func importBundles(_ files: [String], now: Instant? = nil) throws(FolioError) -> [ImportReport] {
        let clock: Instant
        if let now { clock = now } else { clock = try DemoSchool.now() }
        let now = clock
        var stagings: [String] = []
        defer {
            for staging in stagings { StagedBundle.remove(staging) }
            removeIncomingFolder()
        }
        if files.count == 1 {
            let bundle = try stage(files[0], screenedAgainst: workspace.schoolEvents())
            stagings.append(bundle.staging)
            return try importStaged([bundle], now: now)
        }
        var checked: [(file: String, staging: String, id: String, envelopeID: String?)] = []
        // Files an upload needs that neither the workspace nor the bundles checked before it hold.
        var owed: [(label: String, path: String)] = []
        // Whether a bundle brings the file at `path`. In a staging folder only the files its signed header lists
        // can be regular files (anything else is refused); a folder of that name can be there unlisted.
        let brings = { (staging: String, path: String) in FileIO.isRegularFile(staging + "/" + path) }
        var known = workspace.schoolEvents()
        let root = try workspace.trustedRoot(known)
        for file in files {
            let bundle = try stage(file, screenedAgainst: known)
            stagings.append(bundle.staging)
            _ = try BundleCheck.check(bundle, config: workspace.config, schoolEvents: known, root: root, hasFile: { path in
                if FileIO.exists(workspace.root + "/" + path) || checked.contains(where: { brings($0.staging, path) }) { return true }
                owed.append((bundle.fileLabel, path))
                return true
            })
            let ids = Set(known.map(\.id))
            known += bundle.schoolEvents.filter { !ids.contains($0.id) }
            checked.append((file, bundle.staging, bundle.id, bundle.envelopeID))
        }
        // A file owed by one bundle and brought by a later one: they land together, as one bundle would.
        var together = false
        for (label, path) in owed {
            guard checked.contains(where: { brings($0.staging, path) }) else {
                throw FolioError(.badBundle, "bundle.incomplete", ["label": label, "path": path])
            }
            together = true
        }
        if together {
            var all: [StagedBundle] = []
            for c in checked { all.append(try StagedBundle.reopen(c.file, staging: c.staging, id: c.id, envelopeID: c.envelopeID)) }
            return try importStaged(all, now: now)
        }
        var reports: [ImportReport] = []
        for (n, c) in checked.enumerated() {
            do {
                reports += try importStaged([try StagedBundle.reopen(c.file, staging: c.staging, id: c.id, envelopeID: c.envelopeID)], now: now)
            } catch where n > 0 {
                // The failing bundle's own change is undone, or finished by the next command if it had been
                // committed; either way, importing the same bundles again completes the job.
                let done = checked[..<n].map { FileIO.lastComponent(of: $0.file) }
                throw FolioError(error.code, Message(done.count == 1 ? "bundle.import.while" : "bundle.import.whileMany",
                                                     ["file": FileIO.lastComponent(of: c.file), "error": error.what,
                                                      "done": done.joined(separator: ", ")]),
                                 hint: error.hint.isEmpty ? Message("bundle.import.again") : Message("bundle.import.againAfter", ["hint": error.next]))
            }
        }
        return reports
    }

    /// Extracts and self-checks one bundle under `.folio/incoming/` (same file system, so its files can
    /// later be renamed into place). The caller removes it, then calls `removeIncomingFolder()`.
    /// `screenedAgainst`: the school records the bundle is to be judged with; given, a bundle this workspace
    /// would refuse on its header (school, recipient, signer) stops being extracted as soon as that is known.
    /// A transfer from another school, checked against that school's records instead, passes nil.
    func stage(_ file: String, screenedAgainst known: [StoredEvent]?) throws(FolioError) -> StagedBundle {
        try FileIO.makeDirectories(incomingFolder)
        let screen = known.map { BundleCheck.screen(config: workspace.config, schoolEvents: $0, root: workspace.pinnedRoot($0),
                                                    label: FileIO.lastComponent(of: file)) }
        return try StagedBundle.open(file, staging: incomingFolder + "/" + String(UInt64.random(in: 0...UInt64.max), radix: 16),
                                     screen: screen, keys: openingKeys)
    }

    private var incomingFolder: String { workspace.root + "/.folio/incoming" }

    /// Removes `.folio/incoming/` once nothing is staged in it, so a refused bundle leaves no trace at all.
    /// (`rmdir` only removes an empty folder; the workspace lock keeps other imports out meanwhile.)
    func removeIncomingFolder() {
        _ = rmdir(incomingFolder)
    }

    func importStaged(_ staged: [StagedBundle], now: Instant) throws(FolioError) -> [ImportReport] {
        var school = self.school
        var known = workspace.schoolEvents()
        let held = Set(known.map(\.id))
        let root = try workspace.trustedRoot(known)
        for bundle in staged {
            // All the staged bundles land in one transaction, so a file any of them carries will be there.
            school = try BundleCheck.check(bundle, config: workspace.config, schoolEvents: known, root: root,
                                           hasFile: { path in
                                               FileIO.exists(workspace.root + "/" + path)
                                                   || staged.contains { $0.files[path] != nil } })
            known += bundle.schoolEvents.filter { e in !known.contains { $0.id == e.id } }
        }
        let manifests = incomingFolder + "/manifests-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        try FileIO.makeDirectories(manifests)
        defer { FileIO.removeTree(manifests) }
        let plan = try Plan(bundles: staged, workspace: workspace, school: school, before: self.school, held: held,
                            manifestDir: manifests, gate: ImportGate(workspace, now: now))
        var book = PeerBook.load(workspace)
        let reports = staged.indices.map { plan.report(for: staged[$0], index: $0, book: book) }
        try plan.apply(workspace: workspace)
        adoptSchool(known, school)
        // Bookkeeping for smaller bundles next time; losing it is harmless (see PeerBook).
        for (index, bundle) in staged.enumerated() {
            try remember(bundle, in: &book, except: plan.heldOffPaths, keptBySender: plan.keptBySender[index] ?? [])
        }
        try book.save(workspace)
        return reports
    }

    /// `except`: paths the import held back (dated in the future): the sender must send them again.
    /// `keptBySender`: files of the bundle's uploads that it did not carry (a school update), which its sender holds.
    private func remember(_ bundle: StagedBundle, in book: inout PeerBook, except heldOff: Set<String>,
                          keptBySender: [String]) throws(FolioError) {
        let header = bundle.header
        guard let replica = header.sender.replica else { return }
        var peer = book.peers[replica] ?? PeerBook.Peer()
        // A workspace id belongs to the person who first signed for it; another person claiming it gets
        // their records imported (they were checked) but changes nothing in the bookkeeping. The office's
        // workspace is the exception: its clerks all sign for it (the IT section one update, the registration
        // section the next), but only someone holding an office: a teacher's or a kiosk's key could otherwise
        // claim the office holds what it never received, and this workspace would not send it again.
        if let person = peer.person, person != header.sender.person,
           replica != workspace.config.hub || !school.holdsAnOffice(header.sender.person) { return }
        peer.person = header.sender.person
        switch header.kind {
        case .certifications: peer.role = "teacher"
        case .uploads: peer.role = "kiosk"
        case .officeRecords: peer.role = "office"
        case .certRequest, .schoolUpdate, .transfer: peer.role = "hub"
        }
        if !peer.imported.contains(bundle.id) { peer.imported.append(bundle.id) }
        if let envelope = bundle.envelopeID, !peer.imported.contains(envelope) { peer.imported.append(envelope) }
        if peer.sequences[String(header.sequence)] == nil { peer.sequences[String(header.sequence)] = bundle.id }
        book.peers[replica] = peer
        var held = header.entries.map(\.path).filter { !heldOff.contains($0) }
        held += keptBySender
        for id in header.holds { held += PeerBook.sentPaths(workspace, bundle: id) ?? [] }
        try PeerBook.addHeld(workspace, replica: replica, held)
    }
}

/// The union of the workspace's events and files with those of the staged bundles, and the views folded
/// from it. Everything is decided before anything is written.
private struct Plan {
    var schoolEvents: [StoredEvent] = []
    /// Ids of the student records not yet held, by student.
    var newStudentIDs: [String: Set<String>] = [:]
    /// Each bundle's staging folder.
    let stagings: [String]
    /// Workspace path → index of the bundle that brings it. (An index rather than the staged path: a
    /// whole-school bundle brings 90,000 files, and their staged paths were 16 MB.)
    var files: [String: Int] = [:]
    var eventFiles: [String: Int] = [:]
    var school: SchoolState
    /// Each re-folded student's new manifest and what the report needs from their view.
    var folded: [String: Folded] = [:]
    var schoolChanged = false
    /// Records not taken in because they are dated in the future (`ImportGate`), by bundle.
    var heldOff: [Int: [Problem]] = [:]
    /// Their paths, and those of the files their uploads bring.
    var heldOffPaths: Set<String> = []

    struct Folded: Sendable {
        /// The new manifest, written under `manifestDir`; nil when unchanged or only previewing.
        var manifest: String?
        var problems: [Problem]
        var conflicts: [String]
        /// Records left out by the gate: the bundle they came in, their path, and why.
        var heldOff: [(bundle: Int, path: String, files: [String], problem: Problem)] = []
        /// Files of new uploads that came without them (a school update): the bundle's sender keeps them.
        var keptBySender: [(bundle: Int, path: String)] = []
    }

    /// For each bundle (by index), the files its sender keeps: see `Folded.keptBySender`.
    var keptBySender: [Int: [String]] = [:]

    /// `knownSchool`: ids of the school records the workspace already holds. `before`: the school state
    /// the workspace's manifests were folded with. `manifestDir`: where changed manifests are written
    /// (on the workspace's file system, to be renamed into place); nil for a preview.
    init(bundles: [StagedBundle], workspace: Workspace, school: SchoolState, before: SchoolState,
         held knownSchool: Set<String>, manifestDir: String?, gate: ImportGate) throws(FolioError) {
        self.school = school
        stagings = bundles.map(\.staging)
        // Which bundle brings each new student record (the first that carries it).
        var sources: [String: [(bundle: Int, record: StagedBundle.Record)]] = [:]
        for (index, bundle) in bundles.enumerated() {
            for e in bundle.schoolEvents where !knownSchool.contains(e.id) {
                try gate.admitSchool(e, school: school, label: bundle.fileLabel)
                let path = "school/events/\(e.id).json"
                if eventFiles[path] == nil {
                    eventFiles[path] = index
                    schoolEvents.append(e)
                }
            }
            for (number, records) in bundle.studentRecords {
                for r in records where eventFiles[r.path] == nil && !FileIO.exists(workspace.root + "/" + r.path) {
                    eventFiles[r.path] = index
                    newStudentIDs[number, default: []].insert(r.id)
                    sources[number, default: []].append((index, r))
                }
            }
            for path in bundle.files.keys.sorted() where files[path] == nil && !FileIO.exists(workspace.root + "/" + path) {
                files[path] = index
            }
        }
        schoolChanged = !schoolEvents.isEmpty
        // Everyone is folded again only when the new school records change what a student's fold reads.
        let everyone = schoolChanged && school.studentFacing != before.studentFacing
        let numbers = (everyone ? Set(workspace.studentNumbers()).union(sources.keys) : Set(sources.keys)).sorted()
        // Student by student on every core, writing each changed manifest out at once: a whole-school
        // bundle's records and views are never all in memory.
        let bySource = sources
        let results = Parallel.map(numbers.count) { i -> Result<Folded, FolioError> in
            let number = numbers[i]
            var incoming: [StoredEvent] = []
            var heldOff: [(bundle: Int, path: String, files: [String], problem: Problem)] = []
            for (index, record) in bySource[number] ?? [] {
                do throws(FolioError) {
                    let e = try bundles[index].event(record)
                    if let problem = try gate.admit(e, school: school, label: bundles[index].fileLabel) {
                        heldOff.append((index, record.path, ImportGate.declaredFiles(e, student: number), problem))
                    } else {
                        incoming.append(e)
                    }
                } catch { return .failure(error) }
            }
            let existing = workspace.studentEvents(number)
            for problem in gate.late(incoming, existing: existing, number: number, school: school) {
                guard let at = incoming.firstIndex(where: { $0.id == problem.event }) else { continue }
                let e = incoming.remove(at: at)
                let index = bySource[number]!.first { $0.record.id == e.id }!
                heldOff.append((index.bundle, index.record.path, ImportGate.declaredFiles(e, student: number), problem))
            }
            var kept: [(bundle: Int, path: String)] = []
            for e in incoming where e.event.kind == .itemUploaded {
                guard let index = bySource[number]?.first(where: { $0.record.id == e.id })?.bundle,
                      bundles[index].header.kind.mayLeaveFilesWithSender else { continue }
                for path in ImportGate.declaredFiles(e, student: number) where bundles[index].files[path] == nil {
                    kept.append((index, path))
                }
            }
            let view = StudentFolder.fold(number: number, events: existing + incoming, school: school)
            do throws(FolioError) {
                try gate.checkStudentKey(incoming, number: number, current: view.signingKey?.publicKey) { e in
                    bundles[bySource[number]!.first { $0.record.id == e.id }!.bundle].fileLabel
                }
            } catch { return .failure(error) }
            var manifest: String?
            if let manifestDir {
                let bytes = Workspace.viewBytes(view)
                if (try? FileIO.readAll(workspace.manifestPath(number))) != bytes {
                    manifest = manifestDir + "/" + number + ".json"
                    do throws(FolioError) { try FileIO.writeNew(manifest!, bytes, flush: false) } catch { return .failure(error) }
                }
            }
            return .success(Folded(manifest: manifest, problems: view.problems,
                                   conflicts: view.conflicts.map { "\(number) \($0.item)" }, heldOff: heldOff, keptBySender: kept))
        }
        for (number, result) in zip(numbers, results) { folded[number] = try result.get() }
        for view in folded.values { for k in view.keptBySender { keptBySender[k.bundle, default: []].append(k.path) } }
        // What the gate left out does not land: not the record, and not the files its upload brings.
        for (number, view) in folded {
            for held in view.heldOff {
                eventFiles[held.path] = nil
                newStudentIDs[number]?.remove(held.problem.event)
                for path in held.files where files[path] == held.bundle { files[path] = nil }
                heldOff[held.bundle, default: []].append(held.problem)
                heldOffPaths.insert(held.path)
                heldOffPaths.formUnion(held.files)
            }
        }
    }

    /// `index`: the bundle's place in the list the plan was made from.
    func report(for bundle: StagedBundle, index: Int, book: PeerBook) -> ImportReport {
        let ids = bundle.allIDs
        let newIDs = Set(schoolEvents.map(\.id) + newStudentIDs.values.flatMap { $0 }).intersection(ids)
        let touched = bundle.studentRecords.keys.filter { number in
            bundle.studentRecords[number]!.contains { newIDs.contains($0.id) }
        }.sorted()
        var problems = school.problems.filter { newIDs.contains($0.event) } + (heldOff[index] ?? [])
        var conflicts: [String] = []
        for number in touched {
            guard let view = folded[number] else { continue }
            problems += view.problems.filter { newIDs.contains($0.event) }
            conflicts += view.conflicts
        }
        var copyWarning: String?
        if let replica = bundle.header.sender.replica,
           let seen = book.peers[replica]?.sequences[String(bundle.header.sequence)], seen != bundle.id {
            copyWarning = Message("bundle.copiedWorkspace", ["replica": replica, "sequence": String(bundle.header.sequence)]).text()
        }
        let newFiles = bundle.files.keys.filter { files[$0] == index }.count
        return ImportReport(file: bundle.fileLabel, bundle: bundle.id, kind: bundle.header.kind, sender: bundle.header.sender,
                            created: bundle.header.created, scope: bundle.header.scope, alreadyHeld: newIDs.isEmpty && newFiles == 0,
                            newEvents: newIDs.count, newFiles: newFiles, students: touched, problems: problems,
                            conflicts: conflicts, copyWarning: copyWarning)
    }

    /// One transaction: files and events are renamed in from staging, views rewritten, then committed.
    func apply(workspace: Workspace) throws(FolioError) {
        guard !eventFiles.isEmpty || !files.isEmpty else { return }
        let txn = try Transaction(root: workspace.root)
        do {
            for path in files.keys.sorted() { try txn.adopt(stagings[files[path]!] + "/" + path, to: path) }
            for path in eventFiles.keys.sorted() { try txn.adopt(stagings[eventFiles[path]!] + "/" + path, to: path) }
            if schoolChanged {
                let bytes = Workspace.viewBytes(school)
                if (try? FileIO.readAll(workspace.schoolViewPath)) != bytes { try txn.write("school/school.json", bytes) }
            }
            for (number, view) in folded.sorted(by: { $0.key < $1.key }) {
                if let manifest = view.manifest { try txn.adopt(manifest, to: "students/\(number)/manifest.json") }
            }
            try txn.commit()
        } catch {
            txn.abandon()
            throw error
        }
    }
}
