/// Decides whether a file may be attached to a portfolio item, before it is stored.
///
/// Everything here is judged from the name, the first bytes and the size, so the workspace layer can check a
/// file without reading all of it; FolioCore itself never touches the disk.
public enum FileCheck {
    /// Returns the file's kind, or throws the first rule it breaks, in this order: empty file, extension not
    /// accepted, content not recognised, content and extension disagree, too large.
    /// - Parameters:
    ///   - name: the file name as the student sees it (only its extension is judged; it appears in messages).
    ///   - prefix: at least the first `FileKind.sniffLength` bytes (fewer only if the file is shorter).
    ///   - size: the whole file's size in bytes.
    @discardableResult
    public static func check(name: String, prefix: [UInt8], size: Int,
                             limits: FileLimits = .national) throws(FileRuleError) -> FileKind {
        guard size > 0 else { throw .empty(name: name) }
        let ext = extensionOf(name)
        guard let claimed = FileKind.expected(forExtension: ext) else {
            throw .unsupportedExtension(name: name, extension: ext)
        }
        guard let actual = FileKind.sniff(prefix) else {
            throw .unrecognisedContent(name: name, claimed: claimed, looksLike: describeUnsupported(prefix))
        }
        guard actual == claimed else {
            throw .contentMismatch(name: name, claimed: claimed, actual: actual)
        }
        let limit = limits.limit(for: actual)
        guard size <= limit else {
            throw .tooLarge(name: name, kind: actual, size: size, limit: limit)
        }
        return actual
    }

    /// The text after the last dot of the last path component, or "" if there is none.
    /// A leading dot alone (".pdf") is a hidden file's name, not an extension.
    static func extensionOf(_ name: String) -> String {
        let base = name.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(name)
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return "" }
        return String(base[base.index(after: dot)...])
    }

    /// Names a few formats students commonly try to upload instead, so the message can say what to convert
    /// from. Phones save HEIC photos and MOV videos; Word and PowerPoint files are ZIP archives.
    static func describeUnsupported(_ p: [UInt8]) -> FileRuleError.Lookalike? {
        func at(_ offset: Int, _ text: String) -> Bool {
            let s = Array(text.utf8)
            return p.count >= offset + s.count && p[offset..<offset + s.count].elementsEqual(s)
        }
        if at(0, "PK\u{03}\u{04}") { return .zip }
        if at(0, "GIF8") { return .gif }
        if at(0, "RIFF") && at(8, "WEBP") { return .webp }
        if at(0, "RIFF") && at(8, "WAVE") { return .wav }
        if at(4, "ftypqt") { return .quickTime }
        if at(4, "ftypheic") || at(4, "ftypheix") || at(4, "ftypmif1") { return .heic }
        if p.count >= 8, p[0] == 0xD0, p[1] == 0xCF, p[2] == 0x11, p[3] == 0xE0 {
            return .oldOffice
        }
        return nil
    }
}
