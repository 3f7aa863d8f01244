import CArchive
import Crypto
import Foundation

/// Where a `TarWriter`'s bytes go. All outputs go through libarchive's write callback (rather than
/// `archive_write_open_fd`) so that after a failure the output can be *poisoned*: libarchive's
/// `archive_write_free` would otherwise pad the half-written entry with zeros and add an end-of-archive
/// marker, turning a failed export into a valid-looking tar with a corrupt file in it.
final class ArchiveOutput {
    enum Target {
        case descriptor(Int32, label: String)
        case callback((UnsafeRawBufferPointer) throws -> Void)
    }

    let target: Target
    /// The first error the output hit, kept so the writer can report it instead of libarchive's
    /// generic "write failed".
    var error: TarError?
    var poisoned = false
    /// SHA-256 of every byte written, when asked for: sealing records the archive's hash without
    /// reading the archive back.
    var hasher: SHA256?
    /// CRC-32 of every byte written, when asked for: what a bundle is compared by when read back.
    var summer: CRC32?
    /// libarchive hands over 10,240-byte blocks; a descriptor gets them gathered into 1 MiB writes (4 MiB
    /// written directly), which cuts the system calls for a multi-gigabyte bundle a hundredfold. The bytes are
    /// the same. Page-aligned, as `O_DIRECT` needs.
    private var pending: UnsafeMutableRawBufferPointer?
    private var filled = 0
    private static let gather = 1 << 20
    private static let directGather = 4 << 20
    /// Whether the descriptor is being written with `O_DIRECT`, straight to the device, and its flags before.
    /// A bundle or sealed archive is flushed and read back from the disk once written, so keeping its bytes
    /// in the page cache only costs: copying 4 GB into the cache was a quarter of a whole-school export's
    /// processor time, and the flush then waited for the kernel to write it all out. Written directly, the
    /// device takes the bytes as they come, several times faster here (Docs/performance.md).
    /// Every direct write is a whole number of pages from the aligned buffer; the short end of the archive
    /// is written through the cache after direct writing is turned off, and the caller's flush covers it.
    /// A file system that refuses `O_DIRECT`, when asked or at a write, is written through the cache.
    private var direct = false
    private var flagsBefore: Int32 = 0
    /// Direct writing: the buffer being written while `pending` fills, and the thread writing it.
    private var spare: UnsafeMutableRawBufferPointer?
    private var writer: DirectWriter?
    private static let page = 4096
    /// Bytes handed to a descriptor so far, and how far their writing out to disk has been started. A
    /// bundle or sealed archive is flushed (fsync or syncfs) once it is complete; left alone, the kernel
    /// would write most of it only then, and the flush would wait for all of it. Started every 8 MiB, the
    /// disk writes while the archive is being produced. (Offsets count from where the descriptor stood when
    /// handed over, which is 0 for every file folio creates; elsewhere the ranges are merely off, and the
    /// last call, to the end of the file, still covers everything.)
    private var written: Int64 = 0
    private var writebackStarted: Int64 = 0
    /// Bytes written out, plus any still gathered: what the archive holds so far.
    var bytesWritten: Int64 { written + Int64(filled) }
    private static let writebackStep: Int64 = 8 << 20

    /// `direct`: write the descriptor with `O_DIRECT` where its file system allows it.
    init(_ target: Target, hashing: Bool = false, summing: Bool = false, direct wanted: Bool = false) {
        self.target = target
        if hashing { hasher = SHA256() }
        if summing { summer = CRC32() }
        if case .descriptor(let fd, let label) = target {
            if wanted { direct = startDirect(fd) }
            pending = BufferPool.take(direct ? Self.directGather : Self.gather)
            if direct {
                spare = BufferPool.take(Self.directGather)
                writer = DirectWriter(fd: fd, label: label)
            }
        }
    }

    /// Turns `O_DIRECT` on, when the descriptor stands on a page boundary (every file folio creates is at 0).
    private func startDirect(_ fd: Int32) -> Bool {
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, lseek(fd, 0, SEEK_CUR) % off_t(Self.page) == 0 else { return false }
        flagsBefore = flags
        return fcntl(fd, F_SETFL, flags | POSIXFile.directIO) == 0
    }

    /// Back to writing through the page cache.
    private func endDirect(_ fd: Int32) {
        guard direct else { return }
        direct = false
        _ = fcntl(fd, F_SETFL, flagsBefore)
    }

    deinit {
        // The writer may still hold `spare` (a write that failed midway): wait for it before letting go.
        try? writer?.wait()
        writer?.stop()
        pending.map(BufferPool.give)
        spare.map(BufferPool.give)
    }

