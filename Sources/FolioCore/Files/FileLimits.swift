/// Size limits in bytes for uploaded files.
///
/// The defaults are the national limits in force since academic year 109: documents 4 MB, media 10 MB. The rules
/// say "MB" without defining it; the central platform is taken to mean MiB (1,048,576 bytes), the larger reading,
/// so a file we accept is never refused there only because of the unit. A school that learns otherwise, or a
/// future rule change, overrides the values here instead of editing code.
public struct FileLimits: Hashable, Sendable, Codable {
    public static let mebibyte = 1024 * 1024

    public var documentBytes: Int
    public var mediaBytes: Int

    public init(documentBytes: Int = 4 * FileLimits.mebibyte, mediaBytes: Int = 10 * FileLimits.mebibyte) {
        self.documentBytes = documentBytes
        self.mediaBytes = mediaBytes
    }

    public static let national = FileLimits()

    public func limit(for kind: FileKind) -> Int { kind.isDocument ? documentBytes : mediaBytes }
}
