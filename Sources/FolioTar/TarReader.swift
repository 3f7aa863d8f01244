import CArchive
import Crypto
import Foundation

/// Allow-list tar reader for untrusted bundles (principle 5).
///
/// Only libarchive's tar reader is enabled (no other formats, no decompression filters), so anything
/// that is not a plain tar is refused. Only regular files and directories with safe NFC UTF-8 names
/// are accepted, within `limits`; the first problem stops the read with a `TarError`.
///
/// A tar cut exactly at an entry boundary reads as a clean, shorter archive: libarchive cannot tell.
/// Completeness must come from the caller's signed header: pass `expectedEntryCount`, and compare the
/// returned sizes and hashes with the header.
public struct TarReader: Sendable {
    /// Block size for reading the archive and for copying entry data: memory stays flat whatever the
    /// size of an entry or of the archive.
    public static let blockSize = 64 << 10

    public var limits: TarLimits

    public init(limits: TarLimits = .default) {
        self.limits = limits
    }

    /// Reads every entry and hashes its content without writing anything (for verifying a bundle
    /// before importing it). Returns the entries in archive order.
    public func scan(_ source: TarSource, expectedEntryCount: Int? = nil) throws(TarError) -> [TarEntry] {
        try read(source, into: nil, expectedEntryCount: expectedEntryCount)
    }

    /// Reads every entry and hashes its content without writing anything, handing each entry to `each` as it
    /// is read, with its content when `keep` asks for it by path and it holds at most `keptLimit` bytes (a
    /// bag's tag files, say); nil otherwise. Nothing else is held, so checking a sealed bag needs neither a
    /// temporary folder nor memory for its payload.
    public func scan(_ source: TarSource, keepingContentsOf keep: @escaping (String) -> Bool, upTo keptLimit: Int64 = 16 << 20,
                     each: @escaping (TarEntry, [UInt8]?) -> Void) throws(TarError) {
        _ = try read(source, into: nil, expectedEntryCount: nil, scanned: Scanned(keep: keep, limit: keptLimit, each: each))
    }

    /// The archive's first entry, without reading any further: a bundle's header says whom it is for and
    /// what it is, so `folio sync` can pass over a bundle it has no use for without extracting gigabytes.
    /// Its content (and SHA-256) comes with it when `keep` asks for it by path and it holds at most
    /// `keptLimit` bytes; otherwise the content is skipped unread and both are nil (someone's archive that
    /// starts with a 60 MB video costs a seek, not a read). Nil for an archive with no entries.
    public func firstEntry(_ source: TarSource, keepingContentIf keep: @escaping (String) -> Bool = { _ in true },
                           upTo keptLimit: Int64) throws(TarError) -> (TarEntry, [UInt8]?)? {
        var first: (TarEntry, [UInt8]?)?
        _ = try read(source, into: nil, expectedEntryCount: nil,
                     scanned: Scanned(keep: keep, limit: keptLimit, each: { first = ($0, $1) }, stopAfter: 1))
        return first
    }

    /// What `scan(_:keepingContentsOf:upTo:each:)` asks of a read.
    struct Scanned {
        var keep: (String) -> Bool
        var limit: Int64
        var each: (TarEntry, [UInt8]?) -> Void
        /// Stop after this many entries.
        var stopAfter: Int? = nil
    }

    /// Extracts into `stagingPath`, a folder this call creates (it must not exist; its parent must).
    /// Files get mode 0644 and folders 0755 whatever the archive says. On any error the folder is
    /// removed again and nothing else on disk has changed. Returns the entries in archive order.
    public func extract(
        _ source: TarSource, intoNewDirectory stagingPath: String, expectedEntryCount: Int? = nil
    ) throws(TarError) -> [TarEntry] {
        try extract(source, intoNewDirectory: stagingPath, expectedEntryCount: expectedEntryCount, extracted: nil)
    }

    /// The same, handing each entry to `each` once it is complete (a file written and closed in the
    /// folder) instead of returning them all: a caller can check an entry, or start work on it, while the
    /// rest is still being extracted, and a 100,000-entry archive is not held in memory as a list.
    public func extract(_ source: TarSource, intoNewDirectory stagingPath: String,
                        each: @escaping (TarEntry) -> Void) throws(TarError) {
        _ = try extract(source, intoNewDirectory: stagingPath, expectedEntryCount: nil, admit: nil,
                        extracted: { each($0); return true })
    }

    /// The same, with the caller judging as it goes and able to stop the read at once, so that nothing after
    /// an entry it refuses is written. `admit` sees each entry as its tar header announces it (name, kind and
    /// size; no SHA-256 yet), after the reader's own rules and before any of its data is written; `each` sees
    /// it once it is complete. Either returning false stops the read with `TarError.stoppedByCaller` and
    /// removes the folder, as any other error does; the caller knows why it stopped.
    public func extract(_ source: TarSource, intoNewDirectory stagingPath: String,
                        admitting admit: @escaping (TarEntry) -> Bool,
                        each: @escaping (TarEntry) -> Bool) throws(TarError) {
        _ = try extract(source, intoNewDirectory: stagingPath, expectedEntryCount: nil, admit: admit, extracted: each)
    }

