import FolioCore
import Foundation

/// One difference `folio verify` found between what the events say and what is on disk. It is shown in the
/// user's language; `--json` writes it in English (`message`), the same whatever language is shown.
public struct VerifyIssue: Codable, Hashable, Sendable {
    public var path: String
    public var what: Message

    public init(path: String, what: Message) {
        self.path = path
        self.what = what
    }

    /// What is wrong, in English.
    public var message: String { what.text(.en) }

    private enum CodingKeys: String, CodingKey { case path, message }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(path: try c.decode(String.self, forKey: .path), what: .verbatim(try c.decode(String.self, forKey: .message)))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(message, forKey: .message)
    }
}

public struct VerifyReport: Codable, Sendable {
    public var students = 0
    public var events = 0
    public var files = 0
    public var bytes = 0
    /// Graduates sealed in archive/ (not purged).
    public var sealed = 0
    public var issues: [VerifyIssue] = []
    /// Events kept out of the views by a rule (for example a certification by a revoked key). They are
    /// reported, not failures: the workspace holds them on purpose.
    public var heldBack: [VerifyIssue] = []

    public var isClean: Bool { issues.isEmpty }
}

/// `folio verify`: re-hashes every file, re-folds every event, checks every signature, and compares the
/// results with the derived files on disk. Students are checked on every core at once. A student whose
/// folder and school view are unchanged since the last check (by `lstat`, see `VerifyCache`) is not read
/// again unless `full` is set.
public enum Verifier {
    /// `clock` (nanoseconds since 1970) is the time files must have settled by to be cached; tests pass a
    /// later one rather than wait.
    public static func run(_ ws: Workspace, full: Bool = false, clock: Int64? = nil) -> VerifyReport {
        var report = VerifyReport()
        // A change interrupted after its commit point is finished by the next writing command; until then
        // the files below look half-changed, so say that first rather than suggest restoring a backup.
        for name in FileIO.list(ws.root + "/.folio/txn") where FileIO.exists(ws.root + "/.folio/txn/\(name)/plan.json") {
            report.issues.append(VerifyIssue(path: ".folio/txn/\(name)", what: Message("verify.finding.interrupted")))
        }
        let (schoolEvents, damaged) = ws.readEvents(in: ws.schoolEventsDir)
        report.events += schoolEvents.count
        for d in damaged { report.issues.append(VerifyIssue(path: relative(ws, d.file), what: d.why)) }
        let school = ws.fold(schoolEvents)
        // A founding record under another root is held out of the fold like any broken record, but it is the
        // trace of an attempt to take the school over, not a rule broken by mistake: verify fails on it.
        if let pinned = ws.pinnedRoot(schoolEvents) {
            for e in schoolEvents where e.event.kind == .schoolCreated {
                guard let declared = try? e.event.decodeBody(SchoolCreated.self).rootKey, declared != pinned else { continue }
                report.issues.append(VerifyIssue(path: "school/events/\(e.id).json",
                                                 what: Message("verify.finding.otherRoot", ["fingerprint": RootFingerprint.of(declared)])))
            }
        }
        var schoolIssues = VerifyCache.Record(school: "")
        note(school.problems, in: "school/events", &schoolIssues)
        report.issues += schoolIssues.issues
        report.heldBack += schoolIssues.heldBack
        let schoolView = Workspace.viewBytes(school)
        compare(schoolView, ws.schoolViewPath, ws, &report.issues)
        // A student's findings depend on the school state as well as their own folder.
        let schoolDigest = SHA256Hex.of(schoolView)
        let cache = VerifyCache(ws)
        let now = clock ?? VerifyCache.now()
        let numbers = ws.studentNumbers()
        let atHub = PeerBook.keptAtHub(ws)
        let progress = ProgressMeter(Message("progress.verify"), total: numbers.count)
        let found = Parallel.map(numbers.count) { i in
            let r = checkStudent(numbers[i], ws, school: school, schoolDigest: schoolDigest, cache: cache, full: full, now: now, atHub: atHub)
            progress.advance(bytes: Int64(r.bytes))
            return r
        }
        progress.finish()
        for r in found {
            report.students += 1
            report.events += r.events
            report.files += r.files
            report.bytes += r.bytes
            report.issues += r.issues
            report.heldBack += r.heldBack
        }
        // Only the hub holds archive/; replicas learn of sealing from school updates but keep no tarballs.
        if ws.config.role == .hub { checkArchive(ws, school: school, cache: cache, full: full, now: now, &report) }
        return report
    }

