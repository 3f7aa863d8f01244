import FolioCore
import FolioTar
import Foundation

/// A tar failure as a person reads it, from the message catalogs. FolioTar knows no catalogs: its own
/// `message` and `hint` stay English for its logs and tests, and are word for word the English here.
extension TarError {
    /// What is wrong, naming the entry.
    public var what: Message {
        func q(_ p: String) -> String { "`" + TarError.printable(p) + "`" }
        switch self {
        case .absolutePath(let p): return Message("tar.absolutePath", ["path": q(p)])
        case .parentComponent(let p): return Message("tar.parentComponent", ["path": q(p)])
        case .emptyOrDotComponent(let p): return Message("tar.emptyOrDotComponent", ["path": q(p)])
        case .nameNotUTF8(let p): return Message("tar.nameNotUTF8", ["path": q(p)])
        case .nameNotNFC(let p): return Message("tar.nameNotNFC", ["path": q(p)])
        case .forbiddenCharacter(let p, let c):
            return Message("tar.forbiddenCharacter", ["path": q(p), "code": String(format: "%04X", c.value)])
        case .nameTooLong(let p, let bytes, let limit):
            return Message("tar.nameTooLong", ["path": q(p), "bytes": bytes, "limit": limit])
        case .duplicateName(let p): return Message("tar.duplicateName", ["path": q(p)])
        case .symbolicLink(let p, _), .hardLink(let p, _): return Message("tar.link", ["path": q(p)])
        case .specialFile(let p, let kind):
            return Message("tar.specialFile", ["path": q(p), "kind": Message("tar.special." + Self.key(kind))])
        case .entryTooLarge(let p, let size, let limit):
            return Message("tar.entryTooLarge", ["path": q(p), "size": "\(size)", "limit": "\(limit)"])
        case .tooManyEntries(let p, let limit): return Message("tar.tooManyEntries", ["path": q(p), "limit": limit])
        case .totalTooLarge(let p, let total, let limit):
            return Message("tar.totalTooLarge", ["path": q(p), "total": "\(total)", "limit": "\(limit)"])
        case .notATarArchive: return Message("tar.notATarArchive")
        case .truncated(let p, _): return p.map { Message("tar.truncated.at", ["path": q($0)]) } ?? Message("tar.truncated")
        case .damagedHeader(let p, _):
            return p.map { Message("tar.damagedHeader.after", ["path": q($0)]) } ?? Message("tar.damagedHeader")
        case .entryCountMismatch(let expected, let found):
            return Message("tar.entryCountMismatch", ["expected": expected, "found": found])
        case .libarchive(let p, let detail):
            // libarchive's own words are kept as they are.
            return p.map { Message("tar.libarchive.at", ["path": q($0), "detail": detail]) } ?? Message("tar.libarchive", ["detail": detail])
        case .stagingDirectoryExists(let p): return Message("tar.stagingDirectoryExists", ["path": q(p)])
        case .fileSystem(let p, let operation, let code):
            let verb = Self.operations[operation].map { Message("tar.op." + $0) } ?? Message.verbatim(operation)
            return Message("tar.fileSystem", ["path": q(p), "operation": verb, "reason": String(cString: strerror(code))])
        case .outOfOrder(let p, let previous): return Message("tar.outOfOrder", ["path": q(p), "previous": q(previous)])
        case .sourceNotRegularFile(let p): return Message("tar.sourceNotRegularFile", ["path": q(p)])
        case .notAnOrdinaryFile(let p): return Message("tar.notAnOrdinaryFile", ["path": q(p)])
        case .sourceChanged(let p): return Message("tar.sourceChanged", ["path": q(p)])
        case .writerUnusable: return Message("tar.writerUnusable")
        case .stoppedByCaller(let p): return Message("tar.stoppedByCaller", ["path": q(p)])
        // Already in the words of the layer that failed, in the language it was shown in.
        case .sourceFailed(let message, _): return .verbatim(message)
        }
    }

    /// What to do next.
    public var next: Message {
        switch self {
        case .absolutePath, .parentComponent, .emptyOrDotComponent, .nameNotUTF8, .nameNotNFC,
            .forbiddenCharacter, .nameTooLong, .duplicateName, .symbolicLink, .hardLink, .specialFile,
            .entryTooLarge, .tooManyEntries, .totalTooLarge, .damagedHeader, .libarchive, .stoppedByCaller:
            return Message("tar.exportAgain.hint")
        case .notATarArchive, .notAnOrdinaryFile: return Message("tar.rightFile.hint")
        case .truncated, .entryCountMismatch: return Message("tar.copyAgain.hint")
        case .stagingDirectoryExists: return Message("tar.staging.hint")
        case .fileSystem(_, let operation, _) where ["open", "read"].contains(operation): return Message("tar.read.hint")
        case .fileSystem: return Message("tar.write.hint")
        case .sourceFailed(_, let hint): return .verbatim(hint)
        case .sourceChanged: return Message("tar.sourceChanged.hint")
        case .sourceNotRegularFile, .outOfOrder, .writerUnusable: return Message("tar.report.hint")
        }
    }

    /// The operations the tar layer names, by their catalog key.
    private static let operations = ["open": "open", "read": "read", "write": "write", "create": "create", "save": "save",
                                     "close": "close", "create the file": "createFile", "create the folder": "createFolder",
                                     "open the folder": "openFolder"]

    private static func key(_ kind: SpecialKind) -> String {
        switch kind {
        case .characterDevice: "characterDevice"
        case .blockDevice: "blockDevice"
        case .fifo: "fifo"
        case .socket: "socket"
        case .sparseFile: "sparseFile"
        case .unknown: "unknown"
        }
    }
}
