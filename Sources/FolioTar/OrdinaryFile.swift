import CArchive
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opening a file folio is about to read: an artifact, a record, a key, a bundle, a sealed tarball.
/// Only an ordinary file is accepted, and that is decided before a byte is read: a named pipe (a FIFO left
/// in a student's folder, say, or given as a bundle) would make the command wait forever for a writer, and
/// a device could be read without end. Every reader in folio opens through here, so they all behave alike.
public enum OrdinaryFile {
    public enum Failure: Error, Sendable {
        /// The system refused to open it (or to say what it is): the `errno`.
        case system(Int32)
        /// It is a folder, a pipe, a device or a socket.
        case notOrdinary
    }

    /// Opens `path` (relative to the open folder `folder` when one is given) for reading, with its `fstat`.
    /// Links are followed unless `followingLinks` is false. The caller closes the descriptor.
    public static func open(_ path: String, in folder: Int32 = AT_FDCWD,
                            followingLinks: Bool = true) throws(Failure) -> (fd: Int32, info: stat) {
        let flags = O_RDONLY | O_CLOEXEC | (followingLinks ? 0 : O_NOFOLLOW)
        // Opening without blocking is what lets a pipe be seen for what it is.
        var fd = retrying { openat(folder, path, flags | O_NONBLOCK) }
        // An ordinary file another program holds a lease on (a file server's oplock) refuses a non-blocking
        // open; a pipe never does. Wait for the lease to be given up, as a blocking open would have.
        if fd < 0 && errno == EWOULDBLOCK { fd = retrying { openat(folder, path, flags) } }
        guard fd >= 0 else { throw .system(errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw .system(code)
        }
        guard UInt32(info.st_mode) & FOLIO_AE_IFMT == FOLIO_AE_IFREG else {
            close(fd)
            throw .notOrdinary
        }
        // Back to blocking reads (O_NONBLOCK is the only status flag set above). Linux ignores the flag for
        // ordinary files, but a file system in user space (ntfs-3g on a school's external disk) is handed it.
        _ = fcntl(fd, F_SETFL, 0)
        return (fd, info)
    }

    private static func retrying(_ call: () -> Int32) -> Int32 {
        while true {
            let fd = call()
            if fd >= 0 || errno != EINTR { return fd }
        }
    }
}
