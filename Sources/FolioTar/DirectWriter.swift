import Foundation

/// Writes an `ArchiveOutput`'s full buffers to a descriptor opened with `O_DIRECT`, on a thread of its own and
/// one buffer at a time, so that the thread filling the next buffer (sealing a bundle's chunks, summing them)
/// does not stand idle while the device takes the last one. A direct write returns only once the device has the
/// bytes: done in line, it held a whole-school export's sealing thread for much of each part (Docs/performance.md).
final class DirectWriter: @unchecked Sendable {
    private let fd: Int32
    private let label: String
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var job: UnsafeRawBufferPointer?
    private var failure: TarError?
    private var stopping = false
    private var started = false

    init(fd: Int32, label: String) {
        self.fd = fd
        self.label = label
    }

    /// Waits for the buffer handed over before, then hands over `buffer`, which the caller leaves alone until
    /// the next `submit` or `wait` returns. Throws what stopped an earlier write.
    func submit(_ buffer: UnsafeRawBufferPointer) throws(TarError) {
        condition.lock()
        defer { condition.unlock() }
        while job != nil { condition.wait() }
        if let failure { throw failure }
        if !started {
            started = true
            Thread.detachNewThread { [self] in run() }
        }
        job = buffer
        condition.broadcast()
    }

    /// Waits until every buffer handed over is written; throws what stopped the writing, if anything did.
    func wait() throws(TarError) {
        condition.lock()
        defer { condition.unlock() }
        while job != nil { condition.wait() }
        if let failure { throw failure }
    }

    /// Lets the thread end once it is idle.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while job == nil && !stopping { condition.wait() }
            guard let buffer = job else {
                condition.unlock()
                return
            }
            condition.unlock()
            var error: TarError?
            do { try Self.write(fd, buffer, label: label) } catch let failure { error = failure }
            condition.lock()
            if failure == nil { failure = error }
            job = nil
            condition.broadcast()
            condition.unlock()
        }
    }

    /// A direct write of whole pages. One refused as invalid (a file system that took the flag but not the
    /// write, or an offset a short write left unaligned) turns `O_DIRECT` off and writes the rest through the
    /// cache, where a real failure (a full disk) is then reported as itself.
    static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, label: String) throws(TarError) {
        var done = 0
        while done < buffer.count {
            let n = Glibc.write(fd, buffer.baseAddress! + done, buffer.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EINVAL { break }
                throw .fileSystem(path: label, operation: "write", errno: errno)
            }
            done += n
        }
        if done < buffer.count {
            let flags = fcntl(fd, F_GETFL)
            if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~POSIXFile.directIO) }
            try POSIXFile.writeAll(fd, UnsafeRawBufferPointer(rebasing: buffer[done...]), label: label)
        }
    }
}
