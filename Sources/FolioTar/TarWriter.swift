import CArchive
import Crypto
import Foundation

/// Streaming, deterministic tar writer (principle 6).
///
/// Every archive it writes is restricted pax, uncompressed, with entries in byte order of their full
/// UTF-8 path, mtime 0, uid/gid 0, empty owner names, mode 0644 for files and 0755 for directories. So
/// the same entries always give the same bytes. Entries are appended in order; the writer checks the
/// order (and refuses any name `TarReader` would refuse) and throws rather than write something folio
/// could not read back. `appendAll(_:)` sorts for callers that have everything at hand.
///
/// After any error thrown once an entry's header has been written, the output is incomplete and the
/// writer refuses further use; a writer created with `init(creatingFileAt:)` then deletes its file.
public final class TarWriter {
    /// Copy buffer for files streamed from disk: big enough for fast copies, small enough that memory
    /// stays flat however large the file is (principle 7).
    public static let copyBufferSize = 1 << 20

    private enum State { case open, finished, failed }

    private var archive: OpaquePointer?
    private let output: ArchiveOutput
    /// Descriptor this writer opened itself (and must close), and the file to delete if unfinished.
    private let ownedFile: (fd: Int32, path: String)?
    private var state = State.open
    private var previous: (key: [UInt8], path: String)?
    /// Paths of files written so far, so "a" (a file) followed by "a/b" is refused as the reader would.
    private var filePaths = Set<String>()
    private var copyBuffer: UnsafeMutableRawBufferPointer?
    private var flushesOnFinish = true

