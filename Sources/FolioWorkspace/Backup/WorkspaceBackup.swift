import FolioCore
import FolioTar
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Workspace {
    /// What of `.folio/` a backup keeps: the peer book (`peers/`: the number of the next bundle, which a
    /// recipient would otherwise take for a copied workspace's, and on a replica the files its hub keeps, without
    /// which `folio verify` calls them missing) and the signers' marks (`signers/`: the newest moment each key
    /// signed here, which a real school's clock is held to). The lock, transactions, staging and caches stay:
    /// they belong to one machine, and the caches are rebuilt.
    static let localKeptInBackups: Set<String> = ["peers", "signers"]

    /// Backs the whole workspace up into `place`, signed by `actor`: every file not already there by its
    /// SHA-256 is copied, flushed, read back from the disk and checked, and only then named; the snapshot that
    /// lists them all is written last, so a backup cut short leaves objects no snapshot names yet (the next
    /// backup uses them) and never a snapshot naming what is not there.
    ///
    /// The caller holds the workspace's shared lock, as every reader does, so that no writer changes anything
    /// meanwhile (writers wait), and has made sure no interrupted command left its changes half applied.
    public func backup(to placePath: String, actor: Actor, now: Instant) throws(FolioError) -> BackupReport {
        let school = self.school()
        if let refused = BackupSigner.check(actor.id, key: actor.identity.publicKeyText, at: now, school: school, said: "backup") {
            throw refused
        }
        let place = BackupPlace(placePath)
        let here = URL(fileURLWithPath: root).standardizedFileURL.path
        for (inside, of) in [(place.path, here), (Self.resolved(place.path), Self.resolved(here))]
        where inside == of || inside.hasPrefix(of + "/") {
            throw FolioError(.badInput, "backup.place.insideWorkspace", ["place": place.path, "workspace": here])
        }
        let lock = try place.prepare(for: config)
        defer { withExtendedLifetime(lock) {} }
        let started = VerifyCache.now()

        let rootFD = Glibc.open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else { throw FileIO.ioError("read", root) }
        defer { close(rootFD) }
        var rootStat = stat()
        guard fstat(rootFD, &rootStat) == 0 else { throw FileIO.ioError("read", root) }
        // What the last backup found: folders not changed since are not listed again, files not read again. Read
        // a student at a time, and each student backed up in turn, so that memory stays flat however large the
        // school: only the snapshot's list of parts and the objects waiting to be written grow with it.
        let stamps = BackupStamps.File.load(self)
        let rootStamp = FileStamp.of(".", in: rootFD)
        // Everything outside the students' own folders first, each student's folder left for its own part.
        var top = BackupWalk(rootFD: rootFD, root: root, stamps: stamps.top, cut: "students")
        top.visit("", rootStamp)
        var skipped = top.skipped + top.cutSkipped
        let writer = BackupStamps.Writer(self, old: stamps.bytes)
        var queue = BackupQueue(place: place, root: root)
        var parts: [BackupSnapshot.Part] = []
        var totals = (files: 0, folders: 0, bytes: Int64(0), read: 0)

        /// Backs one part up: its unread files hashed (on every core), its listing made, what the place lacks
        /// queued for writing; returns the stamps of what was walked.
        func backUp(_ part: String, _ walked: [Walked], _ known: BackupStamps, skipped: [BackupFinding]) throws(FolioError) -> [BackupStamps.Line] {
            let kept = walked.filter(\.kept)
            let files = kept.filter { $0.kind == BackupEntry.Kind.file }
            var hashes = files.map { known.sha256($0.path, stamp: $0.stamp) ?? "" }
            let unread = hashes.indices.filter { hashes[$0].isEmpty }
            let read = Parallel.map(unread.count) { k -> Result<String, FolioError> in
                let file = files[unread[k]]
                do throws(FolioError) {
                    let (size, sha256) = try FileIO.hashFile(file.path, in: rootFD)
                    guard Int64(size) == file.stamp.size else { return .failure(Self.changedMeanwhile(file.path)) }
                    return .success(sha256)
                } catch { return .failure(error) }
            }
            for (k, result) in read.enumerated() { hashes[unread[k]] = try result.get() }
            var sha256 = [String: String](minimumCapacity: files.count)
            for (file, hash) in zip(files, hashes) { sha256[file.path] = hash }
            var entries: [BackupEntry] = kept.map { w in
                let isFile = w.kind == BackupEntry.Kind.file
                return BackupEntry(kind: w.kind, path: w.path, mode: w.mode, size: isFile ? w.stamp.size : 0,
                                   sha256: isFile ? sha256[w.path, default: ""] : "")
            }
            entries.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
            if !entries.isEmpty {
                let bytes = BackupListing.encode(entries)
                let id = SHA256Hex.of(bytes)
                parts.append(BackupSnapshot.Part(path: part, listing: id, entries: entries.count))
                try queue.add(BackupObject(sha256: id, size: Int64(bytes.count), source: .bytes(bytes)))
                for e in entries where e.kind == .file {
                    try queue.add(BackupObject(sha256: e.sha256, size: e.size, source: .file(e.path)))
                }
            }
            totals.files += files.count
            totals.folders += entries.count - files.count
            totals.bytes += files.reduce(0) { $0 + $1.stamp.size }
            totals.read += unread.count
            let holdingSkipped = Set(skipped.map { FileIO.parent(of: $0.path) })
            return walked.map { w in
                // `.folio/` is listed again each time: what it holds besides what a backup keeps changes by itself.
                BackupStamps.line(path: w.path, stamp: w.stamp, sha256: sha256[w.path],
                                  holdsSkipped: w.path == ".folio" || holdingSkipped.contains(w.path), startedAt: started)
            }
        }

        do {
            // The parts in the snapshot's order (by path), the stamps in the walk's: the workspace's own folder,
            // what comes up to `students/`, each student's folder, then what comes after.
            let reading = ProgressMeter(Message("progress.backup.read"), total: top.cutNames.count)
            defer { reading.finish() }
            var topLines = try backUp("", top.entries, stamps.top, skipped: top.skipped + top.cutSkipped)
            let split = (top.entries.firstIndex { $0.path == "students" }).map { $0 + 1 } ?? topLines.count
            let holdsSkipped = top.skipped.contains { !$0.path.contains("/") }
            if let rootStamp {
                writer.append(BackupStamps.line(path: "", stamp: rootStamp, sha256: nil, holdsSkipped: holdsSkipped, startedAt: started))
            }
            for line in topLines[..<split] { writer.append(line) }
            for name in top.cutNames {
                let path = "students/" + name
                let known = stamps.part(path)
                var walk = BackupWalk(rootFD: rootFD, root: root, stamps: known, cut: nil)
                walk.take("students", name)
                skipped += walk.skipped
                for line in try backUp(path, walk.entries, known, skipped: walk.skipped) { writer.append(line) }
                reading.advance()
            }
            for line in topLines[split...] { writer.append(line) }
            topLines = []
            try queue.finish()
        } catch {
            // A file that did not give the hash its stamp promised may have been given it by a stale record: the
            // next backup reads every file again.
            unlink(BackupStamps.path(self))
            throw error
        }
        parts.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }

        // The snapshot, signed, written last.
        let newest = place.newest()
        let previous: StoredSnapshot?
        if case .whole(let s)? = newest?.snapshot { previous = s } else { previous = nil }
        let number = max(previous?.snapshot.number ?? 0, newest.flatMap { BackupSnapshot.number(inName: $0.name) } ?? 0) + 1
        let snapshot = BackupSnapshot(
            school: config.school, name: config.name, replica: config.replica, number: number, previous: previous?.id,
            taken: now, signer: actor.id, key: actor.identity.publicKeyText, files: totals.files,
            folders: totals.folders, bytes: totals.bytes, rootMode: Int(rootStat.st_mode & 0o777), parts: parts)
        let (id, file) = try SignedSnapshot.sign(snapshot, with: actor.identity)
        try CrashPoints.reached("backup snapshot")
        try FileIO.writeChecked(place.snapshotsDir + "/" + BackupSnapshot.fileName(number: number, id: id), file)
        FileIO.fsyncDirectory(place.snapshotsDir)

        // What the next backup may take as it is; written only when it says something new.
        if rootStamp != nil { writer.finish() }
        skipped.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        return BackupReport(place: place.path, snapshot: id, number: number, taken: now, signer: actor.id, files: totals.files,
                            folders: snapshot.folders, bytes: snapshot.bytes, read: totals.read, newObjects: queue.written,
                            newBytes: queue.writtenBytes, keptObjects: queue.kept,
                            skipped: skipped, damagedNewest: newest.flatMap { n in previous == nil ? n.name : nil })
    }

    static func changedMeanwhile(_ path: String) -> FolioError {
        FolioError(.io, "backup.changedMeanwhile", ["path": path])
    }

    /// A path with its links resolved, as far as it exists.
    private static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }

    /// One thing found in the workspace.
    struct Walked: Sendable {
        var path: String
        var kind: BackupEntry.Kind
        var mode: UInt32
        var stamp: FileStamp
        /// False for `.folio/` when it holds nothing a backup keeps: walked, but not backed up.
        var kept = true
    }

}

