import FolioCore
import FolioTar
import Foundation

/// A bundle extracted into a fresh staging folder and checked against its own signed header: every entry
/// named, sized and hashed as promised, nothing more and nothing less, and every event well-formed and
/// signed. Checks against the workspace (school, sender's key, recipient) come next, in `BundleCheck`.
struct StagedBundle {
    let file: String
    let id: String
    let header: BundleHeader
    let staging: String
    /// For a sealed bundle, its envelope's id (`SealedBundle.Opened.id`), remembered with `id`.
    var envelopeID: String?
    var schoolEvents: [StoredEvent] = []
    /// Each student's records in the bundle, checked but not kept: a whole-school bundle holds 50,000 of
    /// them. `events(of:)` reads a student's again when they are folded.
    var studentRecords: [String: [Record]] = [:]
    /// Artifact files: path inside the workspace (`students/<no>/files/…`) and size.
    var files: [String: Int64] = [:]
    /// Files the bundle's uploads need that it does not carry, by workspace path: the receiving workspace
    /// must have them already.
    var declaredElsewhere: Set<String> = []

    /// A student record in the bundle: where it is staged, its id, and the SHA-256 of its file as the
    /// signed header promised (and extraction confirmed).
    struct Record: Sendable {
        /// The header's entry for it (its hash kept as 32 bytes).
        var entry: BundleEntry
        var id: String
        var path: String { entry.path }
        var sha256: String { entry.sha256 }
    }

    var fileLabel: String { FileIO.lastComponent(of: file) }

    func stagedPath(_ relative: String) -> String { staging + "/" + relative }

    /// Deletes the staging folder. After an import it holds the empty folders of every file moved out
    /// (tens of thousands for a whole school), removed a student at a time on eight threads (see `Parallel.blocking` and `Transaction.discard`).
    func remove() { Self.remove(staging) }

    static func remove(_ staging: String) {
        let students = staging + "/students"
        let names = FileIO.isDirectory(students) ? FileIO.list(students) : []   // never through a link
        Parallel.blocking(names.count) { i in FileIO.removeTree(students + "/" + names[i]) }
        FileIO.removeTree(staging)
    }

    /// Ids of every record in the bundle.
    var allIDs: Set<String> { Set(schoolEvents.map(\.id) + studentRecords.values.flatMap { $0.map(\.id) }) }

    /// A student's records, read again from staging. They were checked when the bundle was opened; a file
    /// whose bytes still hash as the header says is the same file, so its signature is not checked twice.
    func events(of number: String) throws(FolioError) -> [StoredEvent] {
        var events: [StoredEvent] = []
        for r in studentRecords[number] ?? [] { events.append(try event(r)) }
        return events
    }

    func event(_ r: Record) throws(FolioError) -> StoredEvent {
        guard let bytes = try? FileIO.readAll(stagedPath(r.path)), SHA256Hex.of(bytes) == r.sha256,
              let e = SignedEvent.readCanonical(bytes, signatureChecked: true) else {
            throw FolioError(.badBundle, "bundle.staged.recordChanged", ["label": fileLabel, "path": r.path])
        }
        return e
    }

    /// How every refusal of the bundle `label` is worded.
    static func refuser(_ label: String) -> @Sendable (Message, Message) -> FolioError {
        { why, hint in FolioError(.badBundle, Message("bundle.refused", ["label": label, "why": why]), hint: hint) }
    }

    /// A bundle `open` extracted and checked into `staging` earlier in this command, read again from there
    /// without checking it a second time: its header (signature and id), its school records whole, its
    /// student records by name (each is hashed against the header again when it is folded) and its files.
    /// `folio bundle import` of several bundles checks them all first, keeping only their staging folders,
    /// then lands them one at a time, so no more than one is in memory.
    ///
    /// What the uploads declare is not read again (`declaredElsewhere` stays empty): that was checked.
    static func reopen(_ file: String, staging: String, id: String, envelopeID: String?) throws(FolioError) -> StagedBundle {
        let label = FileIO.lastComponent(of: file)
        let refuse = refuser(label)
        let changed = { () -> FolioError in
            refuse(Message("bundle.staged.copyChanged", ["staging": staging]), Message("bundle.staged.copyChanged.hint"))
        }
        guard let bytes = try? FileIO.readAll(staging + "/" + BundleHeader.entryName),
              let (header, again) = try? ContentsCheck.signedHeader(bytes, refuse: refuse), again == id else { throw changed() }
        var bundle = StagedBundle(file: file, id: id, header: header, staging: staging)
        bundle.envelopeID = envelopeID
        for entry in header.entries {
            switch recordOwner(entry.path) {
            case .some(.none):
                guard let bytes = try? FileIO.readAll(staging + "/" + entry.path), SHA256Hex.of(bytes) == entry.sha256,
                      let e = SignedEvent.readCanonical(bytes, signatureChecked: true) else { throw changed() }
                bundle.schoolEvents.append(e)
            case .some(.some(let number)):
                // Named by its id: `open` refused any record that was not.
                let name = FileIO.lastComponent(of: entry.path)
                bundle.studentRecords[number, default: []].append(Record(entry: entry, id: String(name.dropLast(".json".count))))
            case .none:
                bundle.files[entry.path] = entry.size
            }
        }
        return bundle
    }

