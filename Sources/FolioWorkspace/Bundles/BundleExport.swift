import Crypto
import FolioCore
import FolioTar
import Foundation

/// What `folio bundle export` wrote.
public struct ExportReport: Codable, Sendable {
    /// Full path of the bundle written, or nil when there was nothing new to send.
    public var path: String?
    public var bundle: String?
    public var kind: BundleKind
    public var recipient: BundleParty
    public var events: Int
    public var files: Int
    public var bytes: Int64
    public var scope: [String]
    /// Set when an identical bundle already waits in the folder, so none was written (the first, when the
    /// parts of one wait: `waitingFiles` names them all).
    public var waiting: String?
    public var waitingFiles: [String] = []
    /// Every bundle written, in order: one, or several parts of one export when it was too large for one
    /// bundle (`path` and `bundle` are the first's).
    public var parts: [Part] = []

    public struct Part: Codable, Sendable {
        public var path: String
        public var bundle: String
        public var events: Int
        public var files: Int
        public var bytes: Int64
    }
}

extension WorkspaceSession {
    /// Writes a bundle of `kind` for `to` (a person, a device or a replica id; nil means the hub for a
    /// replica, everyone for a school update) into the folder `outDir`, e.g. a mounted USB stick.
    /// Leaves out what the recipient is known to hold. The file appears under its final name only
    /// once it is complete and flushed.
    public func exportBundle(kind: BundleKind, to: String?, actor: Actor, now: Instant,
                             outDir: String) throws(FolioError) -> ExportReport {
        try exportBundle(kind: kind, to: to, actor: actor, now: now, outDir: outDir, prepared: nil)
    }

    /// `exportBundle`, with a certification request's share of each student already worked out
    /// (`prepareRequests`).
    func exportBundle(kind: BundleKind, to: String?, actor: Actor, now: Instant, outDir: String,
                      prepared: PreparedRequest?) throws(FolioError) -> ExportReport {
        let recipient = try resolveRecipient(kind: kind, to: to)
        try checkSigner(actor)
        let source = try source(kind: kind, recipient: recipient, now: now, prepared: prepared)
        return try writeBundles(kind: kind, recipient: recipient, source: source, actor: actor, now: now, outDir: outDir)
    }

    /// What a certification request carries of one student: the items waiting for its teacher, the items their
    /// laptop holds that no longer wait for them (`news`), and uploads the laptop holds that were held back here.
    typealias RequestShare = (pending: [ItemView], news: [ItemView], heldBack: [String])

    /// A certification request's share of every student, in the order of `numbers`; nil for none.
    struct PreparedRequest {
        var numbers: [String]
        var shares: [RequestShare?]
    }

    /// The teacher a certification request goes to, and the student records their laptop already holds: news
    /// of those items goes with the request (a co-teacher decided, a newer upload replaced the one waiting), so
    /// the teacher never decides on a stale version. (What earlier requests to this teacher carried counts too:
    /// a laptop that has sent nothing yet is not known by its workspace id.)
    private func requestReader(_ recipient: BundleParty, person: String) -> (person: String, onLaptop: Set<String>) {
        let book = PeerBook.load(workspace)
        var onLaptop = Set<String>()
        for replica in Set(book.replicas(of: person) + (recipient.replica.map { [$0] } ?? [])) {
            onLaptop.formUnion(PeerBook.held(workspace, replica: replica) { $0.hasPrefix("students/") })
        }
        for w in book.written.values where w.kind == .certRequest && w.recipient.person == person {
            onLaptop.formUnion((PeerBook.sentPaths(workspace, bundle: w.bundle) ?? []).filter { $0.hasPrefix("students/") })
        }
        return (person, onLaptop)
    }

    /// Each reader's share of every student. The manifest says what waits (as the office reports do); reading
    /// and decoding every manifest is most of a request's cost, so each is read once for all the readers, on
    /// every core, and only what concerns them is kept, not the views themselves.
    private func requestShares(for readers: [(person: String, onLaptop: Set<String>)], now: Instant) -> [PreparedRequest] {
        let (ws, state, day) = (workspace, school, now.taipeiDay)
        let numbers = ws.studentNumbers()
        let perStudent = Parallel.map(numbers.count) { i in
            let number = numbers[i]
            let view = ws.storedManifest(number) ?? ws.view(number, school: state)
            return readers.map { Self.requestShare(number, view: view, for: $0.person, on: day, school: state, onLaptop: $0.onLaptop) }
        }
        return readers.indices.map { r in PreparedRequest(numbers: numbers, shares: perStudent.map { $0[r] }) }
    }

