import FolioCore
import Foundation

/// A writing session: holds the workspace lock, finishes any transaction a killed process left, and
/// applies new events so that events, files and the derived views change in one atomic step.
public final class WorkspaceSession {
    public let workspace: Workspace
    private let lock: WorkspaceLock
    public private(set) var school: SchoolState
    private var schoolEvents: [StoredEvent]
    /// Interrupted commands whose changes this session finished before doing anything else.
    public let finished: [Interruption]
    /// The keys sealed bundles are opened with: the key of whoever runs the command.
    public var openingKeys: [SigningIdentity] = []

    public init(_ workspace: Workspace) throws(FolioError) {
        self.workspace = workspace
        try FileIO.makeDirectories(workspace.root + "/.folio")
        lock = try WorkspaceLock(path: workspace.root + "/.folio/lock", mode: .exclusive)
        finished = try Transaction.recover(root: workspace.root).map { Interruption(command: $0) }
        schoolEvents = workspace.schoolEvents()
        school = workspace.fold(schoolEvents)
    }

    /// How far past the clock a record may be stamped to keep the order of records made in the same
    /// second (see `sign`), and how far ahead of the clock a record from elsewhere may be dated before it
    /// counts as dated in the future.
    public static let clockTolerance: Int64 = 600

    /// Signs a new event, stamped no earlier than one second after the latest event it follows (the
    /// school's, or the student's), so that on one replica the fold replays changes in the order they
    /// were made even when a script makes several in the same second. Records dated more than
    /// `clockTolerance` after now (made on a machine whose clock was ahead) are not followed: one record
    /// from 2030 must not drag every later record to 2030.
    public func sign(_ actor: Actor, _ kind: EventKind, student: String? = nil, at now: Instant,
                     body: some Encodable) throws(FolioError) -> StoredEvent {
        try sign(actor, kind, student: student, at: now, body: body,
                 after: student.map { workspace.studentEvents($0) } ?? schoolEvents)
    }

    /// `sign`, given the records it follows (read once when one command signs several for a student).
    func sign(_ actor: Actor, _ kind: EventKind, student: String?, at now: Instant, body: some Encodable,
              after earlier: [StoredEvent]) throws(FolioError) -> StoredEvent {
        // A revoked key signs nothing more, whatever the clock says (the fold's date rule alone would let a
        // clock turned back slip under the revocation).
        if let since = school.revoked[actor.identity.publicKeyText] {
            throw FolioError(.wrongKey, Message("workspace.sign.revoked", ["actor": actor.id, "since": since.taipeiText]),
                             hint: Message("authority.keyRevoked.hint"))
        }
        let candidate = try actor.sign(kind, school: school.code, student: student, at: now, body: body)
        // The very same change made again (a command rerun after an interruption) is the same event.
        if earlier.contains(where: { $0.id == candidate.id }) { return candidate }
        let horizon = now.adding(seconds: Self.clockTolerance)
        if !workspace.isDemo {
            try checkClock(now, actor: actor, earlier: earlier)
            SignerMark.note(now, key: actor.identity.publicKeyText, in: workspace)
        }
        guard let latest = earlier.map(\.event.at).filter({ $0 <= horizon }).max(), latest >= now else { return candidate }
        return try actor.sign(kind, school: school.code, student: student, at: latest.adding(seconds: 1), body: body)
    }

    /// How far a real school's clock may run past the newest school record signed by someone else before
    /// folio takes it to be wrong. A school records its calendar, submissions and activities every term, so
    /// half a year covers the longest quiet spell (a summer without a sync included).
    public static let clockSlack: Int64 = 183 * 86_400