    /// One student: reused from the cache when nothing changed, otherwise read, folded and re-hashed
    /// (files whose stamp is unchanged keep their cached SHA-256).
    /// `atHub`: on a replica, the upload files its hub keeps for it (`PeerBook.keptAtHub`).
    private static func checkStudent(_ number: String, _ ws: Workspace, school: SchoolState, schoolDigest: String,
                                     cache: VerifyCache, full: Bool, now: Int64, atHub: Set<String>) -> VerifyCache.Record {
        let base = ws.studentDir(number)
        if !full, let unchanged = cache.unchanged(number, base: base, school: schoolDigest) { return unchanged }
        let old = full ? nil : cache.read(number)
        let listing = VerifyCache.listing(base, previous: old?.listing)
        if var old, old.school == schoolDigest, old.listing.elementsEqual(listing, by: { $0.path == $1.path && $0.stamp == $1.stamp }) {
            // Reached when a stamp moved and came back, or a name cannot be stamped (`unchanged` gives up on both).
            old.forget()
            return old
        }
        var r = VerifyCache.Record(school: schoolDigest, listing: listing)
        let known = Hashes(old: old, now: listing)
        // Files are opened relative to the student's folder, and the records are those the listing found:
        // the kernel neither walks each long path again nor lists events/ a second time. When the listing
        // holds no events/ folder (none, a link, a listing that failed), events/ is read as every command reads it.
        let folder = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if folder >= 0 { close(folder) } }
        let listed = listing.contains { $0.path == "events/" && $0.stamp.kind == FileStamp.directory }
        let (events, damaged) = folder >= 0 && listed
            ? ws.readEvents(in: ws.studentEventsDir(number), names: eventNames(listing), folder: folder, relative: "events/")
            : ws.readEvents(in: ws.studentEventsDir(number))
        r.events = events.count
        for d in damaged { r.issues.append(VerifyIssue(path: relative(ws, d.file), what: d.why)) }
        let view = StudentFolder.fold(number: number, events: events, school: school)
        note(view.problems, in: "students/\(number)/events", &r)
        compare(Workspace.viewBytes(view), ws.manifestPath(number), ws, &r.issues)
        checkFiles(number, events: events, view: view, ws, folder: folder, listing: listing, known: known, atHub: atHub, &r)
        if VerifyCache.isSettled(listing, now: now) { cache.write(number, r) }
        r.forget()
        return r
    }

    /// The names in events/, in `FileIO.list`'s order, as the listing has them: read just now, or taken from
    /// the previous listing when events/ is stamped unchanged (the rule that finds strays). A folder inside
    /// events/ is named too, so that it is reported as not an event file.
    static func eventNames(_ listing: [(path: String, stamp: FileStamp)]) -> [String] {
        let prefix = "events/".utf8
        var names: [String] = []
        for (path, _) in listing {
            let utf8 = path.utf8
            guard utf8.count > prefix.count, utf8.starts(with: prefix) else { continue }
            var name = utf8.dropFirst(prefix.count)
            if name.last == UInt8(ascii: "/") { name = name.dropLast() }
            guard !name.contains(UInt8(ascii: "/")) else { continue }
            names.append(String(Substring(name)))
        }
        return names
    }

    /// Cached hashes that still hold: those whose file's stamp is the same now as when it was hashed.
    struct Hashes {
        var byPath: [String: (size: Int, sha256: String)] = [:]

        init(old: VerifyCache.Record?, now listing: [(path: String, stamp: FileStamp)]) {
            guard let old else { return }
            let stamps = Dictionary(old.listing.map { ($0.path, $0.stamp) }, uniquingKeysWith: { a, _ in a })
            for (path, stamp) in listing where stamps[path] == stamp {
                if let sha = old.hashes[path] { byPath[path] = (Int(stamp.size), sha) }
            }
        }
    }

    /// Every sealed graduate is accounted for: their tarball is present and matches the register (or,
    /// once purged, gone), and their folder has left the live workspace.
    private static func checkArchive(_ ws: Workspace, school: SchoolState, cache: VerifyCache, full: Bool, now: Int64,
                                     _ report: inout VerifyReport) {
        let old = full ? nil : cache.read(VerifyCache.archiveKey)
        let listing = VerifyCache.listing(ws.root + "/archive", previous: old?.listing)
        let known = Hashes(old: old, now: listing)
        var r = VerifyCache.Record(school: "", listing: listing)
        var registered = Set<String>()
        for entry in school.archive {
            let s = entry.sealed
            registered.insert(s.path)
            let full = ws.root + "/" + s.path
            if entry.purged != nil {
                if FileIO.exists(full) { r.issues.append(VerifyIssue(path: s.path, what: Message("verify.finding.purgedStillThere"))) }
                continue
            }
            report.sealed += 1
            let name = String(s.path.dropFirst("archive/".count))
            rehash(full, key: name, known: known, shown: s.path, size: s.size, sha256: s.sha256, &r,
                   missing: Message("verify.finding.archiveMissing", ["student": s.student, "until": "\(s.retainUntil)"]),
                   changed: { _, _ in Message("verify.finding.archiveChanged", ["sealed": "\(s.sealed)"]) })
            if FileIO.exists(ws.studentDir(s.student)) {
                r.issues.append(VerifyIssue(path: "students/\(s.student)", what: Message("verify.finding.sealedStillLive")))
            }
        }
        for name in FileIO.list(ws.root + "/archive") where !registered.contains("archive/" + name) {
            r.issues.append(VerifyIssue(path: "archive/" + name, what: Message("verify.finding.unregistered")))
        }
        report.files += r.files
        report.bytes += r.bytes
        report.issues += r.issues
        if VerifyCache.isSettled(listing, now: now) { cache.write(VerifyCache.archiveKey, r) }
    }

    /// Checks one file the records describe (re-hashing it unless its cached hash still holds), counts it,
    /// and reports it missing or changed. `key` is its path in the cache record's listing.
    /// `full` is relative to `folder` when one is open.
    private static func rehash(_ full: String, in folder: Int32 = AT_FDCWD, key: String, known: Hashes, shown: String,
                               size: Int, sha256: String,
                               _ r: inout VerifyCache.Record, missing: Message, changed: (Int, String) -> Message) {
        let found: Int, sha: String
        if let cached = known.byPath[key] {
            (found, sha) = cached
        } else {
            guard let (n, h) = try? FileIO.hashFile(full, in: folder) else {
                r.issues.append(VerifyIssue(path: shown, what: FileIO.whyUnreadable(full, in: folder) ?? missing))
                return
            }
            (found, sha) = (n, h)
        }
        r.hashes[key] = sha
        r.files += 1
        r.bytes += found
        if found != size || sha != sha256 { r.issues.append(VerifyIssue(path: shown, what: changed(found, sha))) }
    }

    /// `listing` is what is in the student's folder now (`VerifyCache.listing`); strays are found in it
    /// rather than by walking the folder a second time.
    private static func checkFiles(_ number: String, events: [StoredEvent], view: StudentView, _ ws: Workspace, folder: Int32,
                                   listing: [(path: String, stamp: FileStamp)], known: Hashes, atHub: Set<String>,
                                   _ r: inout VerifyCache.Record) {
        // Every version of every file ever uploaded is kept, so all uploads' files must be present.
        var expected: [String: ItemFile] = [:]
        for e in events where e.event.kind == .itemUploaded {
            if let u = ItemUploaded(plain: e.event.body) {
                for f in u.files { expected[f.path(item: u.item)] = f }
            } else if let u = try? e.event.decodeBody(UploadedFiles.self) {
                for f in u.files { expected[f.path(item: u.item)] = f }
            }
        }
        // Relative to the open student folder, or the whole path when it could not be opened. "./" keeps a
        // path written with a leading slash inside the folder, as the whole path did.
        let base = folder >= 0 ? "./" : ws.studentDir(number) + "/"
        let folder = folder >= 0 ? folder : AT_FDCWD
        let present = Set(listing.map(\.path))
        for (path, file) in expected.sorted(by: { $0.key < $1.key }) {
            // A kiosk holds the records of uploads made elsewhere, not their files: the hub keeps those.
            if !present.contains(path) && atHub.contains("students/\(number)/\(path)") { continue }
            rehash(base + path, in: folder, key: path, known: known, shown: "students/\(number)/\(path)", size: file.size,
                   sha256: file.sha256, &r, missing: Message("verify.finding.missing"), changed: { size, sha in
                       Message("verify.finding.fileChanged", ["size": file.size, "sha": file.sha256.prefix(16), "foundSize": size,
                                                              "foundSha": sha.prefix(16)])
                   })
        }
        for (path, stamp) in listing where stamp.kind != FileStamp.directory && path.hasPrefix("files/") && expected[path] == nil {
            r.issues.append(VerifyIssue(path: "students/\(number)/\(path)", what: Message("verify.finding.notUpload")))
        }
        // Items brought from an earlier school keep their files under earlier/.
        for item in view.earlier {
            for f in item.files {
                rehash(base + f.path, in: folder, key: f.path, known: known, shown: "students/\(number)/\(f.path)", size: f.size,
                       sha256: f.sha256, &r, missing: Message("verify.finding.earlierMissing", ["school": item.school]),
                       changed: { _, _ in Message("verify.finding.earlierChanged", ["school": item.school]) })
            }
        }
        let expectedTop: Set<String> = ["events/", "files/", "manifest.json", "earlier/"]
        for (path, stamp) in listing where !path.isEmpty && !expectedTop.contains(path) {
            // Only the folder's own entries: a path with a slash before its end is deeper down.
            let name = stamp.kind == FileStamp.directory ? path.utf8.dropLast() : path.utf8[...]
            guard !name.contains(UInt8(ascii: "/")) else { continue }
            r.issues.append(VerifyIssue(path: "students/\(number)/\(String(Substring(name)))", what: Message("verify.finding.notPortfolio")))
        }
    }

    /// The part of an upload `checkFiles` needs, for a body of an unusual shape (one `ItemUploaded(plain:)`
    /// does not take); its other members need not be readable for its files to be checked.
    private struct UploadedFiles: Decodable {
        var item: String
        var files: [ItemFile]
    }

    private static func compare(_ expected: [UInt8], _ path: String, _ ws: Workspace, _ issues: inout [VerifyIssue]) {
        guard let actual = try? FileIO.readAll(path) else {
            // `repair` writes a new file over a missing one, a pipe or a link, but not over a folder.
            let why = FileIO.whyUnreadable(path) ?? Message("verify.finding.missing")
            let fix = Message(FileIO.isDirectory(path) ? "verify.finding.moveFolder" : "verify.finding.repair")
            issues.append(VerifyIssue(path: relative(ws, path), what: Message("verify.finding.derived", ["why": why, "fix": fix])))
            return
        }
        if actual != expected {
            issues.append(VerifyIssue(path: relative(ws, path), what: Message("verify.finding.differs")))
        }
    }

    private static func note(_ problems: [Problem], in dir: String, _ report: inout VerifyCache.Record) {
        for p in problems {
            let entry = VerifyIssue(path: "\(dir)/\(p.event).json", what: p.error.what)
            // A signature that does not match means the file was altered: that is damage, not a held-back event.
            if p.code == .tampered { report.issues.append(entry) }
            else { report.heldBack.append(entry) }
        }
    }

    static func relative(_ ws: Workspace, _ path: String) -> String {
        path.hasPrefix(ws.root + "/") ? String(path.dropFirst(ws.root.count + 1)) : path
    }
}
