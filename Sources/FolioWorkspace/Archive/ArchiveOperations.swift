import FolioCore
import FolioTar
import Foundation

/// What `folio archive verify` found for one register entry. The findings are shown in the user's language;
/// `--json` writes them in English (`problems`), the same whatever language is shown.
public struct ArchiveCheck: Codable, Sendable {
    public var student: String
    public var path: String
    /// sealed, purged, damaged or unregistered.
    public var state: String
    public var findings: [Message]

    public init(student: String, path: String, state: String, findings: [Message]) {
        (self.student, self.path, self.state, self.findings) = (student, path, state, findings)
    }

    /// The findings in English.
    public var problems: [String] { findings.map { $0.text(.en) } }
    /// `state` in the user's language.
    public var shownState: Message { Message("archive.state." + state) }

    private enum CodingKeys: String, CodingKey { case student, path, state, problems }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(student: try c.decode(String.self, forKey: .student), path: try c.decode(String.self, forKey: .path),
                  state: try c.decode(String.self, forKey: .state),
                  findings: try c.decode([String].self, forKey: .problems).map(Message.verbatim))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(student, forKey: .student)
        try c.encode(path, forKey: .path)
        try c.encode(state, forKey: .state)
        try c.encode(problems, forKey: .problems)
    }
}

extension WorkspaceSession {
    /// `folio graduate`: records graduation for the named students, or every enrolled student of `grade`.
    public func graduate(students named: [String], grade: Int?, date: CivilDate, actor: Actor,
                         now: Instant) throws(FolioError) -> [String] {
        let today = now.taipeiDay
        guard date <= today, date >= today.adding(days: -366) else {
            throw FolioError(.badDate, "graduate.badDay", ["date": "\(date)", "today": "\(today)"])
        }
        var numbers = named
        if let grade {
            let ws = workspace, live = ws.studentNumbers()
            let cohort = Parallel.map(live.count) { i -> Bool in
                let s = ws.storedManifest(live[i])?.student
                return s?.grade == grade && s?.status == .enrolled
            }
            numbers += zip(live, cohort).filter(\.1).map(\.0)
        }
        numbers = numbers.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard !numbers.isEmpty else {
            throw FolioError(.badInput, "graduate.nobody")
        }
        var changes: [StudentChange] = []
        let present = Set(workspace.studentNumbers())
        for number in numbers {
            guard present.contains(number) else {
                throw FolioError(.unknownStudent, "graduate.noStudent", ["number": number])
            }
            changes.append(StudentChange(number: number, events: [try sign(actor, .studentGraduated, student: number, at: now,
                                                                           body: StudentGraduated(date: date))]))
        }
        try appendStudents(changes)
        return numbers
    }