/// Walks the workspace for a backup: every folder and ordinary file (of `.folio/`, only what
/// `Workspace.localKeptInBackups` names), stamped without following links; and what cannot be kept: links, pipes and
/// devices (which no folio command makes or follows), and names the tar layer's rules refuse, which a restore would
/// refuse too. A folder whose stamp is the one the last backup recorded (`stamps`) is not listed again. The folder
/// `cut` (`students`) is entered but what it holds is only named, in `cutNames`, for each to be walked as a part.
struct BackupWalk {
    let rootFD: Int32
    let root: String
    let stamps: BackupStamps
    let cut: String?
    var entries: [Workspace.Walked] = []
    var skipped: [BackupFinding] = []
    var cutNames: [String] = []
    /// What `cut` holds that is left out (a link in `students/`): its own part has no entry.
    var cutSkipped: [BackupFinding] = []

    init(rootFD: Int32, root: String, stamps: BackupStamps, cut: String?) {
        self.rootFD = rootFD
        self.root = root
        self.stamps = stamps
        self.cut = cut
    }

    mutating func visit(_ folder: String, _ stamp: FileStamp?) {
        let names = stamp.flatMap { stamps.names(folder, stamp: $0) } ?? FileIO.list(folder.isEmpty ? root : root + "/" + folder)
        if let cut, folder == cut {
            // Each folder or file here is a part of its own; what cannot be kept is found now, so that this
            // folder's stamp says it holds something left out.
            for name in names where Self.keepable(rootFD, folder + "/" + name, name, &cutSkipped) != nil { cutNames.append(name) }
            return
        }
        for name in names {
            if folder == ".folio" && !Workspace.localKeptInBackups.contains(name) { continue }
            take(folder, name)
        }
    }

