import FolioCore
import FolioTar
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Brings a workspace back from a backup place, into a new or empty folder, on any machine.
///
/// Nothing is written until everything that can be checked without copying has been: the snapshot is whole
/// (its name is its SHA-256, its signature fits the key it names), each listing is the object the snapshot
/// names, every path is one folio would write (the tar layer's rules: no `..`, nothing absolute, every folder
/// listed before what it holds, nothing of `.folio/` but what a backup keeps), every object is there at its
/// size, the signer is someone the school's own records (in the backup, folded under the root its `folio.json`
/// pins) registered and had not revoked, and that root is the one the person restoring confirms. Then every
/// file is copied into a hidden folder beside the target, hashed as it is copied; one that does not give its
/// SHA-256 stops the restore and the hidden folder is removed, so the target is left as it was. Only a whole,
/// flushed copy is renamed into place.
public enum BackupRestore {
    /// `wanted`: a snapshot's number or the start of its id; the newest when nil. `confirmRoot` is asked with the
    /// root the backup's workspace pins and the root its records lead to now (the same key unless the root
    /// was replaced): whether the person confirmed one of their fingerprints.
    public static func restore(from placePath: String, snapshot wanted: String?, to targetPath: String,
                               confirmRoot: (_ pinned: String, _ current: String) -> Bool) throws(FolioError) -> RestoreReport {
        let place = BackupPlace(placePath)
        guard FileIO.isDirectory(place.snapshotsDir) else { throw FolioError(.badInput, "restore.place.none", ["place": place.path]) }
        let target = URL(fileURLWithPath: targetPath).standardizedFileURL.path
        try checkTarget(target)
        let stored = try choose(place, wanted)
        let s = stored.snapshot
        let label = Message("restore.snapshotLabel", ["number": s.number, "id": stored.shortID])

        // Every listing, whole, and every path in it.
        var entries: [BackupEntry] = []
        entries.reserveCapacity(s.files + s.folders)
        for part in s.parts {
            guard SHA256Hex.isValid(part.listing) else {
                throw FolioError(.verificationFailed, "restore.listing.damaged", ["snapshot": label, "part": partName(part.path)])
            }
            guard let bytes = try? FileIO.readAll(place.objectPath(part.listing)) else {
                throw FolioError(.verificationFailed, "restore.listing.missing",
                                 ["snapshot": label, "part": partName(part.path), "object": part.listing, "place": place.path])
            }
            guard SHA256Hex.of(bytes) == part.listing, let listed = BackupListing.parse(bytes), listed.count == part.entries else {
                throw FolioError(.verificationFailed, "restore.listing.damaged", ["snapshot": label, "part": partName(part.path)])
            }
            for e in listed { try check(e, in: part.path, snapshot: label) }
            entries += listed
        }
        let (files, folders) = try checkTree(entries, s, snapshot: label)

        // Every object there, at its size, before anything is written.
        for e in files {
            var st = stat()
            let object = place.objectPath(e.sha256)
            guard lstat(object, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
                throw FolioError(.verificationFailed, "restore.object.missing", ["path": e.path, "object": e.sha256, "place": place.path])
            }
            guard Int64(st.st_size) == e.size else {
                throw FolioError(.verificationFailed, "restore.object.damaged", ["path": e.path, "object": e.sha256, "place": place.path])
            }
        }

        // Whom the snapshot is from: the school's own records say.
        func content(_ e: BackupEntry) throws(FolioError) -> [UInt8] {
            let bytes = try FileIO.readAll(place.objectPath(e.sha256))
            guard SHA256Hex.of(bytes) == e.sha256 else {
                throw FolioError(.verificationFailed, "restore.object.damaged", ["path": e.path, "object": e.sha256, "place": place.path])
            }
            return bytes
        }
        guard let configEntry = files.first(where: { $0.path == Workspace.configName }) else {
            throw FolioError(.verificationFailed, "restore.noConfig", ["snapshot": label])
        }
        guard let config = try? JSONDecoder().decode(WorkspaceConfig.self, from: Data(try content(configEntry))) else {
            throw FolioError(.verificationFailed, "restore.noConfig", ["snapshot": label])
        }
        guard config.school == s.school, config.replica == s.replica else {
            throw FolioError(.verificationFailed, "restore.otherWorkspace",
                             ["snapshot": label, "school": s.school, "replica": s.replica, "config": config.replica])
        }
        var events: [StoredEvent] = []
        for e in files where e.path.hasPrefix("school/events/") && e.path.hasSuffix(".json") {
            if let event = SignedEvent.readStored(try content(e)) { events.append(event) }
        }
        guard let pinned = config.root ?? SchoolFolder.foundingRoot(events) else {
            throw FolioError(.verificationFailed, "restore.noConfig", ["snapshot": label])
        }
        let school = SchoolFolder.fold(events, root: pinned)
        // Whether this is a demo or test school, as opening its workspace would say (its test hooks apply).
        DemoSchool.note(config.isDemo && school.demo == true)
        if let refused = BackupSigner.check(s.signer, key: s.key, at: s.taken, school: school, said: "restore") { throw refused }
        guard confirmRoot(pinned, school.rootKey) else {
            throw FolioError(.wrongKey, "restore.rootUnconfirmed", ["fingerprint": RootFingerprint.of(pinned), "name": config.name])
        }

        try copy(files: files, folders: folders, rootMode: s.rootMode, from: place, to: target)
        return RestoreReport(workspace: target, snapshot: stored.id, number: s.number, taken: s.taken, signer: s.signer,
                             school: s.school, name: config.name, replica: config.replica, files: files.count,
                             folders: folders.count, bytes: s.bytes, fingerprint: RootFingerprint.of(pinned))
    }

