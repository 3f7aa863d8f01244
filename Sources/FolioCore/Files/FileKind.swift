/// The file types the national learning-portfolio rules accept: documents (PDF, JPEG, PNG) and media (MP3, MP4).
public enum FileKind: String, Codable, Sendable, CaseIterable {
    case pdf, jpeg, png, mp3, mp4

    /// How many leading bytes `sniff` needs to recognise every kind.
    public static let sniffLength = 16

    /// Recognises a file by its first bytes alone. The extension is not consulted: students rename files,
    /// and the central database refuses content that is not what its name claims.
    public static func sniff(_ prefix: [UInt8]) -> FileKind? {
        func starts(with signature: [UInt8], at offset: Int = 0) -> Bool {
            prefix.count >= offset + signature.count
                && prefix[offset..<offset + signature.count].elementsEqual(signature)
        }
        if starts(with: Array("%PDF-".utf8)) { return .pdf }
        if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        // JPEG comes before the MP3 frame test: FF D8 is not a frame sync (D8 & E0 ≠ E0), but being explicit is cheap.
        if starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(with: Array("ID3".utf8)), prefix.count >= 4, (2...4).contains(prefix[3]) {
            // An ID3v2 tag (major version 2–4) almost always precedes MP3 audio; other formats rarely use it.
            return .mp3
        }
        if isMP3Frame(prefix) { return .mp3 }
        if starts(with: Array("ftyp".utf8), at: 4), prefix.count >= 12,
           mp4Brands.contains(Array(prefix[8..<12])) {
            return .mp4
        }
        return nil
    }

    /// Major brands of the ISO base media family that players treat as MP4. QuickTime (`qt  `) and
    /// HEIF/HEIC (`heic`, `mif1`) share the box structure but are not MP4, so they are left out on purpose.
    private static let mp4Brands: Set<[UInt8]> = Set([
        "isom", "iso2", "iso3", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "M4A ", "MSNV", "dash", "mmp4",
    ].map { Array($0.utf8) })

    /// An MPEG audio frame header for Layer III: 11 sync bits, a version that is not the reserved value,
    /// layer bits 01, a bitrate index that is neither free (0) nor bad (15), and a sampling rate that is not reserved.
    /// The extra checks keep arbitrary binary that happens to start with FF Ex from passing as audio.
    private static func isMP3Frame(_ p: [UInt8]) -> Bool {
        guard p.count >= 3, p[0] == 0xFF, p[1] & 0xE0 == 0xE0 else { return false }
        let version = (p[1] >> 3) & 0x03
        let layer = (p[1] >> 1) & 0x03
        let bitrate = p[2] >> 4
        let sampleRate = (p[2] >> 2) & 0x03
        return version != 0b01 && layer == 0b01 && bitrate != 0 && bitrate != 0x0F && sampleRate != 0b11
    }

    public var isDocument: Bool {
        switch self {
        case .pdf, .jpeg, .png: return true
        case .mp3, .mp4: return false
        }
    }

    public var isMedia: Bool { !isDocument }

    /// The national limit for this kind (see `FileLimits.national`).
    public var sizeLimit: Int { FileLimits.national.limit(for: self) }

    /// What a clerk calls it, for messages: "report.pdf is really a PNG image".
    public var name: Message { Message("file.kind." + rawValue) }

    /// The kind a file name's extension promises (`pdf`, `jpg`/`jpeg`, `png`, `mp3`, `mp4`, any case,
    /// with or without the dot), or nil for any other extension.
    public static func expected(forExtension ext: String) -> FileKind? {
        var e = ext.lowercased()
        if e.hasPrefix(".") { e.removeFirst() }
        switch e {
        case "pdf": return .pdf
        case "jpg", "jpeg": return .jpeg
        case "png": return .png
        case "mp3": return .mp3
        case "mp4": return .mp4
        default: return nil
        }
    }
}
