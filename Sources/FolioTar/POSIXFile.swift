#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, retrying wrappers over the system calls the tar layer needs. They throw `TarError.fileSystem`
/// with the errno so the clerk-facing message can say what failed.
public enum POSIXFile {
    /// Linux's `O_DIRECT`, which Glibc's Swift module leaves out (it is a `_GNU_SOURCE` name).
    #if arch(arm64)
    public static let directIO: Int32 = 0o200000
    #else
    public static let directIO: Int32 = 0o40000
    #endif

    static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0, label: String, operation: String) throws(TarError) -> Int32 {
        while true {
            let fd = open(path, flags, mode)
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw .fileSystem(path: label, operation: operation, errno: errno)
        }
    }

    static func openFile(at dir: Int32, _ name: String, _ flags: Int32, mode: mode_t = 0, label: String, operation: String) throws(TarError) -> Int32 {
        while true {
            let fd = openat(dir, name, flags, mode)
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw .fileSystem(path: label, operation: operation, errno: errno)
        }
    }

    /// Writes all of `buffer`, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, label: String) throws(TarError) {
        guard var base = buffer.baseAddress else { return }
        var left = buffer.count
        while left > 0 {
            let n = write(fd, base, left)
            if n < 0 {
                if errno == EINTR { continue }
                throw .fileSystem(path: label, operation: "write", errno: errno)
            }
            left -= n
            base += n
        }
    }

    /// Reads up to `buffer.count` bytes; 0 means end of file.
    static func readSome(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, label: String) throws(TarError) -> Int {
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw .fileSystem(path: label, operation: "read", errno: errno)
        }
    }

    static func closeFile(_ fd: Int32, label: String) throws(TarError) {
        // Linux releases the descriptor even when close fails, so never retry: report and move on.
        if close(fd) != 0 && errno != EINTR {
            throw .fileSystem(path: label, operation: "close", errno: errno)
        }
    }
}
