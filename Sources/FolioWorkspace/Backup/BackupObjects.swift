import FolioCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An object a backup writes: a workspace file (by its path) or a listing (its bytes).
struct BackupObject: Sendable {
    enum Source: Sendable {
        case file(String)
        case bytes([UInt8])
    }

    var sha256: String
    var size: Int64
    var source: Source
}

/// The objects a backup has found the place lacking, written a batch at a time as the parts are walked, so that
/// a whole school's are never held at once: up to 4,096 objects or 512 MiB, as `BackupPlace.store` flushes them.
struct BackupQueue {
    let place: BackupPlace
    let root: String
    private var pending: [BackupObject] = []
    private var pendingBytes: Int64 = 0
    /// Every object this backup names, so that each is counted and written once (an id is 64 bytes: 2.6 MB for a
    /// school of 40,000 files).
    private var seen = Set<String>()
    private(set) var written = 0
    private(set) var writtenBytes: Int64 = 0
    private(set) var kept = 0

    init(place: BackupPlace, root: String) {
        self.place = place
        self.root = root
    }

    /// Queues `o` unless the place has it: an object is never changed once named, so one of the right size is
    /// kept; a backup disk that flipped a bit inside one is what a trial restore finds.
    mutating func add(_ o: BackupObject) throws(FolioError) {
        guard seen.insert(o.sha256).inserted else { return }
        var st = stat()
        if lstat(place.objectPath(o.sha256), &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && Int64(st.st_size) == o.size {
            kept += 1
            return
        }
        pending.append(o)
        pendingBytes += o.size
        written += 1
        writtenBytes += o.size
        if pending.count >= 4_096 || pendingBytes >= 512 << 20 { try finish() }
    }

    /// Writes what is queued.
    mutating func finish() throws(FolioError) {
        guard !pending.isEmpty else { return }
        try place.store(pending, from: root)
        pending = []
        pendingBytes = 0
    }
}

extension BackupPlace {
    /// Makes the place ready for a backup of the workspace `config` describes, and takes its lock: a new or
    /// empty folder becomes a backup place of that workspace (readable by its owner alone); one that already
    /// is must be that same workspace's.
    func prepare(for config: WorkspaceConfig) throws(FolioError) -> WriteLock {
        if FileIO.exists(path) {
            guard FileIO.isDirectory(path) else { throw FolioError(.badInput, "backup.place.notFolder", ["place": path]) }
        } else {
            try FileIO.makeDirectories(FileIO.parent(of: path))
            guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw FileIO.ioError("create the folder", path) }
        }
        if let bytes = try? FileIO.readAll(markerPath) {
            guard let marker = try? JSONDecoder().decode(Marker.self, from: Data(bytes)) else {
                throw FolioError(.badInput, "backup.place.markerUnreadable", ["place": path, "file": Self.markerName])
            }
            guard marker.school == config.school, marker.replica == config.replica else {
                throw FolioError(.badInput, "backup.place.otherWorkspace", ["place": path, "name": marker.name, "replica": marker.replica])
            }
        } else if FileIO.list(path).contains(where: { $0 != "lock" }) {
            throw FolioError(.badInput, "backup.place.notEmpty", ["place": path])
        }
        let lock = try WriteLock(self)
        if !FileIO.exists(markerPath) {
            // An empty folder given for a first backup becomes one only its owner may read, as a new one is made.
            _ = chmod(path, 0o700)
            try FileIO.writeChecked(markerPath, Workspace.viewBytes(Marker(school: config.school, name: config.name, replica: config.replica)))
            FileIO.fsyncDirectory(path)
        }
        for dir in [objectsDir, snapshotsDir] where !FileIO.isDirectory(dir) {
            guard mkdir(dir, 0o700) == 0 || errno == EEXIST else { throw FileIO.ioError("create the folder", dir) }
        }
        // What a backup cut short was writing: never named, so nothing refers to it.
        FileIO.removeTree(tmpDir)
        guard mkdir(tmpDir, 0o700) == 0 else { throw FileIO.ioError("create the folder", tmpDir) }
        return lock
    }

    /// Writes `objects` into the place, a batch at a time: each is written under `tmp/` (a file hashed as it
    /// is copied, which must give the hash it was listed with), the batch is flushed with one `syncfs`, each
    /// is read back from the disk (its cached pages dropped first) and checked against its SHA-256, and only
    /// then renamed to its name and its folder flushed. So an object under its name is on the disk whole.
    func store(_ objects: [BackupObject], from root: String) throws(FolioError) {
        let writing = ProgressMeter(Message("progress.backup.write"), total: objects.count, unit: Message("progress.unit.files"))
        defer { writing.finish() }
        var start = 0
        while start < objects.count {
            // A batch: up to 4,096 objects or 512 MiB, so that a backup of a whole school neither flushes once per
            // small record nor leaves gigabytes for one flush.
            var end = start, bytes: Int64 = 0
            while end < objects.count, end == start || (end - start < 4_096 && bytes + objects[end].size <= 512 << 20) {
                bytes += objects[end].size
                end += 1
            }
            let batch = Array(objects[start..<end])
            let written = Parallel.map(batch.count) { k -> FolioError? in
                let o = batch[k]
                let temporary = tmpDir + "/" + o.sha256
                do throws(FolioError) {
                    switch o.source {
                    case .file(let relative):
                        let (size, sha256) = try FileIO.copyHashing(root + "/" + relative, to: temporary, flush: false, mode: 0o600)
                        guard sha256 == o.sha256, Int64(size) == o.size else { return Workspace.changedMeanwhile(relative) }
                    case .bytes(let content):
                        try FileIO.writeNew(temporary, content, mode: 0o600, flush: false)
                    }
                } catch { return error }
                return nil
            }
            if let failed = written.lazy.compactMap({ $0 }).first { throw failed }
            try FileIO.flushFileSystem(tmpDir)
            let checked = Parallel.map(batch.count) { k -> FolioError? in
                let o = batch[k]
                if let why = FileIO.readBack(tmpDir + "/" + o.sha256, size: o.size, .sha256(o.sha256)) {
                    return FolioError(.io, "disk.notKept", ["path": objectPath(o.sha256), "why": why])
                }
                writing.advance(bytes: o.size)
                return nil
            }
            if let failed = checked.lazy.compactMap({ $0 }).first { throw failed }
            var folders = Set<String>()
            for o in batch {
                let target = objectPath(o.sha256)
                let folder = FileIO.parent(of: target)
                if folders.insert(folder).inserted, !FileIO.isDirectory(folder) {
                    guard mkdir(folder, 0o700) == 0 || errno == EEXIST else { throw FileIO.ioError("create the folder", folder) }
                }
                guard rename(tmpDir + "/" + o.sha256, target) == 0 else { throw FileIO.ioError("move into place", target) }
                try CrashPoints.reached("backup object")
            }
            for folder in folders.sorted() { FileIO.fsyncDirectory(folder) }
            FileIO.fsyncDirectory(objectsDir)
            start = end
        }
    }
}