    /// `folio archive seal`: for each graduate (the named ones, or every graduate not yet sealed), writes
    /// `archive/<school>-<student>.tar`, lists it in the register with its SHA-256 and dates, and takes the
    /// student's folder out of the live workspace. Every graduate's records are checked (signatures,
    /// graduation, open receipts) before anything is written; then they are sealed in batches of `sealBatch`,
    /// each one transaction, so that a batch's folders are deleted while the next is written. A file found
    /// damaged or unreadable while its batch is written, or a failing disk, stops the seal there; an
    /// interrupted seal leaves whole batches sealed, and sealing again does the rest.
    public func seal(students named: [String], actor: Actor, now: Instant) throws(FolioError) -> [ArchiveSealed] {
        let (ws, state) = (workspace, school)
        let live = ws.studentNumbers()
        // Without names, the manifests say who may be waiting: those marked graduated, and any whose
        // manifest cannot be read. Each candidate's signed records, folded below, decide.
        let waiting = named.isEmpty ? Parallel.map(live.count) { i in Self.mayBeGraduate(ws.manifestPath(live[i])) } : []
        let candidates = named.isEmpty ? zip(live, waiting).filter(\.1).map(\.0) : named
        let present = Set(live)
        // Fold the candidates on every core first. Folding checks every record's signature, except those
        // `folio verify` found valid and unchanged since (its cache, by `lstat`, as a plain `folio verify`
        // trusts it); the files it found unchanged are not hashed again either. Only what sealing needs is kept
        // of each view: a view holds the whole portfolio, and a cohort's views held together would be most of
        // the seal's memory.
        let cache = VerifyCache(ws)
        let findings = Parallel.map(candidates.count) { i -> (finding: SealFinding, vouched: VerifyCache.Vouched) in
            let number = candidates[i]
            let vouched = cache.vouched(number, base: ws.studentDir(number))
            let dir = ws.studentEventsDir(number)
            let events = ws.readEvents(in: dir, names: FileIO.list(dir), signed: vouched.signed(event:)).events
            return (SealFinding(StudentFolder.fold(number: number, events: events, school: state), school: state), vouched)
        }
        var targets: [(number: String, graduated: CivilDate, vouched: VerifyCache.Vouched)] = []
        for (number, (finding, vouched)) in zip(candidates, findings) {
            if school.archived(number) != nil {
                if named.isEmpty { continue }
                throw FolioError(.duplicate, "archive.seal.already", ["number": number])
            }
            guard present.contains(number) else {
                throw FolioError(.unknownStudent, "archive.seal.noStudent", ["number": number])
            }
            guard let graduated = finding.graduated else {
                if named.isEmpty { continue }
                throw FolioError(.badInput, "archive.seal.notGraduated", ["number": number])
            }
            if let open = finding.waitingReceipt {
                throw FolioError(.badInput, "archive.seal.receiptOpen", ["number": number, "submission": open])
            }
            targets.append((number, graduated, vouched))
        }
        guard !targets.isEmpty else {
            throw FolioError(.badInput, "archive.seal.nobody")
        }
        let staging = workspace.root + "/.folio/incoming/seal-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        try FileIO.makeDirectories(staging)
        // Each batch's folders are deleted while the next batch is written; all of it is gone before seal returns.
        let removal = DeferredRemoval()
        defer {
            removal.finish()
            FileIO.removeTree(staging)
            removeIncomingFolder()
        }
        let day = now.taipeiDay
        // Five years from graduation, and never less than five years from the day it is sealed.
        let infos = targets.map { number, graduated, vouched in
            Bag.Info(schoolName: school.name, schoolCode: school.code, student: number, graduated: graduated,
                     sealed: day, retainUntil: max(graduated, day).adding(years: school.settings.retentionYears),
                     hashed: vouched.sha256)
        }
        var sealed: [ArchiveSealed] = []
        let progress = ProgressMeter(Message("progress.seal"), total: infos.count)
        defer { progress.finish() }
        for first in stride(from: 0, to: infos.count, by: Self.sealBatch) {
            let batch = Array(infos[first..<min(first + Self.sealBatch, infos.count)])
            do throws(FolioError) {
                sealed += try seal(batch, staging: staging, actor: actor, now: now, cleanup: removal, progress: progress)
            } catch {
                // The records were checked before the first batch; what stops a later one is found while it is
                // written (a file damaged or unreadable, the disk full or failing). Earlier batches stay sealed.
                // Their folders are deleted first, so that a plan still on disk can only be this batch's: a move
                // that failed after its commit point, which the next command finishes.
                removal.finish()
                let committed = Transaction.committedPlanWaits(root: workspace.root)
                guard !sealed.isEmpty || committed else { throw error }
                let values: [String: any MessageValue] = ["sealed": sealed.count, "total": infos.count, "batch": batch.count,
                                                          "error": error.what, "hint": error.next]
                throw FolioError(error.code, Message("archive.seal.stopped", values),
                                 hint: committed ? Message("archive.seal.stopped.committed.hint", values)
                                                 : Message("archive.seal.stopped.hint", values))
            }
        }
        return sealed
    }

    /// Whether the manifest at `path` may say its student graduated: read as bytes, since it is only a hint (the
    /// student's signed records decide), and decoding every student's manifest was a tenth of sealing. One that
    /// cannot be read, or is not a whole JSON object, may; a whole one may only if it holds the word.
    static func mayBeGraduate(_ path: String) -> Bool {
        guard let bytes = try? FileIO.readAll(path) else { return true }
        let text = bytes.drop { $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }
        let end = text.reversed().drop { $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }
        guard text.first == UInt8(ascii: "{"), end.first == UInt8(ascii: "}") else { return true }
        let word = Array("graduated".utf8)
        return text.indices.contains { i in text[i...].starts(with: word) }
    }

    /// Graduates sealed per transaction. One batch for a whole cohort would leave all of its deleting until
    /// after the one commit point; 64 keeps the disk deleting one batch while the next is written.
    /// `FOLIO_SEAL_BATCH` (a test hook) sets it.
    static let sealBatch: Int = DemoSchool.hook("FOLIO_SEAL_BATCH").flatMap(Int.init).map { max($0, 1) } ?? 64