    /// A real school's records are dated by the computer's clock, and a clock set wrong would date them
    /// wrong for good, so before signing: a clock turned back before this signer's own newest record (in the
    /// same folder, or anywhere on this machine: `SignerMark`) is refused, so a record never silently takes
    /// another date; so is a clock a day behind the school's records, and a clock more than `clockSlack` past
    /// the newest school record signed by someone else (a record from 2030 is never made).
    /// A demo school moves its clock on purpose (`FOLIO_NOW`) and is not held to this.
    func checkClock(_ now: Instant, actor: Actor, earlier: [StoredEvent]) throws(FolioError) {
        let key = actor.identity.publicKeyText
        let signedHere = SignerMark.newest(key: key, in: workspace).map { Instant(epochSeconds: $0) }
        if let mine = (earlier.filter({ $0.event.key == key }).map(\.event.at) + (signedHere.map { [$0] } ?? [])).max(),
           mine.epochSeconds > now.epochSeconds + Self.clockTolerance {
            throw FolioError(.badDate, Message("workspace.clock.turnedBack", ["actor": actor.id, "mine": mine.taipeiText, "now": now.taipeiText]),
                             hint: Message("workspace.clock.setIt.hint"))
        }
        // Behind the school: records dated a day after this clock (the office holds back anything dated past
        // its own clock, so the school's records are not ahead of a right one). A seal or a graduation dated
        // years back would start a retention that ends years early.
        if let ahead = (schoolEvents + earlier).map(\.event.at).max(), ahead.epochSeconds > now.epochSeconds + 86_400 {
            throw FolioError(.badDate, Message("workspace.clock.behind", ["now": now.taipeiText, "ahead": ahead.taipeiText]),
                             hint: Message("workspace.clock.setIt.hint"))
        }
        let others = schoolEvents.filter { $0.event.key != key && $0.event.at <= now }.map(\.event.at)
        if let newest = others.max(), now.epochSeconds - newest.epochSeconds > Self.clockSlack {
            throw FolioError(.badDate, "workspace.clock.stale", ["now": now.taipeiText, "newest": newest.taipeiText])
        }
    }

    /// Adds school-wide events: `appendAll` with no student records. Each must pass the fold's rules; if
    /// they change what a student's fold reads (a course renamed, a key revoked), every manifest is
    /// folded again.
    public func appendSchool(_ new: [StoredEvent]) throws(FolioError) {
        guard new.contains(where: { e in !schoolEvents.contains { $0.id == e.id } }) else { return }
        try appendAll(school: new, students: [:], adopting: [])
    }

    /// Takes the school state after an import that added school events.
    func adoptSchool(_ events: [StoredEvent], _ state: SchoolState) {
        schoolEvents = events
        school = state
    }

    /// School events, student events and files already on this file system (a package built under
    /// `.folio/`), landed in one transaction. Every new event must pass the fold's rules. The students
    /// who get new records are folded again; so is everyone else when the new school records change what a
    /// student's fold reads (sealing a graduate does not).
    public func appendAll(school new: [StoredEvent], students: [String: [StoredEvent]],
                          adopting files: [(path: String, target: String)], removing: [String] = []) throws(FolioError) {
        try appendAll(school: new, students: students, adopting: files, removing: removing, cleanup: nil)
    }

    /// `appendAll`, handing the transaction's folder (with what it removed) to `cleanup` to delete.
    func appendAll(school new: [StoredEvent], students: [String: [StoredEvent]], adopting files: [(path: String, target: String)],
                   removing: [String], cleanup: DeferredRemoval?) throws(FolioError) {
        let fresh = new.filter { e in !schoolEvents.contains { $0.id == e.id } }
        let folded = workspace.fold(schoolEvents + fresh)
        let ids = Set(fresh.map(\.id))
        if let problem = folded.problems.first(where: { ids.contains($0.event) }) { throw problem.error }
        var writes: [(String, [UInt8])] = []
        for e in fresh { writes.append(("school/events/\(e.id).json", try fileBytes(e))) }
        writes.append(("school/school.json", Workspace.viewBytes(folded)))
        let leaving = Set(removing.filter { $0.hasPrefix("students/") }.map { String($0.dropFirst("students/".count)) })
        let everyone = folded.studentFacing != school.studentFacing
        let numbers = (everyone ? Set(workspace.studentNumbers()).union(students.keys) : Set(students.keys))
            .subtracting(leaving).sorted()
        // Only students who get records need a valid, unsealed number; the others are only folded again.
        for number in Set(students.keys).subtracting(leaving).sorted() { try checkNumber(number) }
        let folds = Self.admitAll(numbers.map { (number: $0, events: students[$0] ?? []) }, workspace: workspace, school: folded)
        for (number, result) in zip(numbers, folds) {
            let (added, view) = try result.get()
            for e in added { writes.append(("students/\(number)/events/\(e.id).json", try fileBytes(e))) }
            writes.append(("students/\(number)/manifest.json", Workspace.viewBytes(view)))
        }
        try land(writes, cleanup: cleanup) { txn throws(FolioError) in
            for f in files { try txn.adopt(f.path, to: f.target) }
            for path in removing { txn.remove(path) }
        }
        schoolEvents += fresh
        school = folded
    }

