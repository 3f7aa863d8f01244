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
    private var parts: [Int64] = []

    private mutating func add(_ path: String) {
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
        return stamp
    }

    /// The school's view and its records folder (a new record is a new file there).
    static func school(_ workspace: Workspace) -> WorkspaceStamp {
        var stamp = WorkspaceStamp()
        stamp.add(workspace.schoolViewPath)
        stamp.add(workspace.schoolEventsDir)
        return stamp
    }

    /// One student's manifest, with the school's stamp.
    static func student(_ workspace: Workspace, _ number: String) -> WorkspaceStamp {
        var stamp = school(workspace)
        stamp.add(workspace.manifestPath(number))
        return stamp
    }

    /// Every student's manifest, and which students there are, with the school's stamp: about 2 ms for a
    /// school of 2,000.
    static func everyone(_ workspace: Workspace) -> WorkspaceStamp {
        var stamp = school(workspace)
        stamp.add(workspace.studentsDir)
        for number in workspace.studentNumbers().sorted() {
            stamp.add(workspace.manifestPath(number))
        }
        return stamp
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

    /// The school's state, folded again only when its records or view changed. Called under the lock.
    func school(_ workspace: Workspace) -> SchoolState {
        let stamp = WorkspaceStamp.school(workspace)
        if let (kept, state) = schools.withLock({ $0 }), kept == stamp { return state }
        let state = workspace.school()
        schools.withLock { $0 = (stamp, state) }
        return state
    }

    /// A status made before for the same files, filter and day, if there is one.
    func status(_ stamp: WorkspaceStamp, _ filter: StatusFilter, _ day: CivilDate) -> (SchoolStatus, SchoolState)? {
        statuses.withLock { $0[StatusKey(stamp: stamp, filter: filter, day: day)] }
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
