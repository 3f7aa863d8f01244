import Foundation

// Clerk-facing wording. The sender of a bundle is usually another school office or a teacher's laptop,
// so most hints say "ask the sender to export the bundle again"; the disk cases point at this machine.
extension TarError: CustomStringConvertible, LocalizedError {
    public var description: String { "\(message) \(hint)" }
    public var errorDescription: String? { description }

    /// A name as the messages show it: forbidden characters written as `\u{…}`.
    public static func printable(_ path: String) -> String { TarPathRules.printable(path) }

    /// The entry the problem is about, if there is one.
    public var path: String? {
        switch self {
        case .absolutePath(let p), .parentComponent(let p), .emptyOrDotComponent(let p),
            .nameNotUTF8(let p), .nameNotNFC(let p), .duplicateName(let p),
            .stagingDirectoryExists(let p), .sourceNotRegularFile(let p), .sourceChanged(let p), .notAnOrdinaryFile(let p),
            .stoppedByCaller(let p):
            return p
        case .forbiddenCharacter(let p, _), .nameTooLong(let p, _, _), .symbolicLink(let p, _),
            .hardLink(let p, _), .specialFile(let p, _), .entryTooLarge(let p, _, _),
            .tooManyEntries(let p, _), .totalTooLarge(let p, _, _), .fileSystem(let p, _, _),
            .outOfOrder(let p, _):
            return p
        case .truncated(let p, _), .damagedHeader(let p, _), .libarchive(let p, _):
            return p
        case .notATarArchive, .entryCountMismatch, .writerUnusable, .sourceFailed:
            return nil
        }
    }

    /// One sentence a school clerk can read: what is wrong, naming the entry.
    public var message: String {
        func q(_ p: String) -> String { "`" + TarPathRules.printable(p) + "`" }
        switch self {
        case .absolutePath(let p):
            return "The bundle holds an entry with an absolute path (\(q(p))), which could overwrite files outside its folder."
        case .parentComponent(let p):
            return "The bundle holds an entry that climbs out of its folder with `..` (\(q(p)))."
        case .emptyOrDotComponent(let p):
            return "The bundle holds an entry whose name is empty or has an empty or `.` part (\(q(p)))."
        case .nameNotUTF8(let p):
            return "The bundle holds a name that is not valid UTF-8 text (\(q(p)))."
        case .nameNotNFC(let p):
            return "The bundle holds a name in decomposed Unicode form (\(q(p))); folio only accepts the composed (NFC) form, so the same name cannot appear twice in different spellings."
        case .forbiddenCharacter(let p, let c):
            return "The bundle holds a name with a forbidden character U+\(String(format: "%04X", c.value)) (\(q(p)))."
        case .nameTooLong(let p, let bytes, let limit):
            return "The bundle holds a name that is too long (\(bytes) bytes, at most \(limit)): \(q(p))."
        case .duplicateName(let p):
            return "The bundle holds the name \(q(p)) twice (or as both a file and a folder)."
        case .symbolicLink(let p, _), .hardLink(let p, _):
            return "The bundle holds a link (\(q(p))), which folio never accepts."
        case .specialFile(let p, let kind):
            return "The bundle holds a \(kind.rawValue) (\(q(p))), which folio never accepts."
        case .entryTooLarge(let p, let size, let limit):
            return "The file \(q(p)) in the bundle is \(size) bytes, more than the limit of \(limit) bytes."
        case .tooManyEntries(let p, let limit):
            return "The bundle holds more than \(limit) entries (stopped at \(q(p)))."
        case .totalTooLarge(let p, let total, let limit):
            return "The bundle's files add up to more than \(limit) bytes (\(total) bytes by \(q(p)))."
        case .notATarArchive:
            return "The file is not a folio bundle (it is not an uncompressed tar archive)."
        case .truncated(let p, _):
            if let p { return "The bundle is cut short inside \(q(p)); part of it is missing." }
            return "The bundle is cut short; part of it is missing."
        case .damagedHeader(let p, _):
            if let p { return "The bundle is damaged after \(q(p)) (a header does not match its checksum)." }
            return "The bundle is damaged (a header does not match its checksum)."
        case .entryCountMismatch(let expected, let found):
            return "The bundle should hold \(expected) entries but holds \(found); it is incomplete or altered."
        case .libarchive(let p, let detail):
            if let p { return "The bundle could not be read at \(q(p)): \(detail)." }
            return "The bundle could not be read: \(detail)."
        case .stagingDirectoryExists(let p):
            return "The working folder \(q(p)) already exists, so folio will not unpack into it."
        case .fileSystem(let p, let operation, let code):
            return "folio could not \(operation) \(q(p)): \(String(cString: strerror(code)))."
        case .outOfOrder(let p, let previous):
            return "Internal error: \(q(p)) was added after \(q(previous)), out of byte order."
        case .sourceNotRegularFile(let p):
            return "\(q(p)) is not a regular file, so it cannot be put in a bundle."
        case .notAnOrdinaryFile(let p):
            return "\(q(p)) is not an ordinary file (it is a folder, a pipe or a device), so it cannot be read as a bundle or an archive."
        case .sourceChanged(let p):
            return "\(q(p)) changed while it was being copied into the bundle."
        case .writerUnusable:
            return "Internal error: the bundle writer was used after it finished or failed."
        case .stoppedByCaller(let p):
            return "Reading stopped at \(q(p)), which was refused."
        case .sourceFailed(let message, _):
            return message
        }
    }

    /// What to do next.
    public var hint: String {
        switch self {
        case .absolutePath, .parentComponent, .emptyOrDotComponent, .nameNotUTF8, .nameNotNFC,
            .forbiddenCharacter, .nameTooLong, .duplicateName, .symbolicLink, .hardLink, .specialFile,
            .entryTooLarge, .tooManyEntries, .totalTooLarge, .damagedHeader, .libarchive, .stoppedByCaller:
            return "Do not use this bundle. Ask the sender to export the bundle again with folio."
        case .notATarArchive, .notAnOrdinaryFile:
            return "Check that you picked the right file (folio bundles end in `.tar`), or ask the sender to export it again."
        case .truncated, .entryCountMismatch:
            return "Copy the bundle from the USB stick again (eject the stick safely first); if it stays incomplete, ask the sender for a new copy."
        case .stagingDirectoryExists:
            return "Another import may be running or may have stopped halfway. Wait for it, or ask IT to remove the folder."
        case .fileSystem(_, let operation, _) where ["open", "read"].contains(operation):
            return "Check that the file is still there and that folio may read it, then try again."
        case .fileSystem:
            return "Check that the disk is not full and that folio may write to it, then try again."
        case .sourceFailed(_, let hint):
            return hint
        case .sourceChanged:
            return "Make sure nobody is editing the files, then export again."
        case .sourceNotRegularFile, .outOfOrder, .writerUnusable:
            return "Please report this to your IT contact; nothing was exported."
        }
    }
}