    func write(_ buffer: UnsafeRawBufferPointer) -> Bool {
        if poisoned { return false }
        hasher?.update(bufferPointer: buffer)
        summer?.update(buffer)
        do {
            switch target {
            case .descriptor(let fd, let label):
                guard var pending else { try POSIXFile.writeAll(fd, buffer, label: label); return true }
                if direct {
                    // Everything goes through the aligned buffer, handed to the writer whenever it is full.
                    var rest = buffer
                    while !rest.isEmpty {
                        if filled == pending.count {
                            try handOver()
                            pending = self.pending!
                        }
                        let n = min(pending.count - filled, rest.count)
                        UnsafeMutableRawBufferPointer(rebasing: pending[filled..<(filled + n)])
                            .copyMemory(from: UnsafeRawBufferPointer(rebasing: rest.prefix(n)))
                        filled += n
                        rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(n))
                    }
                    return true
                }
                if filled + buffer.count > pending.count {
                    try flush()
                }
                if buffer.count >= pending.count {
                    try POSIXFile.writeAll(fd, buffer, label: label)
                    wrote(buffer.count, to: fd)
                } else {
                    UnsafeMutableRawBufferPointer(rebasing: pending[filled..<(filled + buffer.count)]).copyMemory(from: buffer)
                    filled += buffer.count
                }
            case .callback(let body):
                try body(buffer)
            }
            return true
        } catch let failure as TarError {
            error = failure
        } catch {
            self.error = .libarchive(path: nil, detail: "the output refused data: \(error)")
        }
        poisoned = true
        return false
    }

    /// Writes out what is gathered; called when the buffer is full and when libarchive closes the archive.
    private func flush() throws(TarError) {
        guard let pending, filled > 0, case .descriptor(let fd, let label) = target else { return }
        let n = filled
        filled = 0
        if direct {
            // What the writer holds first; then whole pages directly, and a short end (only ever the
            // archive's last bytes) through the cache.
            try writer?.wait()
            let whole = n / Self.page * Self.page
            if whole > 0 { try DirectWriter.write(fd, UnsafeRawBufferPointer(rebasing: pending[0..<whole]), label: label) }
            if whole < n {
                endDirect(fd)
                try POSIXFile.writeAll(fd, UnsafeRawBufferPointer(rebasing: pending[whole..<n]), label: label)
            }
            written += Int64(n)
            return
        }
        try POSIXFile.writeAll(fd, UnsafeRawBufferPointer(rebasing: pending[0..<n]), label: label)
        wrote(n, to: fd)
    }

    /// Hands the full buffer to the direct writer and goes on filling the other one.
    private func handOver() throws(TarError) {
        guard let full = pending, let writer, filled == full.count else { return try flush() }
        try writer.submit(UnsafeRawBufferPointer(full))
        written += Int64(full.count)
        filled = 0
        (pending, spare) = (spare, full)
    }

    private func wrote(_ count: Int, to fd: Int32) {
        written += Int64(count)
        if written - writebackStarted >= Self.writebackStep {
            startWriteback(of: fd, from: writebackStarted, count: written - writebackStarted)
            writebackStarted = written
        }
    }

    func close() -> Bool {
        if poisoned { return false }
        do {
            try writer?.wait()
            try flush()
            if case .descriptor(let fd, _) = target { endDirect(fd) }
            if case .descriptor(let fd, _) = target, written > writebackStarted {
                startWriteback(of: fd, from: writebackStarted, count: 0)
                writebackStarted = written
            }
            return true
        } catch {
            self.error = error
            poisoned = true
            return false
        }
    }

    /// Connects this output to a libarchive writer. The archive keeps an unretained pointer: the
    /// `TarWriter` owns both and frees the archive before releasing the output.
    func open(_ archive: OpaquePointer) -> Int32 {
        let client = Unmanaged.passUnretained(self).toOpaque()
        return archive_write_open2(
            archive, client, nil,
            { _, client, buffer, length in
                guard let client else { return -1 }
                let output = Unmanaged<ArchiveOutput>.fromOpaque(client).takeUnretainedValue()
                let ok = output.write(UnsafeRawBufferPointer(start: buffer, count: length))
                return ok ? la_ssize_t(length) : -1
            },
            { _, client in
                guard let client else { return ARCHIVE_FATAL }
                return Unmanaged<ArchiveOutput>.fromOpaque(client).takeUnretainedValue().close() ? ARCHIVE_OK : ARCHIVE_FATAL
            }, nil)
    }
}