    /// Writes a new archive file at `path`. Refuses to replace an existing file or follow a symlink:
    /// callers write to a fresh name and rename it into place.
    /// With `hashingOutput`, `outputSHA256` gives the SHA-256 of the whole archive once it is finished; with
    /// `summingOutput`, `outputCRC32` its CRC-32.
    /// `finish()` flushes the file to disk (fsync) unless `flushing` is false: a caller that renames many
    /// archives into place in one transaction flushes the file system once instead.
    /// `direct`: written with `O_DIRECT`, past the page cache, where the file system allows it (`ArchiveOutput`):
    /// for an archive that is read back from the disk, not kept in memory.
    public convenience init(creatingFileAt path: String, hashingOutput: Bool = false, summingOutput: Bool = false,
                            flushing: Bool = true, direct: Bool = false) throws(TarError) {
        try LibarchiveLocale.ensure()
        let fd = try POSIXFile.openFile(
            path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: 0o644,
            label: path, operation: "create")
        do {
            try self.init(output: ArchiveOutput(.descriptor(fd, label: path), hashing: hashingOutput, summing: summingOutput,
                                                direct: direct),
                          ownedFile: (fd, path))
            flushesOnFinish = flushing
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
    }

    /// Writes to a descriptor the caller opened and will close. `name`: what errors call it (the file's path).
    /// With `hashingOutput`, `outputSHA256` gives the SHA-256 of the whole archive once it is finished; with
    /// `summingOutput`, `outputCRC32` its CRC-32. `direct`: as for a file the writer creates.
    public convenience init(fileDescriptor: Int32, name: String? = nil, hashingOutput: Bool = false, summingOutput: Bool = false,
                            direct: Bool = false) throws(TarError) {
        try self.init(output: ArchiveOutput(.descriptor(fileDescriptor, label: name ?? "fd \(fileDescriptor)"),
                                            hashing: hashingOutput, summing: summingOutput, direct: direct),
                      ownedFile: nil)
    }

    /// Hands the archive's bytes to `output` in 10,240-byte blocks. An error thrown by `output` stops
    /// the writer and is reported by the call that was writing.
    public convenience init(output: @escaping (UnsafeRawBufferPointer) throws -> Void) throws(TarError) {
        try self.init(output: ArchiveOutput(.callback(output)), ownedFile: nil)
    }

    private init(output: ArchiveOutput, ownedFile: (fd: Int32, path: String)?) throws(TarError) {
        try LibarchiveLocale.ensure()
        self.output = output
        self.ownedFile = ownedFile
        guard let archive = archive_write_new() else {
            throw .libarchive(path: nil, detail: "out of memory")
        }
        self.archive = archive
        // Restricted pax: ustar headers, plus a pax record only when a name needs it (non-ASCII or
        // long). Full pax would add atime/ctime records and make the output irreproducible.
        guard archive_write_set_format_pax_restricted(archive) == ARCHIVE_OK,
            archive_write_add_filter_none(archive) == ARCHIVE_OK,
            output.open(archive) == ARCHIVE_OK
        else {
            let detail = Self.lastError(archive)
            archive_write_free(archive)
            self.archive = nil
            throw .libarchive(path: nil, detail: detail)
        }
    }

    deinit {
        if state != .finished {
            // Never let libarchive "finish" a broken archive on its way out (see ArchiveOutput).
            output.poisoned = true
        }
        if let archive { archive_write_free(archive) }
        if let ownedFile {
            close(ownedFile.fd)
            if state != .finished { unlink(ownedFile.path) }
        }
        copyBuffer.map(BufferPool.give)
    }

    // MARK: Appending

    /// Adds a directory entry. Directory entries are optional: readers create parents themselves.
    @discardableResult
    public func appendDirectory(_ path: String) throws(TarError) -> TarEntry {
        try checkUsable()
        try checkNext(path, kind: .directory)
        try writeHeader(path, kind: .directory, size: 0)
        try guarded(path) { () throws(TarError) in try self.finishEntry(path) }
        accept(path, kind: .directory)
        return TarEntry(path: path, kind: .directory, size: 0, sha256: nil)
    }

    /// Adds a file whose bytes are in memory (`Data`, `[UInt8]`, …). Without `hashing` the entry comes back with
    /// no SHA-256: a sealed bundle's pieces are authenticated by their cipher, and hashing them too was a whole
    /// extra pass over an export.
    @discardableResult
    public func appendFile(_ path: String, bytes: some ContiguousBytes, hashing: Bool = true) throws(TarError) -> TarEntry {
        try checkUsable()
        try checkNext(path, kind: .file)
        var failure: TarError?
        var entry: TarEntry?
        bytes.withUnsafeBytes { buffer in
            do throws(TarError) {
                try self.writeHeader(path, kind: .file, size: Int64(buffer.count))
                try self.guarded(path) { () throws(TarError) in
                    try self.writeData(buffer, path: path)
                    try self.finishEntry(path)
                }
                entry = TarEntry(
                    path: path, kind: .file, size: Int64(buffer.count),
                    sha256: hashing ? SHA256.hash(data: buffer).lowercaseHex : nil)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        guard let entry else { throw .writerUnusable }
        accept(path, kind: .file)
        return entry
    }

    /// Streams a file from disk into the archive in fixed 1 MiB blocks, hashing while copying. The
    /// source is opened without following symlinks, and only if it is an ordinary file (`OrdinaryFile`); if
    /// it changes size during the copy the writer
    /// throws `sourceChanged` (the archive would otherwise disagree with the returned hash). Without `hashing`
    /// the entry comes back with no SHA-256: for a file the caller already knows to hold its recorded bytes.
    @discardableResult
    public func appendFile(_ path: String, contentsOf sourcePath: String, hashing: Bool = true) throws(TarError) -> TarEntry {
        try checkUsable()
        try checkNext(path, kind: .file)
        let (fd, info): (Int32, stat)
        do throws(OrdinaryFile.Failure) { (fd, info) = try OrdinaryFile.open(sourcePath, followingLinks: false) } catch {
            switch error {
            case .system(let code): throw .fileSystem(path: sourcePath, operation: "open", errno: code)
            case .notOrdinary: throw .sourceNotRegularFile(path: sourcePath)
            }
        }
        defer { close(fd) }
        let size = Int64(info.st_size)
        let buffer = sharedCopyBuffer()
        try writeHeader(path, kind: .file, size: size)
        var hasher = SHA256()
        try guarded(path) { () throws(TarError) in
            var copied: Int64 = 0
            while true {
                let count = try POSIXFile.readSome(fd, into: buffer, label: sourcePath)
                if count == 0 { break }
                guard copied + Int64(count) <= size else { throw .sourceChanged(path: sourcePath) }
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                if hashing { hasher.update(bufferPointer: chunk) }
                try self.writeData(chunk, path: path)
                copied += Int64(count)
            }
            guard copied == size else { throw .sourceChanged(path: sourcePath) }
            try self.finishEntry(path)
        }
        accept(path, kind: .file)
        return TarEntry(path: path, kind: .file, size: size, sha256: hashing ? hasher.finalize().lowercaseHex : nil)
    }

    /// Lower-case hex SHA-256 of every byte of the archive, for a writer made with `hashingOutput` that
    /// has finished; nil otherwise.
    /// Every byte handed to the output so far (all of the archive, once `finish` has returned).
    public var bytesWritten: Int64 { output.bytesWritten }

    public var outputSHA256: String? {
        guard state == .finished, let hasher = output.hasher else { return nil }
        return hasher.finalize().lowercaseHex
    }

    /// CRC-32 of every byte of the archive, for a writer made with `summingOutput` that has finished; nil otherwise.
    public var outputCRC32: UInt32? {
        guard state == .finished else { return nil }
        return output.summer?.value
    }

    /// Writes the end-of-archive marker and flushes. Without it the archive is incomplete.
    public func finish() throws(TarError) {
        try checkUsable()
        guard let archive else { throw .writerUnusable }
        // libarchive 3.6 passes on the write of its last block, made in the close callback, without saying
        // it failed: on a full stick the archive "closed" with its end missing. So the output's own error is
        // checked as well as libarchive's answer.
        if archive_write_close(archive) != ARCHIVE_OK || output.poisoned || output.error != nil {
            state = .failed
            output.poisoned = true
            throw output.error ?? .libarchive(path: nil, detail: Self.lastError(archive))
        }
        if let ownedFile, flushesOnFinish, fsync(ownedFile.fd) != 0 {
            state = .failed
            throw .fileSystem(path: ownedFile.path, operation: "save", errno: errno)
        }
        state = .finished
    }

    // MARK: Internals

    private func checkUsable() throws(TarError) {
        guard state == .open, archive != nil else { throw .writerUnusable }
    }

    /// Name and order checks; nothing has been written yet, so a failure leaves the writer usable.
    private func checkNext(_ path: String, kind: TarEntry.Kind) throws(TarError) {
        try TarPathRules.validate(path, maxPathBytes: TarLimits.default.maxPathBytes)
        let key = ByteOrder.key(path)
        if let previous {
            if key == previous.key { throw .duplicateName(path: path) }
            if !ByteOrder.less(previous.key, key) { throw .outOfOrder(path: path, previous: previous.path) }
        }
        for ancestor in TarPathRules.ancestors(of: path) where filePaths.contains(ancestor) {
            throw .duplicateName(path: ancestor)
        }
    }

    private func accept(_ path: String, kind: TarEntry.Kind) {
        previous = (ByteOrder.key(path), path)
        if kind == .file { filePaths.insert(path) }
    }

    private func writeHeader(_ path: String, kind: TarEntry.Kind, size: Int64) throws(TarError) {
        guard let archive, let entry = archive_entry_new() else { throw .writerUnusable }
        defer { archive_entry_free(entry) }
        // The _utf8 setter stores the name as UTF-8 whatever the locale; with C.UTF-8 set, libarchive
        // writes a plain `path=` pax record for non-ASCII names (no hdrcharset=BINARY).
        archive_entry_set_pathname_utf8(entry, path)
        archive_entry_set_filetype(entry, kind == .file ? FOLIO_AE_IFREG : FOLIO_AE_IFDIR)
        archive_entry_set_perm(entry, kind == .file ? 0o644 : 0o755)
        archive_entry_set_size(entry, size)
        archive_entry_set_mtime(entry, 0, 0)
        archive_entry_set_uid(entry, 0)
        archive_entry_set_gid(entry, 0)
        // uname/gname stay unset, so they are written empty.
        if archive_write_header(archive, entry) != ARCHIVE_OK {
            throw fail(path)
        }
    }

    private func writeData(_ buffer: UnsafeRawBufferPointer, path: String) throws(TarError) {
        guard let archive, let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let written = archive_write_data(archive, base + offset, buffer.count - offset)
            if written <= 0 { throw fail(path) }
            offset += written
        }
    }

    private func finishEntry(_ path: String) throws(TarError) {
        guard let archive else { throw .writerUnusable }
        if archive_write_finish_entry(archive) != ARCHIVE_OK { throw fail(path) }
    }

    /// Runs a step after a header went out: any error leaves a half-written entry, so the writer is
    /// poisoned and unusable from then on.
    private func guarded(_ path: String, _ body: () throws(TarError) -> Void) throws(TarError) {
        do throws(TarError) {
            try body()
        } catch {
            state = .failed
            output.poisoned = true
            throw error
        }
    }

    /// Records a libarchive failure: the output is poisoned and the best description returned.
    private func fail(_ path: String) -> TarError {
        state = .failed
        output.poisoned = true
        if let error = output.error { return error }
        return .libarchive(path: path, detail: archive.map(Self.lastError) ?? "writer closed")
    }

    private func sharedCopyBuffer() -> UnsafeMutableRawBufferPointer {
        if let copyBuffer { return copyBuffer }
        let buffer = BufferPool.take(Self.copyBufferSize)
        copyBuffer = buffer
        return buffer
    }

    static func lastError(_ archive: OpaquePointer) -> String {
        if let message = archive_error_string(archive) { return String(cString: message) }
        return "libarchive error \(archive_errno(archive))"
    }
}