    /// The certification requests due to the teachers' laptops `replicas`, worked out together (see
    /// `requestShares`): a hub's `sync` writes one to every teacher it knows. A replica whose request cannot be
    /// worked out here (not a teacher's, say) is left out: its export says why. So is a teacher with two
    /// laptops: what one request carries counts as held for the next, so theirs are worked out one by one.
    func prepareRequests(to replicas: [String], now: Instant) -> [String: PreparedRequest] {
        var readers: [(replica: String, reader: (person: String, onLaptop: Set<String>))] = []
        var people: [String: Int] = [:]
        for replica in replicas {
            guard let recipient = try? resolveRecipient(kind: .certRequest, to: replica), let person = recipient.person,
                  school.principal(person)?.kind == .staff else { continue }
            people[person, default: 0] += 1
            readers.append((replica, requestReader(recipient, person: person)))
        }
        readers.removeAll { people[$0.reader.person, default: 0] > 1 }
        guard !readers.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: zip(readers.map(\.replica), requestShares(for: readers.map(\.reader), now: now)))
    }

    /// Signs and writes the bundles for `source`, leaving out what the recipient is known to hold: one
    /// bundle, or several parts when it is too large for one (see `BundleParts`), written one after another.
    /// `sealedFor`: whom to seal it for, when not the recipient's own readers (a transfer, for the other school).
    func writeBundles(kind: BundleKind, recipient: BundleParty, source: ExportSource,
                      actor: Actor, now: Instant, outDir: String,
                      sealedFor: [(id: String, key: Curve25519.KeyAgreement.PublicKey)]? = nil) throws(FolioError) -> ExportReport {
        var report = ExportReport(path: nil, bundle: nil, kind: kind, recipient: recipient, events: 0, files: 0, bytes: 0,
                                  scope: source.scope ?? [])
        var book = PeerBook.load(workspace)
        let held = { [workspace] in PeerBook.HeldCursor(workspace, replica: recipient.replica) }
        let readers: [(id: String, key: Curve25519.KeyAgreement.PublicKey)]
        if let sealedFor { readers = sealedFor } else { readers = try self.readers(of: recipient, book: book, now: now) }
        let readerNames = Self.names(readers)
        // The same bundle (or the parts of one) still waiting in that folder, not yet picked up, sealed for the
        // same readers: do not write it again. Only then is everything gone through twice.
        let waiting = book.written.sorted { $0.key < $1.key }
            .filter { $0.value.kind == kind && $0.value.recipient == recipient && $0.value.readers == readerNames
                && FileIO.exists(outDir + "/" + $0.key) }
        if !waiting.isEmpty {
            // The paths of what waits (a whole school's, at most); the export itself is gone through a
            // student at a time.
            var sent = Set<String>()
            for (_, w) in waiting { sent.formUnion(PeerBook.sentPaths(workspace, bundle: w.bundle) ?? []) }
            var covered = true, students = 0
            var shared = 0
            try source.forEach(leavingOut: held) { number, share throws(FolioError) in
                covered = share.events.allSatisfy { sent.contains($0.path) } && share.files.allSatisfy { sent.contains($0.path) }
                if number == nil { shared = share.events.count } else if !share.events.isEmpty || !share.files.isEmpty { students += 1 }
                report.events += share.events.count
                report.files += share.files.count
                report.bytes += share.files.reduce(0) { $0 + $1.size }
                return covered
            }
            if covered && (students > 0 || shared > 0) {
                report.waiting = outDir + "/" + waiting[0].key
                report.waitingFiles = waiting.map { outDir + "/" + $0.key }
                if source.scope == nil { report.scope = ["\(students) students"] }
                return report
            }
            (report.events, report.files, report.bytes) = (0, 0, 0)
        }
        var packer = BundleParts.Packer(limits: .current)
        var students = 0
        func write(_ part: BundleParts.Packer.Part) throws(FolioError) {
            if part.index == 1 {
                guard FileIO.isDirectory(outDir) else {
                    throw FolioError(.badInput, "bundle.noFolder", ["dir": outDir])
                }
            }
            let words = (source.scope ?? ["\(part.students) students"]) + (part.only ? [] : ["part \(part.index)"])
            report.parts.append(try writePart(kind: kind, recipient: recipient, events: part.events, files: part.files,
                                              scope: words, actor: actor, now: now, outDir: outDir, readers: readers, book: &book))
            students += part.students
        }
        do {
            try source.forEach(leavingOut: held) { number, share throws(FolioError) in
                guard let number else {
                    packer.share(share.events)
                    return true
                }
                try packer.add(number, share, write: write)
                return true
            }
            try packer.finish(write: write)
        } catch where !report.parts.isEmpty {
            // The parts already written are complete bundles: say so, and what to do with them.
            let names = report.parts.map { FileIO.lastComponent(of: $0.path) }.joined(separator: ", ")
            throw FolioError(error.code, Message("bundle.partsWritten", ["error": error.what, "count": report.parts.count, "names": names]),
                             hint: Message("bundle.partsWritten.hint", ["hint": error.next]))
        }
        if source.scope == nil { report.scope = ["\(students) students"] }
        report.events = packer.shared.count + report.parts.reduce(0) { $0 + $1.events - packer.shared.count }
        report.files = report.parts.reduce(0) { $0 + $1.files }
        report.bytes = report.parts.reduce(0) { $0 + $1.bytes }
        report.path = report.parts.first?.path
        report.bundle = report.parts.first?.bundle
        return report
    }

    /// Signs and writes one bundle, and records it in `book`.
    private func writePart(kind: BundleKind, recipient: BundleParty, events: [OutEvent], files: [OutFile], scope: [String],
                           actor: Actor, now: Instant, outDir: String, readers: [(id: String, key: Curve25519.KeyAgreement.PublicKey)],
                           book: inout PeerBook) throws(FolioError) -> ExportReport.Part {
        let entries = (events.map { BundleEntry(path: $0.path, size: $0.size, sha256: $0.sha256) }
            + files.map { BundleEntry(path: $0.path, size: $0.size, sha256: $0.sha256) })
            .sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        let holds = recipient.replica.map { book.peers[$0]?.imported ?? [] } ?? []
        let header = BundleHeader(kind: kind, school: school.code,
                                  sender: BundleParty(replica: workspace.config.replica, person: actor.id),
                                  key: actor.identity.publicKeyText, recipient: recipient, sequence: book.sequence + 1,
                                  created: now, scope: scope, holds: holds.sorted(), entries: entries)
        let id: String
        var headerBytes: [UInt8]
        do {
            let signed = try SignedBundleHeader.sign(header, with: actor.identity)
            id = try header.id()
            headerBytes = try signed.fileBytes()
        } catch {
            throw FolioError(.internalError, Message("bundle.signFailed", ["error": "\(error)"]), hint: Message("internal.reportIT.hint"))
        }
        let target = outDir + "/" + header.fileName
        if FileIO.exists(target) {
            throw FolioError(.workspaceExists, "bundle.exists", ["target": target])
        }
        let partial = target + ".partial"
        FileIO.removeTree(partial)
        let sealing = Sealing(header: header, readers: readers, signer: actor.identity)
        try write(partial, header: &headerBytes, events: events, files: files, sealing: sealing)
        guard rename(partial, target) == 0 else { throw FileIO.ioError("name", target) }
        FileIO.fsyncDirectory(outDir)
        book.sequence += 1
        book.written[header.fileName] = PeerBook.Written(bundle: id, kind: kind, recipient: recipient, readers: Self.names(readers))
        try PeerBook.recordSent(workspace, bundle: id, paths: entries.map(\.path))
        try book.save(workspace)
        return ExportReport.Part(path: target, bundle: id, events: events.count, files: files.count,
                                 bytes: files.reduce(0) { $0 + $1.size })
    }

    /// Readers as `PeerBook.Written` keeps them.
    static func names(_ readers: [(id: String, key: Curve25519.KeyAgreement.PublicKey)]) -> [String] {
        readers.map { $0.id + ":" + $0.key.rawRepresentation.base64EncodedString() }
    }

    /// What a bundle is sealed with: its header (for the envelope), its readers' encryption keys, the signer.
    struct Sealing {
        var header: BundleHeader
        var readers: [(id: String, key: Curve25519.KeyAgreement.PublicKey)]
        var signer: SigningIdentity
    }

    /// Who can open a bundle for `recipient`: the person it is for (a teacher, a kiosk, an office clerk on
    /// their own machine); for the hub, everyone holding an office there; for a school update to everyone,
    /// every person and device. Each with the encryption key registered beside their current signing key,
    /// unless that key is revoked or they have left. A recipient with no key to use stops the export: a
    /// bundle nobody can open is no use, and one in the clear is not written.
    func readers(of recipient: BundleParty, book: PeerBook, now: Instant) throws(FolioError) -> [(id: String, key: Curve25519.KeyAgreement.PublicKey)] {
        let day = now.taipeiDay
        let ids: [String]
        // A replica's hub is read by whoever holds an office there, not by the person who last wrote from it.
        let peer = recipient.replica.flatMap { $0 == workspace.config.hub ? nil : book.peers[$0] }
        if let person = recipient.person ?? peer.flatMap({ $0.role == "hub" ? nil : $0.person }) {
            ids = [person]
        } else if recipient.isEveryone {
            ids = school.everyone(on: day)
        } else {
            ids = school.officeReaders(on: day)
        }
        var out: [(id: String, key: Curve25519.KeyAgreement.PublicKey)] = []
        for id in ids {
            if let text = school.encryptionKey(of: id, on: day), let key = SignatureCheck.encryptionKey(text) { out.append((id, key)) }
        }
        guard !out.isEmpty else {
            if ids.count == 1 {
                let who = ids[0]
                let revoked = school.principal(who)?.publicKey.map { school.revoked[$0] != nil } ?? false
                throw FolioError(.wrongKey, Message(revoked ? "bundle.readerRevoked" : "bundle.readerNoKey", ["who": who]),
                                 hint: Message("bundle.readerNoKey.hint", ["who": who]))
            }
            throw FolioError(.wrongKey, Message(recipient.isEveryone ? "bundle.nobodyHasKey.everyone" : "bundle.nobodyHasKey.office"),
                             hint: Message("bundle.nobodyHasKey.hint"))
        }
        return out
    }

    /// Writes the bundle file, sealed: `header` (given up once written: a whole-school header is 19 MB), then every
    /// record and file in byte order of their paths.
    private func write(_ path: String, header: inout [UInt8], events: [OutEvent], files: [OutFile], sealing: Sealing) throws(FolioError) {
        // Read as well as written: the finished bundle is read back from the stick.
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileIO.ioError("create", path) }
        var ok = false
        defer {
            close(fd)
            if !ok { FileIO.removeTree(path) }
        }
        // The archive order, as indices: below events.count a record, above it a file. A list of
        // TarInputs would hold a second copy of every path, with the workspace folder in front.
        func entryPath(_ i: Int) -> String { i < events.count ? events[i].path : files[i - events.count].path }
        let order = (0..<(events.count + files.count)).sorted { entryPath($0).utf8.lexicographicallyPrecedes(entryPath($1).utf8) }
        let root = workspace.root + "/"
        var damaged: String?
        var forged: [String] = []
        var length: Int64 = 0
        var crc: UInt32 = 0
        var sealFailure: FolioError?
        // Records read without their signature checked are checked meanwhile, on the other core: read
        // again, each must hash as the bundle lists it (the bytes copied below are compared with the same
        // hash, so what travels is what was checked) and be validly signed. The bundle is finished only
        // once all have passed, and a failure stops the writing at the next entry.
        let checks = BackgroundQueue<(path: String, sha256: String), String> { record in
            guard let bytes = try? FileIO.readAll(root + record.path), SHA256Hex.of(bytes) == record.sha256,
                  let stored = SignedEvent.readCanonical(bytes), stored.signatureIsValid else { return record.path }
            return nil
        }
        defer { checks.stop() }
        let verified = verifiedUnchanged(events.map(\.path) + files.map(\.path))
        for e in events where e.checkLater && !verified.contains(Self.student(of: e.path)) { checks.add((e.path, e.sha256)) }
        do throws(TarError) {
            // The plain bundle is written into a sealer, which writes the sealed pieces into the file.
            // Straight to the stick: the bundle is read back from it, never from memory.
            let outer = try TarWriter(fileDescriptor: fd, name: FileIO.lastComponent(of: path), summingOutput: true, direct: true)
            let sealer: SealedBundle.Sealer
            do throws(FolioError) {
                sealer = try SealedBundle.Sealer(outer: outer, header: sealing.header, readers: sealing.readers, signer: sealing.signer)
            } catch {
                sealFailure = error
                throw .writerUnusable
            }
            let writer = try TarWriter(output: { try sealer.take($0) })
            // `bundle.json` sorts before `school/` and `students/`: it goes first.
            try writer.appendFile(BundleHeader.entryName, bytes: header)
            header = []
            for i in order {
                // Files, and records copied from disk, are hashed as they are written: a file damaged on
                // this disk must not travel. Records in memory were hashed from these very bytes. A file of
                // a student verified unchanged was hashed by that check.
                let (path, sha256, bytes) = i < events.count ? (events[i].path, events[i].sha256, events[i].bytes)
                    : (files[i - events.count].path, files[i - events.count].sha256, nil)
                if let bytes {
                    try writer.appendFile(path, bytes: bytes)
                } else if i >= events.count, verified.contains(Self.student(of: path)) {
                    try writer.appendFile(path, contentsOf: root + path, hashing: false)
                } else if try writer.appendFile(path, contentsOf: root + path).sha256 != sha256 {
                    damaged = path
                    throw .writerUnusable
                }
                if checks.hasOutput { throw .writerUnusable }
            }
            forged = checks.finish()
            if !forged.isEmpty { throw .writerUnusable }
            try writer.finish()
            do { try sealer.finish() } catch let error as TarError { throw error } catch {
                sealFailure = FolioError(.internalError, Message("bundle.sealFailed", ["error": "\(error)"]), hint: Message("internal.reportIT.hint"))
                throw .writerUnusable
            }
            try outer.finish()
            length = outer.bytesWritten
            crc = outer.outputCRC32 ?? 0
        } catch {
            if let sealFailure { throw sealFailure }
            // Every check is finished before the error is chosen: a record changed after it was signed is
            // reported whatever else went wrong first, as when records were checked before writing.
            if forged.isEmpty { forged = checks.finish() }
            if let first = forged.first { throw Self.forgedRecord(first) }
            if let damaged {
                throw FolioError(.workspaceDamaged, "bundle.fileDamaged", ["path": damaged])
            }
            throw Self.notWritten(path, error.what)
        }
        guard fsync(fd) == 0 else { throw Self.notWritten(path, .verbatim(String(cString: strerror(errno)))) }
        // What is on the stick now, not what was handed to it: a stick that filled up or was pulled out must
        // never be reported as written (nor recorded as sent).
        if let why = FileIO.readBack(fd, size: length, .crc32(crc)) {
            throw Self.notWritten(path, Message("bundle.readBackFromStick", ["why": why]))
        }
        ok = true
    }

    /// The students among `paths` (bundle paths) whose folder `folio verify` found clean and nothing in which
    /// has changed since (`VerifyCache.unchanged`, by `lstat`, against today's school view): their records'
    /// signatures and files' hashes were checked then, so they are copied without checking them again, which
    /// was half of a whole-school export's work. Whoever imports the bundle checks every signature and hash
    /// in any case: trusting the check only moves where damage the disk hid from `lstat` comes to light.
    func verifiedUnchanged(_ paths: [String]) -> Set<String> {
        let numbers = Array(Set(paths.map(Self.student(of:)).filter { !$0.isEmpty }))
        guard !numbers.isEmpty else { return [] }
        let cache = VerifyCache(workspace)
        let schoolDigest = SHA256Hex.of(Workspace.viewBytes(school))
        let ws = workspace
        let clean = Parallel.map(numbers.count) { i in
            cache.unchanged(numbers[i], base: ws.studentDir(numbers[i]), school: schoolDigest).map { $0.issues.isEmpty } ?? false
        }
        return Set(numbers.indices.filter { clean[$0] }.map { numbers[$0] })
    }

    /// The student a bundle path belongs to (`students/NUMBER/…`), or "" for the school's records.
    static func student(of path: String) -> String {
        let parts = path.split(separator: "/", maxSplits: 2)
        return parts.count == 3 && parts[0] == "students" ? String(parts[1]) : ""
    }

    /// The bundle could not be written whole: nothing was recorded as sent, and no file is left under its name.
    static func notWritten(_ path: String, _ why: Message) -> FolioError {
        let target = path.hasSuffix(".partial") ? String(path.dropLast(".partial".count)) : path
        return FolioError(.io, "bundle.notWritten", ["target": target, "why": why])
    }

    // MARK: choosing the contents

    /// A record as it travels: its path inside the bundle (the same as in the workspace), size and hash.
    /// A record whose workspace file is already canonical is copied from that file when the bundle is
    /// written, so a whole-school bundle does not hold 50,000 records in memory; others keep their bytes.
    static func outEvent(_ e: StoredEvent) throws(FolioError) -> OutEvent {
        let path = e.event.student.map { "students/\($0)/events/\(e.id).json" } ?? "school/events/\(e.id).json"
        guard e.signatureIsValid else { throw forgedRecord(path) }
        let bytes: [UInt8]
        do { bytes = try e.signed.fileBytes() } catch {
            throw FolioError(.internalError, Message("workspace.encodeFailed"), hint: Message("internal.reportIT.hint"))
        }
        return OutEvent(path: path, size: Int64(bytes.count), sha256: SHA256Hex.of(bytes), bytes: e.fileIsCanonical ? nil : bytes)
    }

    private static func forgedRecord(_ path: String) -> FolioError {
        FolioError(.workspaceDamaged, Message("bundle.recordForged", ["path": path]), hint: Message("bundle.fileDamaged.hint"))
    }

    /// The files an upload record brings, as bundle entries.
    static func outFiles(_ e: StoredEvent) -> [OutFile] {
        let path = e.event.student.map { "students/\($0)/events/\(e.id).json" }
        return outFiles(e.event).map { var f = $0; f.declaredBy = path; return f }
    }

    static func outFiles(_ event: Event) -> [OutFile] {
        guard event.kind == .itemUploaded, let number = event.student,
              let u = try? event.decodeBody(ItemUploaded.self) else { return [] }
        return u.files.map { OutFile(path: "students/\(number)/" + $0.path(item: u.item), size: Int64($0.size), sha256: $0.sha256) }
    }

    /// One student's records of a bundle of `kind` and the files they bring. The signatures of canonical
    /// records (every record folio writes) are not checked here but while the bundle is written, on the
    /// other core (see `write`): on a whole-school export they were a third of the time, spent
    /// before the first byte could be written. Others are read and checked as `outEvent` always did.
    /// Like `Workspace.readEvents`, a file that cannot be read as a record, or whose name is not its id,
    /// is left out.
    static func studentShare(_ ws: Workspace, _ number: String, kind: BundleKind) throws(FolioError) -> ([OutEvent], [OutFile]) {
        var out: ([OutEvent], [OutFile]) = ([], [])
        let dir = ws.studentEventsDir(number)
        for name in FileIO.list(dir) {
            guard name.hasSuffix(".json"), let bytes = try? FileIO.readAll(dir + "/" + name) else { continue }
            let event: Event
            // A record filed in a folder other than its student's (a copied folder, a misplaced file) takes
            // the other path, which files it under the student it names, as export always did.
            if let (id, signed, _) = SignedEvent.readCanonicalUnchecked(bytes), signed.event.student == number {
                guard name == id + ".json", kind.admits(signed.event.kind) else { continue }
                event = signed.event
                out.0.append(OutEvent(path: "students/\(number)/events/\(name)", size: Int64(bytes.count),
                                      sha256: SHA256Hex.of(bytes), bytes: nil, checkLater: true))
            } else {
                guard let stored = SignedEvent.readStored(bytes), name == stored.id + ".json",
                      kind.admits(stored.event.kind) else { continue }
                event = stored.event
                out.0.append(try outEvent(stored))
            }
            out.1 += outFiles(event)
        }
        // Two uploads of the same item may bring the same file; it travels once.
        var seen = Set<String>()
        out.1 = out.1.filter { seen.insert($0.path).inserted }
        return out
    }

    struct OutEvent: Sendable {
        var path: String
        var size: Int64
        var sha256: String
        /// Nil when the workspace file at `path` holds these bytes.
        var bytes: [UInt8]?
        /// Read without checking its signature: `write` checks it before the bundle is named.
        var checkLater = false
    }

    struct OutFile: Sendable {
        var path: String
        var size: Int64
        var sha256: String
        /// The upload record that declares it, when known: a file travels with a record that declares it, even
        /// one the recipient holds already (it may have had the record without the file).
        var declaredBy: String? = nil
    }

    /// What a bundle of `kind` for `recipient` carries.
    private func source(kind: BundleKind, recipient: BundleParty, now: Instant,
                        prepared: PreparedRequest? = nil) throws(FolioError) -> ExportSource {
        var events: [OutEvent] = []
        var files: [OutFile] = []
        func add(_ e: StoredEvent) throws(FolioError) { events.append(try Self.outEvent(e)) }
        func addFiles(_ e: StoredEvent) { files += Self.outFiles(e) }
        var scope: [String] = []
        switch kind {
        case .transfer:
            throw FolioError(.badInput, "bundle.transferElsewhere")
        case .schoolUpdate:
            for e in workspace.schoolEvents() { try add(e) }
            scope = ["school \(school.code)"]
            // A classroom kiosk holds every student's portfolio as it stands, without the files (they stay
            // here): `BundleKind.kioskKinds`. A teacher's laptop gets students' records only with its requests.
            // An office's own machine holds what its office records and reports need: `officeKinds`.
            let principal = recipient.person.flatMap { school.principal($0) }
            var kinds: Set<EventKind>? = principal?.kind == .device ? BundleKind.kioskKinds
                : school.holdsAnOffice(recipient.person) ? BundleKind.officeKinds : nil
            // Personal data goes only to the machine of someone who keeps the registrations (the `enrolment` duty).
            if kinds == BundleKind.officeKinds, !holdsDuty(recipient.person, "enrolment") { kinds?.remove(.studentPersonal) }
            if let kinds {
                let numbers = workspace.studentNumbers()
                for number in numbers {
                    for e in workspace.studentEvents(number) where kinds.contains(e.event.kind) {
                        if !kinds.contains(.studentPersonal), Self.carriesPersonal(e) { continue }
                        try add(e)
                    }
                }
                scope.append(kinds == BundleKind.kioskKinds ? "portfolios of \(numbers.count) students, without their files"
                             : "registrations and office records of \(numbers.count) students")
            }
        case .certRequest:
            guard let person = recipient.person, school.principal(person)?.kind == .staff else {
                throw FolioError(.badInput, "bundle.certRequestForOne")
            }
            for e in workspace.schoolEvents() { try add(e) }
            var courses = Set<String>()
            let share = prepared ?? requestShares(for: [requestReader(recipient, person: person)], now: now)[0]
            // The records of the students with a share are read (and their signatures checked) on every core,
            // a few students at a time, so that only those few students' records are held at once.
            let ws = workspace
            let chosen = zip(share.numbers, share.shares).compactMap { number, share in share.map { (number, $0) } }
            var records: [[StoredEvent]] = []
            for (k, (number, (pending, news, heldBack))) in chosen.enumerated() {
                if k % Self.requestReadAhead == 0 {
                    let next = Array(chosen[k..<min(k + Self.requestReadAhead, chosen.count)].map(\.0))
                    records = Parallel.map(next.count) { i in ws.studentEvents(next[i]) }
                }
                let studentEvents = records[k % Self.requestReadAhead]
                // The item as it stands: every upload of it (with its files) and the decisions on its current
                // version. The laptop folds the item through the same versions as the office: with the latest
                // upload alone, a re-upload of files the laptop had seen in an earlier version would keep that
                // version's decision there (a returned item sent in again would not wait), and a decision made
                // on an earlier upload of the same files would find no such version.
                var wanted = Set<String>()
                let byID = Dictionary(studentEvents.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
                func uploads(_ item: ItemView) -> [String] { item.history.filter { byID[$0]?.event.kind == .itemUploaded } }
                for item in pending {
                    wanted.formUnion(uploads(item))
                    for id in item.history {
                        guard let e = byID[id], e.event.kind == .itemCertified || e.event.kind == .itemRejected,
                              (try? e.event.decodeBody(ItemDecision.self))?.version == item.version else { continue }
                        wanted.insert(id)
                    }
                }
                // An item the laptop has seen and that no longer waits for this teacher: where it stands now,
                // every upload and every decision (what the laptop holds already is left out below).
                for item in news {
                    wanted.formUnion(uploads(item))
                    for id in item.history where byID[id]?.event.kind == .itemCertified || byID[id]?.event.kind == .itemRejected {
                        wanted.insert(id)
                    }
                }
                // Files go only with the items this teacher decides on; another teacher's items come as records,
                // their files kept here (an item of theirs that turned up as news, or context for a held-back one).
                var recordsOnly = Set<String>()
                for item in news where !(item.course.flatMap { school.course($0, term: item.term) }.map { $0.certifiers.contains(person) } ?? false) {
                    recordsOnly.formUnion(item.history)
                }
                let heldTerms = Set(heldBack.compactMap { id in byID[id].flatMap { try? $0.event.decodeBody(ItemUploaded.self) }?.term })
                for e in studentEvents where e.event.kind == .itemUploaded && !wanted.contains(e.id) {
                    guard let u = try? e.event.decodeBody(ItemUploaded.self), heldTerms.contains(u.term),
                          Catalog.category(u.category)?.group == .courseOutcome else { continue }
                    wanted.insert(e.id)
                    recordsOnly.insert(e.id)
                }
                // The student's key travels with their registration: without it, their uploads cannot be checked.
                for e in studentEvents where e.event.kind == .studentSet || e.event.kind == .studentKeySet || wanted.contains(e.id) {
                    if Self.carriesPersonal(e) { continue }
                    try add(e)
                    if !recordsOnly.contains(e.id) || pending.contains(where: { $0.history.contains(e.id) }) { addFiles(e) }
                }
                for item in pending { courses.insert("\(item.course!) \(item.term)") }
            }
            scope = ["teacher \(person)"] + courses.sorted().map { "course \($0)" }
        case .certifications, .officeRecords, .uploads:
            // Read a few students at a time, on every core, as the bundles are written: each student's
            // share is turned into bundle entries right away, so only paths and hashes are kept, and only
            // for the part being written.
            var shared: [OutEvent] = []
            if kind == .officeRecords {
                for e in workspace.schoolEvents() where kind.admits(e.event.kind) { shared.append(try Self.outEvent(e)) }
            }
            let ws = workspace
            let numbers = workspace.studentNumbers().sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            return ExportSource(shared: shared, numbers: numbers, shares: { some throws(FolioError) in
                let chosen = Parallel.map(some.count) { i -> Result<ExportSource.Share, FolioError> in
                    do throws(FolioError) { return .success(try WorkspaceSession.studentShare(ws, some[i], kind: kind)) } catch {
                        return .failure(error)
                    }
                }
                var shares: [ExportSource.Share] = []
                for share in chosen { shares.append(try share.get()) }
                return shares
            }, scope: nil)
        }
        // One upload may appear twice through two items' histories; keep one copy of each entry.
        var seen = Set<String>()
        events = events.filter { seen.insert($0.path).inserted }
        files = files.filter { seen.insert($0.path).inserted }
        return .lists(events: events, files: files, scope: scope)
    }

    /// A registration in the older form, which carries the national ID, birth date and address with the rest: it
    /// cannot be cut (it is signed whole), so it never goes where personal data may not, and the student stays
    /// unknown there. folio writes only the two records of today's form.
    static func carriesPersonal(_ e: StoredEvent) -> Bool {
        e.event.kind == .studentSet && ((try? e.event.decodeBody(StudentRecord.self))?.hasPersonal ?? false)
    }

    /// Whether `person` holds an office that `duty` names, responsible or delegate.
    private func holdsDuty(_ person: String?, _ duty: String) -> Bool {
        guard let person, let d = school.dutyTable.duty(duty), let offices = school.principal(person)?.offices else { return false }
        return offices.contains { d.responsible.contains($0) || d.delegates.contains($0) }
    }

    /// Students whose records a certification request reads at once (see `source`).
    static let requestReadAhead = 32

    /// What of one student's portfolio a certification request to `person` carries, nil when nothing.
    private static func requestShare(_ number: String, view: StudentView, for person: String, on day: CivilDate,
                                     school: SchoolState, onLaptop: Set<String>) -> RequestShare? {
        let pending = view.items.filter { item in
            guard item.status == .uploaded || item.status == .conflict, let code = item.course,
                  let course = school.course(code, term: item.term) else { return false }
            return mayCertify(person, course: course, on: day, school: school)
        }
        let pendingIDs = Set(pending.map(\.id))
        let news = view.items.filter { item in
            !pendingIDs.contains(item.id) && item.history.contains { onLaptop.contains("students/\(number)/events/\($0).json") }
        }
        // An upload the laptop holds that is not in the view here was held back (two kiosks each took
        // a sixth course outcome of a term, say): the laptop needs the uploads it was held back against
        // to fold it the same way.
        let inView = Set(view.items.flatMap(\.history))
        let prefix = "students/\(number)/events/"
        let heldBack = view.problems.isEmpty ? [] : view.problems.map(\.event).filter {
            !inView.contains($0) && onLaptop.contains(prefix + $0 + ".json")
        }
        guard !pending.isEmpty || !news.isEmpty || !heldBack.isEmpty else { return nil }
        return (pending, news, heldBack)
    }

    /// A teacher of the course, or a delegate while every certifier is away.
    private static func mayCertify(_ person: String, course: Course, on day: CivilDate, school: SchoolState) -> Bool {
        if course.certifiers.contains(person) { return true }
        guard course.certifiers.allSatisfy({ !school.isAvailable($0, on: day) }),
              let duty = school.dutyTable.duty(Catalog.certificationDuty),
              let offices = school.principal(person)?.offices else { return false }
        return offices.contains { duty.delegates.contains($0) }
    }

    private func resolveRecipient(kind: BundleKind, to: String?) throws(FolioError) -> BundleParty {
        let book = PeerBook.load(workspace)
        guard let to else {
            if kind == .schoolUpdate { return BundleParty() }
            if let hub = workspace.config.hub { return BundleParty(replica: hub) }
            throw FolioError(.badInput, "bundle.sayWhom")
        }
        if let peer = book.peers[to] { return BundleParty(replica: to, person: peer.person) }
        if to == workspace.config.hub { return BundleParty(replica: to) }
        guard school.principal(to) != nil else {
            throw FolioError(.unknownPerson, "bundle.unknownRecipient", ["to": to])
        }
        let replicas = book.replicas(of: to)
        return replicas.count == 1 ? BundleParty(replica: replicas[0], person: to) : BundleParty(person: to)
    }

    /// The recipient will check the signer against the school's records: fail here first, in plain words.
    func checkSigner(_ actor: Actor) throws(FolioError) {
        let id = actor.id
        let known = id == SchoolState.rootPrincipal ? [school.rootKey] : (school.keys[id] ?? [])
        guard known.contains(actor.identity.publicKeyText) else {
            throw FolioError(.wrongKey, "bundle.signerUnknown", ["id": id])
        }
        if school.revoked[actor.identity.publicKeyText] != nil {
            throw FolioError(.wrongKey, "bundle.signerRevoked", ["id": id])
        }
    }
}