    /// Folds each student's records on disk plus their new ones, on every core (each fold checks every
    /// record's signature). Returns, in order, the records not yet held and the view, or the rule the
    /// first new record breaks.
    /// `existing`: the student's records on disk, when the caller has read them already.
    static func admitAll(_ batch: [(number: String, events: [StoredEvent])], existing known: [[StoredEvent]]? = nil,
                         workspace ws: Workspace, school: SchoolState) -> [Result<(added: [StoredEvent], view: StudentView), FolioError>] {
        Parallel.map(batch.count) { i in
            let (number, events) = batch[i]
            let existing = known?[i] ?? ws.studentEvents(number)
            let held = Set(existing.map(\.id))
            let added = events.filter { !held.contains($0.id) }
            do throws(FolioError) {
                return .success((added, try StudentFolder.admit(added, existing: existing, number: number, school: school)))
            } catch { return .failure(error) }
        }
    }

    /// A student's new events and the outside files they bring, staged together.
    public struct StudentChange {
        public var number: String
        public var events: [StoredEvent]
        /// Outside file → path inside the student's directory.
        public var files: [(source: String, target: String)]
        /// Files already on the workspace's file system (under `.folio/`), renamed into place instead of copied.
        public var moves: [(path: String, target: String)]

        public init(number: String, events: [StoredEvent], files: [(source: String, target: String)] = [],
                    moves: [(path: String, target: String)] = []) {
            self.number = number
            self.events = events
            self.files = files
            self.moves = moves
        }
    }

    /// Adds events for one or more students in one atomic step. Every event must pass the fold's rules;
    /// if any is refused, nothing is written.
    @discardableResult
    public func appendStudents(_ changes: [StudentChange]) throws(FolioError) -> [String: StudentView] {
        var views: [String: StudentView] = [:]
        var writes: [(String, [UInt8])] = []
        for change in changes { try checkNumber(change.number) }
        let folds = Self.admitAll(changes.map { ($0.number, $0.events) }, workspace: workspace, school: school)
        for (change, result) in zip(changes, folds) {
            let (fresh, view) = try result.get()
            views[change.number] = view
            for e in fresh { writes.append(("students/\(change.number)/events/\(e.id).json", try fileBytes(e))) }
            writes.append(("students/\(change.number)/manifest.json", Workspace.viewBytes(view)))
        }
        try land(writes) { txn throws(FolioError) in
            for change in changes {
                for file in change.files where !FileIO.exists(workspace.studentDir(change.number) + "/" + file.target) {
                    _ = try txn.copy(from: file.source, to: "students/\(change.number)/\(file.target)")
                }
                for file in change.moves where !FileIO.exists(workspace.studentDir(change.number) + "/" + file.target) {
                    try txn.adopt(file.path, to: "students/\(change.number)/\(file.target)")
                }
            }
        }
        return views
    }

    /// One transaction: `stage` adds files or removals, then every write whose bytes differ from the file
    /// on disk is staged, and all of it is committed together. On any error nothing lands.
    private func land(_ writes: [(String, [UInt8])], cleanup: DeferredRemoval? = nil,
                      staging stage: (Transaction) throws(FolioError) -> Void) throws(FolioError) {
        let txn = try Transaction(root: workspace.root)
        do {
            try stage(txn)
            for (path, bytes) in writes where (try? FileIO.readAll(workspace.root + "/" + path)) != bytes {
                try txn.write(path, bytes)
            }
            try txn.commit(cleanup: cleanup)
        } catch {
            txn.abandon()
            throw error
        }
    }

    func fileBytes(_ e: StoredEvent) throws(FolioError) -> [UInt8] {
        do { return try e.signed.fileBytes() } catch {
            throw FolioError(.internalError, Message("workspace.encodeFailed"), hint: Message("internal.reportIT.hint"))
        }
    }

    /// Student numbers become folder names: keep them to digits and letters, and never a national ID.
    private func checkNumber(_ number: String) throws(FolioError) {
        try Self.checkStudentNumber(number)
        if let sealed = school.archived(number) {
            throw FolioError(.badInput, "workspace.student.sealed", ["number": number, "sealed": "\(sealed.sealed.sealed)"])
        }
    }

    static func checkStudentNumber(_ number: String) throws(FolioError) {
        let ok = !number.isEmpty && number.count <= 20
            && number.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII }
        guard ok else {
            throw FolioError(.badInput, "workspace.student.badNumber", ["number": number])
        }
        if (try? NationalID(number)) != nil {
            throw FolioError(.badInput, "workspace.student.nationalID", ["start": String(number.prefix(3)) + "****"])
        }
    }
}