    /// A restore goes only into a folder that is not there yet or is empty: never over a workspace.
    static func checkTarget(_ target: String) throws(FolioError) {
        guard FileIO.exists(target) else { return }
        guard FileIO.isDirectory(target), FileIO.list(target).isEmpty else {
            throw FolioError(.workspaceExists, "restore.target.notEmpty", ["target": target])
        }
    }

    /// The snapshot asked for: by number (`3`) or by the start of its id (six hex digits or more); the newest
    /// when none is named. A snapshot that is not whole is refused, never passed over for another.
    static func choose(_ place: BackupPlace, _ wanted: String?) throws(FolioError) -> StoredSnapshot {
        guard let wanted else {
            guard let newest = place.newest() else { throw FolioError(.badInput, "restore.place.none", ["place": place.path]) }
            switch newest.snapshot {
            case .whole(let s): return s
            case .damaged(let why):
                throw FolioError(.verificationFailed, "restore.snapshot.newestDamaged",
                                 ["file": "snapshots/" + newest.name, "why": why, "place": place.path])
            }
        }
        let names = FileIO.list(place.snapshotsDir).filter { !$0.hasSuffix(".partial") }
        let typed = wanted.trimmingCharacters(in: .whitespaces).lowercased()
        let matching: [String]
        if !typed.isEmpty, typed.count <= 6, typed.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(typed) {
            matching = names.filter { BackupSnapshot.number(inName: $0) == n }
        } else if typed.count >= 6 {
            matching = names.filter { $0.split(separator: "-", maxSplits: 1).last.map { $0.hasPrefix(typed) } ?? false }
        } else {
            matching = []
        }
        guard matching.count == 1, let name = matching.first else {
            throw FolioError(.badInput, matching.isEmpty ? "restore.snapshot.unknown" : "restore.snapshot.ambiguous",
                             ["snapshot": wanted, "place": place.path])
        }
        switch StoredSnapshot.read(place.snapshotsDir + "/" + name, name: name) {
        case .whole(let s): return s
        case .damaged(let why):
            throw FolioError(.verificationFailed, "restore.snapshot.damaged", ["file": "snapshots/" + name, "why": why, "place": place.path])
        }
    }

    private static func partName(_ part: String) -> String { part.isEmpty ? "folio.json, school/, …" : part }

    /// One listed path: a name folio would write, in the part it is listed in, in `.folio/` only where a
    /// backup keeps something, with permission bits folio keeps.
    static func check(_ e: BackupEntry, in part: String, snapshot: Message) throws(FolioError) {
        func refuse(_ why: String, _ values: [String: any MessageValue] = [:]) -> FolioError {
            FolioError(.verificationFailed, Message("restore.path.refused", ["snapshot": snapshot, "path": TarError.printable(e.path),
                                                                            "why": Message("restore.path." + why, values)]),
                       hint: Message("restore.refused.hint"))
        }
        do throws(TarError) { try EntryPath.check(e.path) } catch {
            switch error {
            case .absolutePath: throw refuse("absolute")
            case .parentComponent: throw refuse("parent")
            default: throw refuse("badName")
            }
        }
        guard BackupEntry.part(of: e.path) == part else { throw refuse("otherPart") }
        if e.path == ".folio" || e.path.hasPrefix(".folio/") {
            let second = e.path.split(separator: "/").dropFirst().first.map(String.init)
            guard e.path == ".folio" || second.map(Workspace.localKeptInBackups.contains) == true else { throw refuse("local") }
        }
        guard e.mode <= 0o777 else { throw refuse("mode", ["mode": String(e.mode, radix: 8)]) }
    }