    private func extract(
        _ source: TarSource, intoNewDirectory stagingPath: String, expectedEntryCount: Int?,
        admit: ((TarEntry) -> Bool)? = nil, extracted: ((TarEntry) -> Bool)?
    ) throws(TarError) -> [TarEntry] {
        try LibarchiveLocale.ensure()
        let staging = try StagingDirectory.create(at: stagingPath)
        do throws(TarError) {
            let entries = try read(source, into: staging, expectedEntryCount: expectedEntryCount, admit: admit,
                                   extracted: extracted)
            staging.closeRoot()
            return entries
        } catch {
            staging.remove()
            throw error
        }
    }

    // MARK: Reading

    private func read(
        _ source: TarSource, into staging: StagingDirectory?, expectedEntryCount: Int?,
        admit: ((TarEntry) -> Bool)? = nil, extracted: ((TarEntry) -> Bool)? = nil, scanned: Scanned? = nil
    ) throws(TarError) -> [TarEntry] {
        try LibarchiveLocale.ensure()
        guard let archive = archive_read_new() else { throw .libarchive(path: nil, detail: "out of memory") }
        defer { archive_read_free(archive) }
        // The whole allow-list of formats: tar (ustar, pax, GNU). No filters, so gzip/xz/zip are refused.
        guard archive_read_support_format_tar(archive) == ARCHIVE_OK else {
            throw .libarchive(path: nil, detail: TarWriter.lastError(archive))
        }
        var session = ReadSession(archive: archive, limits: limits, staging: staging)
        session.admit = admit
        session.extracted = extracted
        session.scanned = scanned
        let entries: [TarEntry]
        switch source {
        case .file(let path):
            // Opened here rather than by libarchive, so that a named pipe given as a bundle (or left in place
            // of a sealed tarball) is refused instead of waited on.
            let fd: Int32
            do throws(OrdinaryFile.Failure) { fd = try OrdinaryFile.open(path).fd } catch {
                switch error {
                case .system(let code): throw .fileSystem(path: path, operation: "open", errno: code)
                case .notOrdinary: throw .notAnOrdinaryFile(path: path)
                }
            }
            // The archive lets go of the descriptor before it is closed (and its number reused by another thread).
            defer {
                archive_read_close(archive)
                close(fd)
            }
            if archive_read_open_fd(archive, fd, Self.blockSize) != ARCHIVE_OK {
                throw Self.openError(archive, label: path)
            }
            entries = try session.run()
        case .fileDescriptor(let fd):
            if archive_read_open_fd(archive, fd, Self.blockSize) != ARCHIVE_OK {
                throw Self.openError(archive, label: "fd \(fd)")
            }
            entries = try session.run()
        case .memory(let data):
            // libarchive reads the caller's bytes in place; they must stay valid for the whole read.
            var result: Result<[TarEntry], TarError> = .failure(.libarchive(path: nil, detail: "not read"))
            data.withUnsafeBytes { bytes in
                let empty: [UInt8] = [0]
                empty.withUnsafeBytes { placeholder in
                    let base = bytes.baseAddress ?? placeholder.baseAddress
                    if archive_read_open_memory(archive, base, bytes.count) != ARCHIVE_OK {
                        result = .failure(Self.openError(archive, label: "memory"))
                        return
                    }
                    result = Result { () throws(TarError) in try session.run() }
                }
            }
            entries = try result.get()
        case .pull(let pull):
            let client = Unmanaged.passUnretained(pull).toOpaque()
            let opened = archive_read_open(archive, client, nil, { _, client, out -> Int in
                let pull = Unmanaged<TarPull>.fromOpaque(client!).takeUnretainedValue()
                do throws(TarError) {
                    pull.current = try pull.next()
                } catch {
                    pull.failure = error
                    return -1
                }
                pull.current.withUnsafeBytes { out?.pointee = $0.baseAddress }
                return pull.current.count
            }, nil)
            do throws(TarError) {
                if opened != ARCHIVE_OK { throw Self.openError(archive, label: "the bundle's content") }
                entries = try withExtendedLifetime(pull) { () throws(TarError) in try session.run() }
            } catch {
                throw pull.failure ?? error
            }
        }
        if let expectedEntryCount, expectedEntryCount != entries.count {
            throw .entryCountMismatch(expected: expectedEntryCount, found: entries.count)
        }
        return entries
    }

