/// Why a file cannot be attached to a portfolio item.
public enum FileRuleError: Error, Equatable, Sendable {
    case empty(name: String)
    /// The extension is not one of pdf, jpg, jpeg, png, mp3, mp4 ("" when the name has none).
    case unsupportedExtension(name: String, extension: String)
    /// The content matches none of the accepted formats. `looksLike` names a common format it resembles, if any.
    case unrecognisedContent(name: String, claimed: FileKind, looksLike: Lookalike?)
    /// The content is an accepted format, but not the one the name claims: a renamed file.
    case contentMismatch(name: String, claimed: FileKind, actual: FileKind)
    case tooLarge(name: String, kind: FileKind, size: Int, limit: Int)

    /// A common format that is not accepted, recognised so that the refusal can name it.
    public enum Lookalike: String, Sendable {
        case zip, gif, webp, wav, quickTime, heic, oldOffice

        public var name: Message { Message("file.looksLike." + rawValue) }
    }

    /// What is wrong, from the message catalogs.
    public var what: Message {
        switch self {
        case .empty(let name):
            Message("file.empty", ["name": name])
        case .unsupportedExtension(let name, let ext):
            ext.isEmpty ? Message("file.noExtension", ["name": name]) : Message("file.extension", ["name": name, "ext": ext])
        case .unrecognisedContent(let name, let claimed, let looksLike):
            if let looksLike {
                Message("file.lookalike", ["name": name, "looksLike": looksLike.name, "claimed": claimed.name])
            } else {
                Message("file.unrecognised", ["name": name, "claimed": claimed.name])
            }
        case .contentMismatch(let name, _, let actual):
            Message("file.renamed", ["name": name, "actual": actual.name])
        case .tooLarge(let name, let kind, let size, let limit):
            Message(kind.isDocument ? "file.documentTooLarge" : "file.mediaTooLarge",
                    ["name": name, "size": FileRuleError.megabytes(size, roundingUp: true),
                     "limit": FileRuleError.megabytes(limit, roundingUp: false)])
        }
    }

    /// What to do next.
    public var next: Message {
        switch self {
        case .empty: Message("file.empty.hint")
        case .unsupportedExtension: Message("file.extension.hint")
        case .unrecognisedContent(_, let claimed, _): Message("file.unrecognised.hint", ["claimed": claimed.name])
        case .contentMismatch(_, _, let actual): Message("file.renamed.hint", ["ext": FileRuleError.usualExtension(actual)])
        case .tooLarge(_, let kind, _, _): Message(kind.isDocument ? "file.documentTooLarge.hint" : "file.mediaTooLarge.hint")
        }
    }

    private static func usualExtension(_ kind: FileKind) -> String {
        kind == .jpeg ? "jpg" : kind.rawValue
    }

    /// One decimal in MB (MiB). Sizes round up so that a file just over the limit never reads as equal to it.
    static func megabytes(_ bytes: Int, roundingUp: Bool) -> String {
        let mib = FileLimits.mebibyte
        let tenths = roundingUp ? (bytes * 10 + mib - 1) / mib : (bytes * 10 + mib / 2) / mib
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