    /// One batch of `seal`: writes the graduates' tarballs on every core, then lands them, their register
    /// entries and their folders' removal in one transaction.
    private func seal(_ infos: [Bag.Info], staging: String, actor: Actor, now: Instant,
                      cleanup: DeferredRemoval, progress: ProgressMeter) throws(FolioError) -> [ArchiveSealed] {
        let ws = workspace
        let written = Parallel.map(infos.count) { i -> Result<(size: Int, crc32: UInt32), FolioError> in
            let name = Bag.name(school: infos[i].schoolCode, student: infos[i].student)
            do throws(FolioError) {
                let tarball = try Bag.write(studentDir: ws.studentDir(infos[i].student), info: infos[i], to: staging + "/" + name + ".tar")
                progress.advance(bytes: Int64(tarball.size))
                return .success(tarball)
            } catch { return .failure(error) }
        }
        var sizes: [(size: Int, crc32: UInt32)] = []
        for result in written { sizes.append(try result.get()) }
        let tarballs = sizes
        // Flushed and read back from the disk before anything records them as sealed: a tarball is the only
        // copy once its graduate's folder is deleted. (The transaction's own flush then finds nothing to do.)
        // The register's SHA-256 is taken from what the disk gave back, whose CRC-32 is that of what was
        // written: the tarball's bytes are hashed once, not once written and again read.
        try FileIO.flushFileSystem(staging)
        let checked = Parallel.map(infos.count) { i -> (sha256: String, why: Message?) in
            let name = Bag.name(school: infos[i].schoolCode, student: infos[i].student)
            let fd = open(staging + "/" + name + ".tar", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return ("", Message("archive.seal.readBack.unreadable", ["file": name + ".tar"])) }
            defer { close(fd) }
            let back = FileIO.readBackHashing(fd, size: Int64(tarballs[i].size), crc32: tarballs[i].crc32)
            return (back.sha256, back.why.map { Message("archive.seal.readBack.differs", ["file": name + ".tar", "why": $0]) })
        }
        if let why = checked.lazy.compactMap(\.why).first {
            throw FolioError(.io, "archive.seal.readBack", ["why": why])
        }
        var events: [StoredEvent] = []
        var adopt: [(path: String, target: String)] = []
        var sealed: [ArchiveSealed] = []
        for (i, info) in infos.enumerated() {
            let name = Bag.name(school: info.schoolCode, student: info.student)
            let (size, sha) = (tarballs[i].size, checked[i].sha256)
            let body = ArchiveSealed(student: info.student, path: "archive/\(name).tar", size: size, sha256: sha,
                                     graduated: info.graduated, sealed: info.sealed, retainUntil: info.retainUntil)
            events.append(try sign(actor, .archiveSealed, at: now, body: body))
            adopt.append((staging + "/" + name + ".tar", body.path))
            sealed.append(body)
        }
        try appendAll(school: events, students: [:], adopting: adopt, removing: infos.map { "students/\($0.student)" },
                      cleanup: cleanup)
        return sealed
    }

    /// `folio archive purge`: deletes archives whose retention has ended and leaves a signed tombstone for
    /// each. Naming a student still under retention is refused. With `dryRun`, only lists them.
    public func purge(students named: [String], dryRun: Bool, actor: Actor?, now: Instant) throws(FolioError) -> [ArchiveEntry] {
        try checkPurgeClock(now, actor: actor)
        let day = now.taipeiDay
        let live = school.archive.filter { $0.purged == nil }
        for number in named {
            guard let entry = live.first(where: { $0.sealed.student == number }) else {
                throw FolioError(.unknownStudent, "archive.purge.noArchive", ["number": number])
            }
            if entry.sealed.retainUntil > day {
                throw FolioError(.outsideWindow, "archive.purge.tooEarly", ["number": number, "until": "\(entry.sealed.retainUntil)"])
            }
        }
        let due = live.filter { $0.sealed.retainUntil <= day && (named.isEmpty || named.contains($0.sealed.student)) }
        if dryRun || due.isEmpty { return due }
        guard let actor else {
            throw FolioError(.badKeyFile, "archive.purge.unsigned")
        }
        var events: [StoredEvent] = []
        for entry in due {
            events.append(try sign(actor, .archivePurged, at: now, body: ArchivePurged(student: entry.sealed.student, path: entry.sealed.path,
                                                                                      sha256: entry.sealed.sha256, purged: day)))
        }
        try appendAll(school: events, students: [:], adopting: [], removing: due.map(\.sealed.path))
        return due
    }
}

extension WorkspaceSession {
    /// Five years are judged on time the school's own records vouch for, not the clock alone: a real
    /// school's clock set years ahead (by hand, or by a tool that fakes it) cannot purge an archive early.
    /// The newest school record signed by someone else must be within `clockSlack` of now. A demo school's
    /// clock is moved on purpose (`FOLIO_NOW`), so it is not held to this. (Signing checks the same, but a
    /// dry run signs nothing and must not list archives as due on a wrong clock.)
    func checkPurgeClock(_ now: Instant, actor: Actor?) throws(FolioError) {
        guard !workspace.isDemo else { return }
        let others = workspace.schoolEvents().filter { $0.event.author != actor?.id && $0.event.at <= now }
        guard let newest = others.map(\.event.at).max() else { return }
        if now.epochSeconds - newest.epochSeconds > Self.clockSlack {
            throw FolioError(.outsideWindow, "archive.purge.clock", ["now": now.taipeiText, "newest": newest.taipeiText])
        }
    }
}