    /// Opening already reads the first block and bids on formats, so a zip, gzip, random or empty
    /// file fails here with libarchive's "file format" errno rather than at the first header.
    private static func openError(_ archive: OpaquePointer, label: String) -> TarError {
        let code = archive_errno(archive)
        if code == EILSEQ {  // ARCHIVE_ERRNO_FILE_FORMAT on Linux
            return .notATarArchive(detail: TarWriter.lastError(archive))
        }
        if code > 0 && archive_error_string(archive).map({ String(cString: $0) }) == String(cString: strerror(code)) {
            return .fileSystem(path: label, operation: "open", errno: code)
        }
        return .libarchive(path: nil, detail: TarWriter.lastError(archive))
    }
}

/// The state of one pass over an archive: names seen, running totals, the copy buffer.
struct ReadSession {
    let archive: OpaquePointer
    let limits: TarLimits
    let staging: StagingDirectory?
    var names = NameTable()
    var totalBytes: Int64 = 0
    var entries: [TarEntry] = []
    /// Entries read so far and the last one's path (`entries` stays empty when they go to `extracted`).
    var count = 0
    var lastPath: String?
    /// The caller's judgement of an entry before its data is written, and once it is complete: false stops.
    var admit: ((TarEntry) -> Bool)?
    var extracted: ((TarEntry) -> Bool)?
    var scanned: TarReader.Scanned?

    // File-type bits as libarchive reports them (POSIX values; the C macros don't import into Swift).
    static let typeMask: UInt32 = FOLIO_AE_IFMT
    static let regular: UInt32 = FOLIO_AE_IFREG
    static let directory: UInt32 = FOLIO_AE_IFDIR
    static let symlink: UInt32 = FOLIO_AE_IFLNK
    static let characterDevice: UInt32 = 0o020000
    static let blockDevice: UInt32 = 0o060000
    static let fifo: UInt32 = 0o010000
    static let socket: UInt32 = 0o140000

    init(archive: OpaquePointer, limits: TarLimits, staging: StagingDirectory?) {
        self.archive = archive
        self.limits = limits
        self.staging = staging
    }