    /// Extracts `file` into `staging` (which must not exist) and checks it against its header. On any
    /// problem the staging folder is removed and a `badBundle` error names the file and the problem.
    /// `screen`: what the receiving workspace refuses on the header and school records alone, judged before
    /// anything more is extracted (`BundleCheck.screen`).
    ///
    /// A sealed bundle (`SealedBundle`) is opened with whichever of `keys` it is sealed to; its envelope is
    /// screened first, so a bundle for another school or workspace is refused before anything is opened, and
    /// the bundle inside must say what the envelope says.
    static func open(_ file: String, staging: String, screen: BundleScreen? = nil, keys: [SigningIdentity] = []) throws(FolioError) -> StagedBundle {
        let label = FileIO.lastComponent(of: file)
        let refuse = refuser(label)
        guard FileIO.exists(file), !FileIO.isDirectory(file) else {
            throw FolioError(.badInput, "bundle.staged.noFile", ["file": file])
        }
        // The limits files are judged by: the receiving school's, or for a transfer the sending school's.
        let limits = screen?.fileLimits ?? { FileLimits(SchoolFolder.fold($0, root: SchoolFolder.foundingRoot($0)).settings) }
        do throws(FolioError) {
            var source = TarSource.file(path: file)
            var envelope: BundleEnvelope?
            var envelopeID: String?
            var finish: (() throws(TarError) -> Void)?
            // The envelope is read once: judged, opened and remembered from the same bytes.
            if let sealed = try SealedBundle.open(file, keys: keys, screen: { (e: BundleEnvelope) throws(FolioError) in
                if let screen { try screen.header(e.routing) }
            }) {
                let content = try sealed.content.get()
                (envelope, envelopeID, source, finish) = (sealed.envelope, sealed.id, content.source, content.finish)
            }
            var (bundle, listing, read) = try extract(file: file, source: source, envelope: envelope, label: label, staging: staging,
                                                      screen: screen, refuse: refuse)
            // The tar inside can end before its last sealed chunk: that chunk must still be there, sealed as the last.
            do throws(TarError) { try finish?() } catch { throw refuse(error.what, error.next) }
            try bundle.readEntries(&read, listing: listing, limits: limits(bundle.schoolEvents), refuse: refuse)
            bundle.envelopeID = envelopeID
            return bundle
        } catch {
            FileIO.removeTree(staging)
            throw error
        }
    }