extension Workspace {
    /// `folio archive verify`: re-hashes every sealed tarball against the register, then reads each through
    /// once more and checks its bag against the bag's own manifests as it goes: nothing is extracted, so the
    /// check writes nothing to disk and needs no room for a copy. Archives are checked on every core.
    public func verifyArchives() throws(FolioError) -> [ArchiveCheck] {
        let school = self.school()
        let register = school.archive
        let ws = self
        var out = Parallel.map(register.count) { i in ws.check(register[i], school: school.code) }
        // A register record changed after signing drops out of the register: say so, and name any
        // tarball the register no longer accounts for.
        for p in school.problems where p.code == .tampered {
            out.append(ArchiveCheck(student: "-", path: "school/events/\(p.event).json", state: "damaged", findings: [p.error.what]))
        }
        for d in readEvents(in: schoolEventsDir).damaged {
            out.append(ArchiveCheck(student: "-", path: Verifier.relative(self, d.file), state: "damaged", findings: [d.why]))
        }
        let registered = Set(school.archive.map(\.sealed.path))
        for name in FileIO.list(root + "/archive") where !registered.contains("archive/" + name) {
            out.append(ArchiveCheck(student: "-", path: "archive/" + name, state: "unregistered",
                                    findings: [Message("verify.finding.unregistered")]))
        }
        return out
    }

    /// One register entry: a purged archive must be gone; a sealed one must match the register, hold a valid
    /// bag, and its student must have left the live workspace.
    private func check(_ entry: ArchiveEntry, school code: String) -> ArchiveCheck {
        let s = entry.sealed
        let tarball = root + "/" + s.path
        if entry.purged != nil {
            return ArchiveCheck(student: s.student, path: s.path, state: "purged",
                                findings: FileIO.exists(tarball) ? [Message("verify.finding.purgedStillThere")] : [])
        }
        var problems: [Message] = []
        if let (size, sha) = try? FileIO.hashFile(tarball) {
            if size != s.size || sha != s.sha256 {
                problems.append(Message("archive.check.mismatch", ["sha": sha.prefix(16), "register": s.sha256.prefix(16)]))
            }
        } else {
            problems.append(FileIO.whyUnreadable(tarball) ?? Message("verify.finding.missing"))
        }
        if problems.isEmpty {
            do throws(TarError) {
                problems += try Bag.validate(tarball: tarball, root: Bag.name(school: code, student: s.student))
                    .map { Message("archive.check.bag", ["problem": $0]) }
            } catch {
                problems.append(Message("archive.check.notTar", ["error": error.what]))
            }
        }
        if FileIO.exists(studentDir(s.student)) { problems.append(Message("archive.check.stillLive", ["student": s.student])) }
        return ArchiveCheck(student: s.student, path: s.path, state: "sealed", findings: problems)
    }

    /// `folio archive open`: extracts a copy of a sealed bag into `dir` (a new folder) for a lookup; the
    /// archive itself is not touched.
    public func openArchive(_ student: String, to dir: String) throws(FolioError) -> String {
        let school = self.school()
        guard let entry = school.archived(student), entry.purged == nil else {
            throw FolioError(.unknownStudent, "archive.open.noArchive", ["student": student])
        }
        guard let (_, sha) = try? FileIO.hashFile(root + "/" + entry.sealed.path), sha == entry.sealed.sha256 else {
            throw FolioError(.tampered, "archive.open.mismatch", ["path": entry.sealed.path])
        }
        do { _ = try TarReader().extract(.file(path: root + "/" + entry.sealed.path), intoNewDirectory: dir) } catch {
            throw FolioError(.io, Message("archive.open.failed", ["why": error.what]), hint: error.next)
        }
        return dir + "/" + Bag.name(school: school.code, student: student)
    }
}

/// What sealing needs to know of a candidate's folded portfolio.
private struct SealFinding: Sendable {
    /// The graduation day, when the student's status is graduated.
    var graduated: CivilDate?
    /// The submission of a receipt still waiting for the student's answer or the office's finding.
    var waitingReceipt: String?

    init(_ view: StudentView, school: SchoolState) {
        graduated = view.student?.status == .graduated ? view.graduated : nil
        waitingReceipt = view.receipts.first { r in
            !r.superseded && (r.disputes.contains { $0.finding == nil }
                || (r.answer == .open && school.confirmation(for: r.receipt.submission).map { $0.closed == nil } == true))
        }?.receipt.submission
    }
}
