import Crypto
import FolioCore
import FolioWorkspace
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What the files a page reads look like on disk, cheaply: each file's inode, change time and size. folio
/// replaces a manifest or the school's view by renaming a new file over it, so any change to a student or
/// to the school gives a new inode; a stamp that equals an earlier one means the same files.
struct WorkspaceStamp: Hashable, Sendable {
    /// Cleared by `seal`'s callers before they add parts (an observer on the array would copy it on every append).
    private var parts: [Int64] = []
    /// The parts' SHA-256, made once: a 2,000-student stamp has 8,000 parts, which every lookup would
    /// otherwise hash and compare.
    private var digest: [UInt8]?

    private var key: [UInt8] {
        digest ?? Array(parts.withUnsafeBytes { SHA256.hash(data: $0) })
    }

    /// Fixes the digest once the stamp is complete.
    fileprivate mutating func seal() -> WorkspaceStamp {
        digest = key
        return self
    }

    static func == (a: WorkspaceStamp, b: WorkspaceStamp) -> Bool { a.key == b.key }
    func hash(into hasher: inout Hasher) { hasher.combine(key) }

    private mutating func add(_ path: String) {
        digest = nil
        var st = stat()
        guard stat(path, &st) == 0 else {
            parts.append(-1)
            return
        }
        parts += [Int64(st.st_ino), Int64(st.st_ctim.tv_sec), Int64(st.st_ctim.tv_nsec), Int64(st.st_size)]
    }

    /// One file.
    static func file(_ path: String) -> WorkspaceStamp {
        var stamp = WorkspaceStamp()
        stamp.add(path)
        return stamp.seal()
    }

    /// The school's view and its records folder (a new record is a new file there).
    static func school(_ workspace: Workspace) -> WorkspaceStamp {
        var stamp = WorkspaceStamp()
        stamp.add(workspace.schoolViewPath)
        stamp.add(workspace.schoolEventsDir)
        return stamp.seal()
    }

    /// One student's manifest, with the school's stamp.
    static func student(_ workspace: Workspace, _ number: String) -> WorkspaceStamp {
        var stamp = school(workspace)
        stamp.add(workspace.manifestPath(number))
        return stamp.seal()
    }

    /// Every student's manifest, and which students there are, with the school's stamp: one `readdir` and one
    /// `fstatat` per student, relative to the students folder (milliseconds for a whole school).
    static func everyone(_ workspace: Workspace) -> WorkspaceStamp {
        var stamp = school(workspace)
        stamp.add(workspace.studentsDir)
        let folder = open(workspace.studentsDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0, let listing = fdopendir(dup(folder)) else {
            if folder >= 0 { close(folder) }
            return stamp.seal()
        }
        defer { closedir(listing); close(folder) }
        var names: [String] = []
        while let entry = readdir(listing) {
            // The name is read in place, up to its end: a dirent is only as long as its name, so copying the whole
            // struct (`entry.pointee`) can read past the end of the system's buffer.
            let name = String(cString: (UnsafeRawPointer(entry) + MemoryLayout<dirent>.offset(of: \dirent.d_name)!)
                .assumingMemoryBound(to: CChar.self))
            if !name.hasPrefix(".") { names.append(name) }
        }
        var st = stat()
        stamp.digest = nil
        for name in names.sorted() {
            if fstatat(folder, name + "/manifest.json", &st, 0) == 0 {
                stamp.parts += [Int64(st.st_ino), Int64(st.st_ctim.tv_sec), Int64(st.st_ctim.tv_nsec), Int64(st.st_size)]
            } else {
                stamp.parts.append(-1)
            }
        }
        return stamp.seal()
    }
}

/// What several visitors' pages share while the workspace stays the same: the school's state, and the
/// school's status for a filter. An entry is found only by a stamp taken under the workspace lock when it
/// was made, so a page never shows a state half written.
final class ReadCache: Sendable {
    private struct StatusKey: Hashable {
        let stamp: WorkspaceStamp
        let filter: StatusFilter
        let day: CivilDate
    }
    private let schools = Mutex<(WorkspaceStamp, SchoolState)?>(nil)
    private let statuses = Mutex<[StatusKey: (SchoolStatus, SchoolState)]>([:])
    /// A few filters are kept (the office's usual views); past that the oldest go.
    static let statusEntries = 16
    /// Page bodies made from a kept status (the office's status page: its filter lists and one page of
    /// lines, rendered and escaped by the templates), by everything they were made from.
    private let bodies = Mutex<[StatusPageKey: String]>([:])
    private let recent = Mutex<(taken: ContinuousClock.Instant, stamp: WorkspaceStamp?, taking: Bool)>((.now, nil, false))
    /// Requests this close together share one look at the disk: stamping a whole school takes milliseconds,
    /// which twenty visitors at once would otherwise each pay. A page that starts within this time of a change
    /// may show the state just before it, as if it had been asked for a moment earlier.
    static let stampWindow = Duration.milliseconds(25)

    /// `WorkspaceStamp.everyone`, taken again only when the last one is older than `stampWindow`, and then by
    /// one request while the others use the last one (unless there is none yet).
    func everyone(_ workspace: Workspace) -> WorkspaceStamp {
        let now = ContinuousClock.now
        let last: WorkspaceStamp? = recent.withLock { state in
            if let stamp = state.stamp, now - state.taken < Self.stampWindow || state.taking { return stamp }
            state.taking = true
            return nil
        }
        if let last { return last }
        let stamp = WorkspaceStamp.everyone(workspace)
        recent.withLock { $0 = (ContinuousClock.now, stamp, false) }
        return stamp
    }

    /// The school's state, folded again only when its records or view changed. Called under the lock.
    func school(_ workspace: Workspace) -> SchoolState {
        let stamp = WorkspaceStamp.school(workspace)
        if let (kept, state) = schools.withLock({ $0 }), kept == stamp { return state }
        let state = workspace.school()
        schools.withLock { $0 = (stamp, state) }
        return state
    }

    /// The school's state made under the lock, if the school's files are still those it was made from.
    func keptSchool(_ workspace: Workspace) -> SchoolState? {
        guard let (kept, state) = schools.withLock({ $0 }), kept == WorkspaceStamp.school(workspace) else { return nil }
        return state
    }

    /// A status made before for the same files, filter and day, if there is one.
    func status(_ stamp: WorkspaceStamp, _ filter: StatusFilter, _ day: CivilDate) -> (SchoolStatus, SchoolState)? {
        statuses.withLock { $0[StatusKey(stamp: stamp, filter: filter, day: day)] }
    }

    /// The page body made by `make` for `key` (which names the stamp it comes from), made once.
    func body(_ key: StatusPageKey, _ make: () -> String) -> String {
        if let kept = bodies.withLock({ $0[key] }) { return kept }
        let made = make()
        bodies.withLock { book in
            if book.count >= 64 { book.removeAll() }
            book[key] = made
        }
        return made
    }

    func keep(_ status: SchoolStatus, _ school: SchoolState, _ stamp: WorkspaceStamp, _ filter: StatusFilter, _ day: CivilDate) {
        statuses.withLock { book in
            // Entries of earlier stamps can never be found again: the workspace has moved on.
            book = book.filter { $0.key.stamp == stamp }
            if book.count >= Self.statusEntries { book.removeAll() }
            book[StatusKey(stamp: stamp, filter: filter, day: day)] = (status, school)
        }
    }
}