    /// Extracts the bundle, checking each entry against the signed header as it comes out of the archive
    /// (the header is its first entry, `ContentsCheck`), and reads and checks each record on the other core
    /// as soon as it is extracted: extraction keeps one core busy, and a whole school's 50,000 Ed25519
    /// checks fit beside it. Returns the bundle, its header's list with an index, and the records read, in
    /// the order of that list.
    ///
    /// Extraction stops at the first problem, so nothing after a bad entry is written: an entry the header
    /// does not list or sizes otherwise (before its data), one whose SHA-256 differs, a school record that
    /// is not valid or not of the bundle's kind, and whatever `screen` refuses. School records are few and
    /// come first (they sort right after the header), so they are read here, in order, for the screen to
    /// judge the signer by before the first student's entry is written.
    private static func extract(file: String, source: TarSource, envelope: BundleEnvelope?, label: String, staging: String, screen: BundleScreen?,
                                refuse: @escaping (Message, Message) -> FolioError)
        throws(FolioError) -> (StagedBundle, ContentsCheck.Listing, [RecordRead]) {
        let contents = ContentsCheck(staging: staging, refuse: refuse)
        // Started at the first student record: a record is queued as its place in the header's list, so no
        // path is held twice for 50,000 records.
        var records: BackgroundQueue<Int, RecordRead>?
        defer { records?.stop() }
        var schoolRecords: [RecordRead] = []
        var schoolEvents: [StoredEvent] = []
        var headerScreened = false
        var signerScreened = false
        // Counted once the header has said how many entries follow.
        var progress: ProgressMeter?
        defer { progress?.finish() }
        /// Runs one of the screen's judgements; false (and the bundle stopped) if it refuses.
        let judge = { (check: () throws(FolioError) -> Void) -> Bool in
            do throws(FolioError) { try check() } catch {
                contents.stop(error)
                return false
            }
            return true
        }
        let judgeSigner = { () -> Bool in
            signerScreened = true
            guard let screen, let header = contents.listing?.header else { return true }
            return judge { () throws(FolioError) in try screen.signer(header, schoolEvents) }
        }
        do {
            try TarReader().extract(source, intoNewDirectory: staging, admitting: { head in
                guard contents.admit(head) else { return false }
                // The first file past the header and the school records: the signer is judged before it is written.
                if !signerScreened, contents.listing != nil, head.kind == .file, recordOwner(head.path) != .some(nil) {
                    return judgeSigner()
                }
                return true
            }, each: { entry in
                let place = contents.see(entry)
                guard !contents.refused, let listing = contents.listing else { return false }
                if progress == nil {
                    progress = ProgressMeter(Message("progress.import"), total: listing.header.entries.count,
                                             unit: Message("progress.unit.entries"))
                }
                progress?.advance(bytes: entry.size)
                if !headerScreened {
                    headerScreened = true
                    if let envelope, !envelope.agrees(with: listing.header) {
                        contents.stop(refuse(Message("bundle.staged.swapped"), Message("bundle.staged.swapped.hint")))
                        return false
                    }
                    if let screen, !judge({ () throws(FolioError) in try screen.header(listing.header) }) { return false }
                }
                guard let i = place, let owner = recordOwner(entry.path) else { return true }
                guard owner == nil else {
                    if records == nil {
                        records = BackgroundQueue { i in
                            readRecord(listing.header.entries[i].path, staging: staging, label: label, listing: listing)
                                .map { RecordRead(entry: Int32(i), result: $0) }
                        }
                    }
                    records?.add(i)
                    return true
                }
                guard let result = readRecord(entry.path, staging: staging, label: label, listing: listing) else { return true }
                switch result {
                case .failure(let error):
                    contents.stop(error)
                    return false
                case .success(.school(let e)):
                    guard listing.header.kind.admits(e.event.kind) else {
                        contents.stop(notAdmitted(e.event.kind, listing.header, entry.path, refuse: refuse))
                        return false
                    }
                    schoolEvents.append(e)
                case .success(.student):
                    break
                }
                schoolRecords.append(RecordRead(entry: Int32(i), result: result))
                return true
            })
        } catch {
            // A stop asked for by the checks above carries their reason; any other is the tar layer's own.
            if let refusal = contents.refusal { throw refusal }
            throw refuse(error.what, error.next)
        }
        // A bundle of nothing but school records: the signer is judged now, before it is used.
        if !signerScreened, !judgeSigner(), let refusal = contents.refusal { throw refusal }
        let (listing, id) = try contents.finish()
        var read = (records?.finish() ?? []) + schoolRecords
        read.sort { $0.entry < $1.entry }
        return (StagedBundle(file: file, id: id, header: listing.header, staging: staging), listing, read)
    }

    /// The refusal of a record the bundle's kind may not carry.
    static func notAdmitted(_ kind: EventKind, _ header: BundleHeader, _ path: String,
                            refuse: (Message, Message) -> FolioError) -> FolioError {
        refuse(Message("bundle.staged.notAdmitted", ["kind": header.kind.name, "record": kind.rawValue, "path": path]),
               Message("bundle.again.fresh"))
    }

    /// One record read and checked: its place in the header's list, and what is kept of it.
    struct RecordRead: Sendable {
        var entry: Int32
        var result: Result<ReadRecord, FolioError>
    }

    /// What reading one record leaves behind: school records are kept whole (they are few); of a student
    /// record only its kind and the files it declares.
    enum ReadRecord: Sendable {
        /// Indirect: a whole event inline would make every one of 50,000 results as large as it.
        indirect case school(StoredEvent)
        case student(String, id: String, kind: EventKind, declares: [Declared])
    }

    /// A file an upload declares. Most travel in the same bundle: then it is kept as the place of that entry
    /// in the header's list, and whether the entry's size and SHA-256 are the ones the upload gives (the
    /// header's were checked against the file itself). Otherwise its workspace path.
    enum Declared: Sendable {
        /// `kind`: the kind the upload declares for it (nil when that is no kind folio knows), against which
        /// the file's content is judged once it is extracted.
        case carried(Int32, agrees: Bool, kind: FileKind?)
        case elsewhere(String)
    }

