import Foundation

/// Every failure of the tar layer. Each case says which entry (when there is one) and what was wrong;
/// `message` explains it to a school clerk and `hint` says what to do next.
public enum TarError: Error, Sendable, Equatable {
    /// What a special (non-file, non-directory, non-link) entry was.
    public enum SpecialKind: String, Sendable, Equatable {
        case characterDevice = "character device"
        case blockDevice = "block device"
        case fifo = "named pipe"
        case socket = "socket"
        case sparseFile = "sparse file"
        case unknown = "unknown kind of entry"
    }

    // MARK: Names
    case absolutePath(path: String)
    case parentComponent(path: String)
    case emptyOrDotComponent(path: String)
    case nameNotUTF8(path: String)
    case nameNotNFC(path: String)
    case forbiddenCharacter(path: String, character: Unicode.Scalar)
    case nameTooLong(path: String, bytes: Int, limit: Int)
    /// Two entries with the same name, including a file and a directory (or a file used as a parent).
    case duplicateName(path: String)

    // MARK: Kinds of entry
    case symbolicLink(path: String, target: String)
    case hardLink(path: String, target: String)
    case specialFile(path: String, kind: SpecialKind)

    // MARK: Caps
    case entryTooLarge(path: String, size: Int64, limit: Int64)
    case tooManyEntries(path: String, limit: Int)
    case totalTooLarge(path: String, total: Int64, limit: Int64)

    // MARK: The archive itself
    /// The bytes are not a tar archive (zip, compressed, random, empty).
    case notATarArchive(detail: String)
    /// The archive ends inside an entry. `path` is the entry that was cut, if known.
    case truncated(path: String?, detail: String)
    /// A header failed its checksum or could not be parsed. `path` is the last good entry, if any.
    case damagedHeader(after: String?, detail: String)
    /// The caller said how many entries to expect and the archive held a different number. A tar cut
    /// exactly between two entries reads as a clean, shorter archive: this is how it is caught.
    case entryCountMismatch(expected: Int, found: Int)
    /// Any other libarchive failure (and warnings, which folio treats as failures).
    case libarchive(path: String?, detail: String)

    // MARK: Disk
    case stagingDirectoryExists(path: String)
    case fileSystem(path: String, operation: String, errno: Int32)

    // MARK: Writer
    case outOfOrder(path: String, previous: String)
    case sourceNotRegularFile(path: String)
    /// The archive to read is a folder, a pipe or a device rather than an ordinary file.
    case notAnOrdinaryFile(path: String)
    /// The file on disk changed size while it was being copied into the archive.
    case sourceChanged(path: String)
    /// The writer was used after `finish()` or after an earlier error left its output incomplete.
    case writerUnusable
    /// The caller of an extraction judged the entry at `path` (or one before it) and asked the reader to go
    /// no further; the caller holds the reason and reports it.
    case stoppedByCaller(path: String)
    /// A pulled source (`TarSource.pull`) could not give the next bytes: `message` and `hint` say why, in the
    /// words of the layer that produced them (a sealed bundle that does not open, say).
    case sourceFailed(message: String, hint: String)
}
