import CArchive
import Foundation

/// Reads an archive's files one after another as the caller asks for them, rather than handing each to a
/// callback: a sealed bundle's payload is read this way, a piece at a time, while a `TarReader` reads the
/// opened content from it (`TarSource.pull`). The same allow-list as `TarReader`: tar only, no filters,
/// regular files only, every name by `TarPathRules`, every size within `limits`.
public final class TarEntryStream {
    private let archive: OpaquePointer
    private let fd: Int32
    private let limits: TarLimits
    private let label: String
    private var count = 0
    private var total: Int64 = 0
    private var lastPath: String?
    /// The current entry's name and the bytes of it not read yet.
    public private(set) var current: (path: String, size: Int64)?
    private var left: Int64 = 0
    /// Set once the archive's end is read: libarchive is not asked again.
    private var ended = false

    public init(path: String, limits: TarLimits = .default) throws(TarError) {
        try LibarchiveLocale.ensure()
        let opened: Int32
        do throws(OrdinaryFile.Failure) { opened = try OrdinaryFile.open(path).fd } catch {
            switch error {
            case .system(let code): throw .fileSystem(path: path, operation: "open", errno: code)
            case .notOrdinary: throw .notAnOrdinaryFile(path: path)
            }
        }
        guard let archive = archive_read_new() else {
            close(opened)
            throw .libarchive(path: nil, detail: "out of memory")
        }
        guard archive_read_support_format_tar(archive) == ARCHIVE_OK,
              archive_read_open_fd(archive, opened, TarReader.blockSize) == ARCHIVE_OK else {
            let code = archive_errno(archive)
            let detail = TarWriter.lastError(archive)
            archive_read_free(archive)
            close(opened)
            throw code == EILSEQ ? .notATarArchive(detail: detail) : .libarchive(path: nil, detail: detail)
        }
        self.archive = archive
        self.fd = opened
        self.limits = limits
        self.label = path
    }

    deinit {
        archive_read_close(archive)
        archive_read_free(archive)
        close(fd)
    }

    /// Moves to the next entry (skipping what is left of this one) and gives its name and size; nil at the end.
    public func next() throws(TarError) -> (path: String, size: Int64)? {
        if ended { return nil }
        var header: OpaquePointer?
        let status = archive_read_next_header(archive, &header)
        if status == ARCHIVE_EOF {
            current = nil
            ended = true
            return nil
        }
        guard status == ARCHIVE_OK, let header else {
            let detail = TarWriter.lastError(archive)
            if count == 0 && archive_format(archive) == 0 { throw .notATarArchive(detail: detail) }
            if detail.localizedCaseInsensitiveContains("truncated") {
                throw .truncated(path: nil, detail: lastPath.map { "after `\($0)`: " + detail } ?? detail)
            }
            throw .damagedHeader(after: lastPath, detail: detail)
        }
        let shown = String(decoding: ReadSession.pathnameBytes(header), as: UTF8.self)
        if count >= limits.maxEntries { throw .tooManyEntries(path: shown, limit: limits.maxEntries) }
        if let target = archive_entry_hardlink(header) {
            throw .hardLink(path: shown, target: String(decoding: ReadSession.bytes(target), as: UTF8.self))
        }
        guard archive_entry_filetype(header) & FOLIO_AE_IFMT == FOLIO_AE_IFREG, archive_entry_sparse_count(header) == 0 else {
            throw .specialFile(path: shown, kind: .unknown)
        }
        let path = try TarPathRules.validated(bytes: ReadSession.pathnameBytes(header), maxPathBytes: limits.maxPathBytes)
        guard archive_entry_size_is_set(header) != 0, archive_entry_size(header) >= 0 else {
            throw .libarchive(path: path, detail: "the header gives no size")
        }
        let size = archive_entry_size(header)
        if size > limits.maxEntryBytes { throw .entryTooLarge(path: path, size: size, limit: limits.maxEntryBytes) }
        let (sum, overflow) = total.addingReportingOverflow(size)
        if overflow || sum > limits.maxTotalBytes { throw .totalTooLarge(path: path, total: sum, limit: limits.maxTotalBytes) }
        total = sum
        count += 1
        lastPath = path
        current = (path, size)
        left = size
        return current
    }

    /// Up to `max` bytes of the current entry; empty once it is all read. An entry cut short throws.
    public func read(max: Int) throws(TarError) -> [UInt8] {
        guard let current, left > 0 else { return [] }
        let want = Int(min(Int64(max), left))
        var out = [UInt8](repeating: 0, count: want)
        var got = 0
        while got < want {
            let n = out.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress! + got, want - got) }
            if n < 0 {
                let detail = TarWriter.lastError(archive)
                if detail.localizedCaseInsensitiveContains("truncated") { throw .truncated(path: current.path, detail: detail) }
                throw .libarchive(path: current.path, detail: detail)
            }
            if n == 0 { throw .truncated(path: current.path, detail: "the archive ends inside this entry") }
            got += n
        }
        left -= Int64(want)
        return out
    }
}