    mutating func run() throws(TarError) -> [TarEntry] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: TarReader.blockSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            var header: OpaquePointer?
            let status = archive_read_next_header(archive, &header)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let header else {
                throw headerError(status)
            }
            try accept(header, status: status, buffer: buffer)
            if let stop = scanned?.stopAfter, count >= stop { break }
        }
        return entries
    }

    /// Turns a failed `archive_read_next_header` into the error a clerk should see.
    private func headerError(_ status: Int32) -> TarError {
        let detail = TarWriter.lastError(archive)
        let after = lastPath
        // Before the first header libarchive has not recognised a format: zip, gzip, random or empty.
        if count == 0 && archive_format(archive) == 0 {
            return .notATarArchive(detail: detail)
        }
        if detail.localizedCaseInsensitiveContains("truncated") {
            return .truncated(path: nil, detail: after.map { "after `\($0)`: " + detail } ?? detail)
        }
        if status == ARCHIVE_RETRY || detail.localizedCaseInsensitiveContains("damaged") {
            return .damagedHeader(after: after, detail: detail)
        }
        return .libarchive(path: after, detail: detail)
    }

    private mutating func accept(
        _ header: OpaquePointer, status: Int32, buffer: UnsafeMutableRawBufferPointer
    ) throws(TarError) {
        var nameBytes = Self.pathnameBytes(header)
        let shown = String(decoding: nameBytes, as: UTF8.self)

        if count >= limits.maxEntries {
            throw .tooManyEntries(path: shown, limit: limits.maxEntries)
        }

        // Kind first: links and devices are the dangerous ones, whatever their names.
        if let target = archive_entry_hardlink(header) {
            throw .hardLink(path: shown, target: String(decoding: Self.bytes(target), as: UTF8.self))
        }
        let kind: TarEntry.Kind
        switch archive_entry_filetype(header) & Self.typeMask {
        case Self.regular: kind = .file
        case Self.directory: kind = .directory
        case Self.symlink:
            let target = archive_entry_symlink(header).map { String(cString: $0) } ?? ""
            throw .symbolicLink(path: shown, target: target)
        case Self.characterDevice: throw .specialFile(path: shown, kind: .characterDevice)
        case Self.blockDevice: throw .specialFile(path: shown, kind: .blockDevice)
        case Self.fifo: throw .specialFile(path: shown, kind: .fifo)
        case Self.socket: throw .specialFile(path: shown, kind: .socket)
        default: throw .specialFile(path: shown, kind: .unknown)
        }
        if kind == .file && archive_entry_sparse_count(header) > 0 {
            throw .specialFile(path: shown, kind: .sparseFile)
        }

        // tar stores directories with one trailing slash; anything more is an empty component.
        if kind == .directory && nameBytes.count > 1 && nameBytes.last == UInt8(ascii: "/") {
            nameBytes.removeLast()
        }
        let path = try TarPathRules.validated(bytes: nameBytes, maxPathBytes: limits.maxPathBytes)
        if status == ARCHIVE_WARN {
            // e.g. a pax record that could not be applied: the header says something we did not read.
            throw .libarchive(path: path, detail: TarWriter.lastError(archive))
        }
        try names.insert(path, kind: kind)

        switch kind {
        case .directory:
            if let admit, !admit(TarEntry(path: path, kind: .directory, size: 0, sha256: nil)) { throw .stoppedByCaller(path: path) }
            try staging?.makeDirectory(path)
            try record(TarEntry(path: path, kind: .directory, size: 0, sha256: nil), content: nil)
        case .file:
            guard archive_entry_size_is_set(header) != 0 else {
                throw .libarchive(path: path, detail: "the header gives no size")
            }
            let size = archive_entry_size(header)
            guard size >= 0 else { throw .libarchive(path: path, detail: "the header gives a negative size") }
            if size > limits.maxEntryBytes {
                throw .entryTooLarge(path: path, size: size, limit: limits.maxEntryBytes)
            }
            let (total, overflow) = totalBytes.addingReportingOverflow(size)
            if overflow || total > limits.maxTotalBytes {
                throw .totalTooLarge(path: path, total: total, limit: limits.maxTotalBytes)
            }
            totalBytes = total
            if let admit, !admit(TarEntry(path: path, kind: .file, size: size, sha256: nil)) { throw .stoppedByCaller(path: path) }
            var content: [UInt8]? = scanned.map { size <= $0.limit && $0.keep(path) } == true ? [] : nil
            if content == nil, scanned?.stopAfter != nil {
                // Only the first entries were asked for, and not these bytes: skip them unread, unhashed.
                guard archive_read_data_skip(archive) == ARCHIVE_OK else {
                    throw .libarchive(path: path, detail: TarWriter.lastError(archive))
                }
                try record(TarEntry(path: path, kind: .file, size: size, sha256: nil), content: nil)
                return
            }
            let digest = try copyData(path: path, size: size, buffer: buffer, content: &content)
            try record(TarEntry(path: path, kind: .file, size: size, sha256: digest), content: content)
        }
    }

    /// Kept in the list, or handed to the caller's `extracted` or `scanned` instead.
    private mutating func record(_ entry: TarEntry, content: [UInt8]?) throws(TarError) {
        count += 1
        lastPath = entry.path
        if let scanned {
            scanned.each(entry, content)
        } else if let extracted {
            guard extracted(entry) else { throw .stoppedByCaller(path: entry.path) }
        } else {
            entries.append(entry)
        }
    }

    /// Streams one entry's data through the fixed buffer, hashing it and (when extracting) writing it, and
    /// appending it to `content` when that is not nil.
    private func copyData(path: String, size: Int64, buffer: UnsafeMutableRawBufferPointer,
                          content: inout [UInt8]?) throws(TarError) -> String {
        let fd = try staging?.createFile(path)
        var closed = false
        defer { if let fd, !closed { close(fd) } }
        var hasher = SHA256()
        var copied: Int64 = 0
        while true {
            let count = archive_read_data(archive, buffer.baseAddress, buffer.count)
            if count == 0 { break }
            if count < 0 {
                let detail = TarWriter.lastError(archive)
                if detail.localizedCaseInsensitiveContains("truncated") {
                    throw .truncated(path: path, detail: detail)
                }
                throw .libarchive(path: path, detail: detail)
            }
            copied += Int64(count)
            // libarchive never returns more than the header's size for a plain file; check anyway,
            // since the caps were judged on that size.
            guard copied <= size else { throw .libarchive(path: path, detail: "more data than the header says") }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            hasher.update(bufferPointer: chunk)
            if let fd { try POSIXFile.writeAll(fd, chunk, label: path) }
            content?.append(contentsOf: chunk)
        }
        guard copied == size else {
            throw .truncated(path: path, detail: "\(copied) of \(size) bytes present")
        }
        if let fd {
            closed = true
            try POSIXFile.closeFile(fd, label: path)
        }
        return hasher.finalize().lowercaseHex
    }

    /// The name exactly as stored (after pax/GNU long-name records). With the C.UTF-8 locale this is the
    /// UTF-8 text for valid names and the raw bytes for invalid ones, which the name rules then refuse.
    static func pathnameBytes(_ header: OpaquePointer) -> [UInt8] {
        if let raw = archive_entry_pathname(header) { return bytes(raw) }
        if let utf8 = archive_entry_pathname_utf8(header) { return bytes(utf8) }
        return []
    }

    static func bytes(_ cString: UnsafePointer<CChar>) -> [UInt8] {
        let count = strlen(cString)
        return cString.withMemoryRebound(to: UInt8.self, capacity: count) { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }
}
