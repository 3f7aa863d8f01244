import FolioCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on `.folio/lock` held for the whole of a writing command. `flock` is released by the
/// kernel when the process dies, so a killed folio never leaves a stale lock behind.
final class WorkspaceLock {
    private let fd: Int32

    init(path: String) throws(FolioError) {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileIO.ioError("open the lock file", path) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw FolioError(.workspaceBusy, "Another folio command is working on this workspace right now.",
                             hint: "Wait for it to finish, then try again.")
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