    /// Sorts the entries into events and files, refusing anything else. `read`: the records read while the
    /// bundle was extracted, in the order of the header's list; any the header lists that are not there are
    /// read here. It is emptied at the end.
    private mutating func readEntries(_ read: inout [RecordRead], listing: ContentsCheck.Listing, limits: FileLimits,
                                      refuse: (Message, Message) -> FolioError) throws(FolioError) {
        let again = Message("bundle.again.fresh")
        // What the uploads say of each entry: 0 nothing, 1 declared with this size and hash, 2 declared otherwise.
        // The first upload to declare a file counts.
        var declared = [UInt8](repeating: 0, count: header.entries.count)
        // The kind that upload declares for it.
        var kinds = [FileKind?](repeating: nil, count: header.entries.count)
        var fileEntries: [Int] = []
        var next = 0
        for (i, entry) in header.entries.enumerated() {
            while next < read.count && read[next].entry < i { next += 1 }
            let result: Result<ReadRecord, FolioError>?
            if next < read.count && read[next].entry == i {
                result = read[next].result
            } else {
                // A safety net: extraction queues every record it finds, and `ContentsCheck.finish` has made
                // sure every entry was found, so this is not expected to run.
                result = Self.readRecord(entry.path, staging: staging, label: fileLabel, listing: listing)
            }
            if let result {
                switch try result.get() {
                case .school(let e):
                    guard header.kind.admits(e.event.kind) else { throw Self.notAdmitted(e.event.kind, header, entry.path, refuse: refuse) }
                    schoolEvents.append(e)
                case .student(let number, let id, let kind, let declares):
                    guard header.kind.admits(kind) else { throw Self.notAdmitted(kind, header, entry.path, refuse: refuse) }
                    studentRecords[number, default: []].append(Record(entry: entry, id: id))
                    for d in declares {
                        switch d {
                        case .carried(let j, let agrees, let kind):
                            if declared[Int(j)] == 0 {
                                declared[Int(j)] = agrees ? 1 : 2
                                kinds[Int(j)] = kind
                            }
                        case .elsewhere(let path): declaredElsewhere.insert(path)
                        }
                    }
                }
                continue
            }
            let parts = entry.path.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 6, parts[0] == "students", parts[2] == "files" else {
                throw refuse(Message("bundle.staged.stray", ["path": entry.path]), again)
            }
            files[entry.path] = entry.size
            fileEntries.append(i)
        }
        read = []
        // Every file must be one an upload in the bundle declares, with that size and hash (the hash was
        // already checked against the header, and the header names it in the path's folder).
        for i in fileEntries {
            let path = header.entries[i].path
            guard declared[i] != 0 else {
                throw refuse(Message("bundle.staged.unmentioned", ["path": path]), again)
            }
            guard declared[i] == 1 else {
                throw refuse(Message("bundle.staged.fileDiffers", ["path": path]), again)
            }
        }
        try judgeContents(fileEntries, kinds: kinds, limits: limits, refuse: refuse)
    }

    /// Judges every file the bundle brings by its content, with the rules a local upload is judged by
    /// (`FileCheck`: its first bytes and size, within `limits`), and against the kind its upload record
    /// declares. The header and the records are signed, but a signature only says who sent the bytes: a kiosk
    /// that is not folio, or a forged one, could label a PNG or a text file "pdf", and the central platform
    /// refuses a file that is not what it says. Files are read on every core, 16 bytes each.
    private func judgeContents(_ fileEntries: [Int], kinds: [FileKind?], limits: FileLimits,
                               refuse: (Message, Message) -> FolioError) throws(FolioError) {
        let staging = self.staging, entries = header.entries
        let problems = Parallel.map(fileEntries.count) { n -> Message? in
            let entry = entries[fileEntries[n]]
            let name = FileIO.lastComponent(of: entry.path)
            let declared = kinds[fileEntries[n]]
            guard let prefix = try? FileIO.prefix(staging + "/" + entry.path, count: FileKind.sniffLength) else {
                return Message("bundle.staged.fileUnreadable", ["path": entry.path])
            }
            let actual: FileKind
            do throws(FileRuleError) {
                actual = try FileCheck.check(name: name, prefix: prefix, size: Int(entry.size), limits: limits)
            } catch {
                return Message("bundle.staged.fileNotWhatSaid", ["path": entry.path, "error": error.what])
            }
            guard actual == declared else {
                return Message("bundle.staged.fileKind", ["path": entry.path, "actual": actual.name,
                                                           "declared": declared.map { Message("bundle.staged.aKind", ["kind": $0.name]) }
                                                               ?? Message("bundle.staged.unacceptedKind")])
            }
            return nil
        }
        if let first = problems.lazy.compactMap({ $0 }).first {
            throw refuse(first, Message("bundle.staged.fileRefused.hint"))
        }
    }