    /// The listed paths together: each once, each in a listed folder, as many files and bytes as the snapshot
    /// says. Returns the files and the folders.
    static func checkTree(_ entries: [BackupEntry], _ s: BackupSnapshot,
                          snapshot: Message) throws(FolioError) -> (files: [BackupEntry], folders: [BackupEntry]) {
        var seen = Set<String>()
        var folderPaths = Set<String>()
        for e in entries {
            guard seen.insert(e.path).inserted else {
                throw FolioError(.verificationFailed, Message("restore.path.refused", ["snapshot": snapshot, "path": e.path,
                                                                                     "why": Message("restore.path.twice")]),
                                 hint: Message("restore.refused.hint"))
            }
            if e.kind == .folder { folderPaths.insert(e.path) }
        }
        for e in entries {
            let parent = FileIO.parent(of: e.path)
            guard parent.isEmpty || folderPaths.contains(parent) else {
                throw FolioError(.verificationFailed, Message("restore.path.refused", ["snapshot": snapshot, "path": e.path,
                                                                                     "why": Message("restore.path.noFolder")]),
                                 hint: Message("restore.refused.hint"))
            }
        }
        let files = entries.filter { $0.kind == .file }
        let folders = entries.filter { $0.kind == .folder }.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        guard files.count == s.files, folders.count == s.folders, files.reduce(0, { $0 + $1.size }) == s.bytes else {
            throw FolioError(.verificationFailed, "restore.listing.totals", ["snapshot": snapshot])
        }
        return (files, folders)
    }

    /// Copies every file into a hidden folder beside `target`, checking each against its SHA-256 as it is copied,
    /// flushes them all, and renames the folder into place; on any failure the hidden folder is removed.
    static func copy(files: [BackupEntry], folders: [BackupEntry], rootMode: Int, from place: BackupPlace,
                     to target: String) throws(FolioError) {
        let parent = FileIO.parent(of: target)
        try FileIO.makeDirectories(parent)
        let staging = parent + "/." + FileIO.lastComponent(of: target) + ".folio-restore-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        guard mkdir(staging, 0o700) == 0 else { throw FileIO.ioError("create the folder", staging) }
        do throws(FolioError) {
            for folder in folders {
                guard mkdir(staging + "/" + folder.path, 0o700) == 0 else { throw FileIO.ioError("create the folder", folder.path) }
            }
            let copying = ProgressMeter(Message("progress.restore"), total: files.count, unit: Message("progress.unit.files"))
            let copied = Parallel.map(files.count) { k -> FolioError? in
                let e = files[k]
                let out = staging + "/" + e.path
                do throws(FolioError) {
                    let (size, sha256) = try FileIO.copyHashing(place.objectPath(e.sha256), to: out, flush: false, mode: 0o600)
                    guard sha256 == e.sha256, Int64(size) == e.size else {
                        return FolioError(.verificationFailed, "restore.object.damaged", ["path": e.path, "object": e.sha256, "place": place.path])
                    }
                    guard chmod(out, mode_t(e.mode)) == 0 else { return FileIO.ioError("write", out) }
                } catch { return error }
                copying.advance(bytes: e.size)
                return nil
            }
            copying.finish()
            if let failed = copied.lazy.compactMap({ $0 }).first { throw failed }
            try FileIO.flushFileSystem(staging)
            // Folders last, deepest first: one without write permission would have refused what goes in it.
            for folder in folders.reversed() { _ = chmod(staging + "/" + folder.path, mode_t(folder.mode)) }
            _ = chmod(staging, mode_t(rootMode & 0o777))
            // Over an empty folder, `rename` replaces it; over anything else it fails and nothing changes.
            guard rename(staging, target) == 0 else { throw FileIO.ioError("move into place", target) }
            FileIO.fsyncDirectory(parent)
        } catch {
            _ = chmod(staging, 0o700)
            for folder in folders { _ = chmod(staging + "/" + folder.path, 0o700) }
            FileIO.removeTree(staging)
            throw error
        }
    }
}
