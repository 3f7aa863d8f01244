import CArchive
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads named entries of a zip file (an Excel workbook is one) into memory, through libarchive's zip reader
/// and nothing else: no other format, no filter. Every entry read is held to `limit` bytes as it is
/// decompressed, whatever its header claims, so a small file that inflates to gigabytes (a zip bomb) is
/// refused after `limit` bytes of work rather than filling the memory.
public enum ZipEntries {
    public enum Failure: Error, Equatable, Sendable {
        /// The system refused to open the file: the `errno`.
        case system(Int32)
        /// A folder, a pipe or a device.
        case notOrdinary
        /// Not a zip at all, or one libarchive cannot read (its own words).
        case notZip(detail: String)
        /// A zip whose directory or data is damaged: cut short, a bad checksum, a method it cannot inflate.
        case damaged(detail: String)
        /// An entry grows beyond `limit` bytes.
        case entryTooLarge(name: String, limit: Int64)
        /// More than `maxEntries` entries.
        case tooManyEntries(limit: Int)
    }

    /// The most entries a file may hold before it is refused unread (an Excel workbook has a few dozen).
    public static let maxEntries = 10_000

    /// The contents of every entry of the zip at `path` whose name `wanted` accepts, by name; names the zip
    /// holds but `wanted` refuses are skipped unread. An entry is read whole, up to `limit` bytes.
    public static func read(_ path: String, wanted: (String) -> Bool, limit: Int64) throws(Failure) -> [String: [UInt8]] {
        _ = LibarchiveLocale.isReady
        let fd: Int32
        do throws(OrdinaryFile.Failure) { fd = try OrdinaryFile.open(path).fd } catch {
            switch error {
            case .system(let code): throw .system(code)
            case .notOrdinary: throw .notOrdinary
            }
        }
        defer { close(fd) }
        guard let archive = archive_read_new() else { throw .damaged(detail: "out of memory") }
        defer {
            archive_read_close(archive)
            archive_read_free(archive)
        }
        // The seekable zip reader trusts the central directory at the end of the file, as Excel does, rather
        // than the local headers met on the way.
        guard archive_read_support_format_zip_seekable(archive) == ARCHIVE_OK else {
            throw .damaged(detail: TarWriter.lastError(archive))
        }
        guard archive_read_open_fd(archive, fd, TarReader.blockSize) == ARCHIVE_OK else {
            throw .notZip(detail: TarWriter.lastError(archive))
        }
        var out: [String: [UInt8]] = [:]
        var count = 0
        var entry: OpaquePointer?
        var block = [UInt8](repeating: 0, count: TarReader.blockSize)
        while true {
            let status = archive_read_next_header(archive, &entry)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
                throw count == 0 ? .notZip(detail: TarWriter.lastError(archive)) : .damaged(detail: TarWriter.lastError(archive))
            }
            count += 1
            if count > maxEntries { throw .tooManyEntries(limit: maxEntries) }
            let name = archive_entry_pathname_utf8(entry).map { String(cString: $0) }
                ?? archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
            guard wanted(name) else { continue }
            if archive_entry_size_is_set(entry) != 0 && archive_entry_size(entry) > limit {
                throw .entryTooLarge(name: name, limit: limit)
            }
            var data: [UInt8] = []
            while true {
                let n = block.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
                if n == 0 { break }
                guard n > 0 else { throw .damaged(detail: TarWriter.lastError(archive)) }
                guard Int64(data.count) + Int64(n) <= limit else { throw .entryTooLarge(name: name, limit: limit) }
                data.append(contentsOf: block[0..<n])
            }
            out[name] = data
        }
        return out
    }
}
