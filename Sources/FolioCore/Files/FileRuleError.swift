/// Why a file cannot be attached to a portfolio item.
public enum FileRuleError: Error, Equatable, Sendable {
    case empty(name: String)
    /// The extension is not one of pdf, jpg, jpeg, png, mp3, mp4 ("" when the name has none).
    case unsupportedExtension(name: String, extension: String)
    /// The content matches none of the accepted formats. `looksLike` names a common format it resembles, if any.
    case unrecognisedContent(name: String, claimed: FileKind, looksLike: String?)
    /// The content is an accepted format, but not the one the name claims: a renamed file.
    case contentMismatch(name: String, claimed: FileKind, actual: FileKind)
    case tooLarge(name: String, kind: FileKind, size: Int, limit: Int)

    public var message: String {
        switch self {
        case .empty(let name):
            return "\(name) is empty (0 bytes)."
        case .unsupportedExtension(let name, let ext):
            if ext.isEmpty { return "\(name) has no file extension, so its type cannot be accepted." }
            return "\(name): .\(ext) files are not accepted. Accepted are PDF, JPG, PNG (documents) and MP3, MP4 (media)."
        case .unrecognisedContent(let name, let claimed, let looksLike):
            if let looksLike { return "\(name) is really a \(looksLike), not a \(claimed.displayName)." }
            return "\(name) is not a readable \(claimed.displayName); its contents are not in any accepted format."
        case .contentMismatch(let name, _, let actual):
            return "\(name) is really a \(actual.displayName)."
        case .tooLarge(let name, let kind, let size, let limit):
            let which = kind.isDocument ? "documents" : "media files"
            return "\(name) is \(FileRuleError.megabytes(size, roundingUp: true)); the limit for \(which) is "
                + "\(FileRuleError.megabytes(limit, roundingUp: false))."
        }
    }

    public var hint: String {
        switch self {
        case .empty:
            return "The upload or copy probably failed. Open the original file to check it, then add it again."
        case .unsupportedExtension:
            return "Save or export the file as PDF, JPG or PNG (documents) or MP3 or MP4 (media), then add it again."
        case .unrecognisedContent(_, let claimed, _):
            return "Open the file in the program that made it and export or save it as \(claimed.displayName) "
                + "(renaming the file is not enough)."
        case .contentMismatch(_, _, let actual):
            return "Rename the file with the .\(FileRuleError.usualExtension(actual)) extension, or export it in the "
                + "format its name claims."
        case .tooLarge(_, let kind, _, _):
            return kind.isDocument
                ? "Reduce the file: scan at a lower resolution, compress the images or split the document."
                : "Shorten the recording or export it at a lower quality."
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