    /// For a record's path, whose record it is: `.some(nil)` for `school/events/<id>.json`, the student number
    /// for `students/<no>/events/<id>.json`; nil for any other path.
    static func recordOwner(_ path: String) -> String?? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0] == "school", parts[1] == "events" { return .some(nil) }
        if parts.count == 4, parts[0] == "students", parts[2] == "events" { return .some(String(parts[1])) }
        return nil
    }

    /// Reads and checks the record staged at `path`, keeping what `readEntries` needs of it; nil when
    /// `path` is not a record's. `listing` tells which declared files the bundle carries.
    static func readRecord(_ path: String, staging: String, label: String, listing: ContentsCheck.Listing) -> Result<ReadRecord, FolioError>? {
        guard let student = recordOwner(path) else { return nil }
        do throws(FolioError) {
            let e = try event(path, staging: staging, student: student, refuse: refuser(label))
            guard let number = student else { return .success(.school(e)) }
            var declares: [Declared] = []
            if e.event.kind == .itemUploaded, let u = try? e.event.decodeBody(ItemUploaded.self) {
                // Its item id, file names and hashes become paths below: anything but their one form is refused
                // before a path is built from it.
                try checkPathParts(u, path, refuse: refuser(label))
                // A name listed twice in one upload: the last one counts, as everywhere else.
                var last: [String: Int] = [:]
                for (i, f) in u.files.enumerated() { last[f.path(item: u.item)] = i }
                for (i, f) in u.files.enumerated() where last[f.path(item: u.item)] == i {
                    let path = "students/\(number)/" + f.path(item: u.item)
                    if let j = listing.index[path] {
                        let entry = listing.header.entries[j]
                        declares.append(.carried(Int32(j), agrees: entry.size == Int64(f.size) && entry.sha256 == f.sha256,
                                                 kind: FileKind(rawValue: f.kind)))
                    } else {
                        declares.append(.elsewhere(path))
                    }
                }
            }
            return .success(.student(number, id: e.id, kind: e.event.kind, declares: declares))
        } catch { return .failure(error) }
    }

    /// Refuses an upload whose item id, file name or SHA-256 is not in the one form a workspace path is
    /// made of (`files/<item>/<sha12>/<name>`), so that `../../../x` can never become a path.
    private static func checkPathParts(_ u: ItemUploaded, _ path: String,
                                       refuse: (Message, Message) -> FolioError) throws(FolioError) {
        let again = Message("bundle.again.notFolio")
        guard ItemID.isValid(u.item) else {
            throw refuse(Message("bundle.staged.badItem", ["path": path, "item": ItemID.printable(u.item), "length": ItemID.length]), again)
        }
        for f in u.files where !SHA256Hex.isValid(f.sha256) || !FileNames.isSafe(f.name) {
            throw refuse(Message("bundle.staged.badFileName", ["path": path, "name": ItemID.printable(f.name)]), again)
        }
    }

    private static func event(_ path: String, staging: String, student: String?,
                              refuse: (Message, Message) -> FolioError) throws(FolioError) -> StoredEvent {
        let again = Message("bundle.again.fresh")
        if let student {
            do { try WorkspaceSession.checkStudentNumber(student) } catch {
                throw refuse(Message("bundle.staged.badStudent", ["folder": path.split(separator: "/")[0], "start": student.prefix(3),
                                                                   "error": error.what]), again)
            }
        }
        let name = FileIO.lastComponent(of: path)
        // A record travels exactly as stored: canonical bytes, named by its id. The strict reader is tried
        // first so that a canonical record's signature is checked once.
        guard let bytes = try? FileIO.readAll(staging + "/" + path) else { throw refuse(Message("bundle.staged.recordUnreadable", ["path": path]), again) }
        let fast = SignedEvent.readCanonical(bytes)
        guard let stored = fast ?? SignedEvent.readStored(bytes) else {
            throw refuse(Message("bundle.staged.recordUnreadable", ["path": path]), again)
        }
        let canonical = fast != nil || (try? stored.signed.fileBytes()) == bytes
        guard name == stored.id + ".json", canonical else {
            throw refuse(Message("bundle.staged.recordName", ["path": path]), again)
        }
        guard stored.signatureIsValid else {
            throw refuse(Message("bundle.staged.recordSignature", ["path": path]), again)
        }
        guard stored.event.student == student else {
            throw refuse(Message("bundle.staged.wrongStudent", ["path": path]), again)
        }
        return stored
    }
}