    /// The entry `name` in `folder`, and all it holds.
    mutating func take(_ folder: String, _ name: String) {
        let path = folder.isEmpty ? name : folder + "/" + name
        guard let st = Self.keepable(rootFD, path, name, &skipped) else { return }
        let type = st.st_mode & S_IFMT
        let stamp = FileStamp(kind: type == S_IFREG ? FileStamp.file : type == S_IFDIR ? FileStamp.directory : FileStamp.other,
                              inode: UInt64(st.st_ino), size: Int64(st.st_size),
                              mtime: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
                              ctime: Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec))
        let mode = UInt32(st.st_mode & 0o777)
        switch type {
        case S_IFDIR where folder.isEmpty && name == ".folio":
            // Kept only with something in it to keep: the first command to run makes `.folio/`, and an
            // unchanged workspace must give the same snapshot before and after.
            let at = entries.count
            visit(path, nil)
            entries.insert(Workspace.Walked(path: path, kind: .folder, mode: mode, stamp: stamp, kept: entries.count > at), at: at)
        case S_IFDIR:
            entries.append(Workspace.Walked(path: path, kind: .folder, mode: mode, stamp: stamp))
            visit(path, stamp)
        default:
            entries.append(Workspace.Walked(path: path, kind: .file, mode: mode, stamp: stamp))
        }
    }

    /// The `lstat` of `path` (whose last part is `name`), not following links, when it is a folder or an ordinary
    /// file under a name a restore would take; otherwise nil, with why it is left out added to `notes`.
    private static func keepable(_ rootFD: Int32, _ path: String, _ name: String, _ notes: inout [BackupFinding]) -> stat? {
        var st = stat()
        // A name that is not UTF-8 (a Big5 file name) was read with its bad bytes replaced, so it
        // cannot be found again by that name.
        guard fstatat(rootFD, path, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
            notes.append(BackupFinding(path: path, why: Message("backup.skip.unreadableName")))
            return nil
        }
        guard Workspace.keepsName(name, path: path) else {
            notes.append(BackupFinding(path: TarError.printable(path), why: Message("backup.skip.badName")))
            return nil
        }
        switch st.st_mode & S_IFMT {
        case S_IFDIR, S_IFREG: return st
        case S_IFLNK: notes.append(BackupFinding(path: path, why: Message("backup.skip.link")))
        default: notes.append(BackupFinding(path: path, why: Message("backup.skip.special")))
        }
        return nil
    }
}

extension Workspace {
    /// Whether a restore would take `path`, whose last part is `name` (a name read from a folder, so never empty,
    /// `.` or `..`, and never holding a slash): the tar layer's rules for the name, and the length of the whole
    /// path. Names of folio's own making (ids, student numbers, `manifest.json`) are plain ASCII and pass without
    /// the rules' Unicode checks, which were a sixth of backing up an unchanged school.
    static func keepsName(_ name: String, path: String) -> Bool {
        guard path.utf8.count <= TarLimits.default.maxPathBytes else { return false }
        let plain = name.utf8.count <= 255 && name.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x2D || b == 0x5F
        }
        if plain { return true }
        do throws(TarError) { try EntryPath.check(name) } catch { return false }
        return true
    }

    /// The lock a backup reads under: the shared lock of any reader, taken even in a workspace no command has
    /// written in yet, whose `.folio/` (and so its lock file) is made here. On read-only media, where no
    /// writer can run either, there is none to take.
    public func lockForBackup() throws(FolioError) -> WorkspaceLock? {
        try? FileIO.makeDirectories(root + "/.folio")
        return try lockForReading()
    }
}
