/// One entry written or read: the only two kinds folio ever puts in (or accepts from) a tar.
public struct TarEntry: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable, Equatable, Hashable {
        case file
        case directory
    }

    /// Slash-separated relative path, NFC UTF-8, without a trailing slash for directories.
    public var path: String
    public var kind: Kind
    /// Bytes of content (0 for directories).
    public var size: Int64
    /// Lower-case hex SHA-256 of the content; `nil` for directories.
    public var sha256: String?

    public init(path: String, kind: Kind, size: Int64, sha256: String?) {
        self.path = path
        self.kind = kind
        self.size = size
        self.sha256 = sha256
    }
}
