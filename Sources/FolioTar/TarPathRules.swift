import Foundation

/// The allow-list for entry names, shared by the reader (which refuses) and the writer (which refuses
/// to write what the reader would refuse, so folio never produces a bundle it cannot read back).
enum TarPathRules {
    /// Longest single component: what ext4, FAT32/exFAT (as UTF-16 units, roughly) and NTFS all allow.
    static let maxComponentBytes = 255

    /// Checks a name that arrived as raw header bytes and returns it as a `String`.
    static func validated(bytes: [UInt8], maxPathBytes: Int) throws(TarError) -> String {
        guard let path = String(validating: bytes, as: UTF8.self) else {
            throw .nameNotUTF8(path: String(decoding: bytes, as: UTF8.self))
        }
        try validate(path, maxPathBytes: maxPathBytes)
        return path
    }

    /// Checks a name that is already a `String` (UTF-8 by construction).
    static func validate(_ path: String, maxPathBytes: Int) throws(TarError) {
        let utf8 = path.utf8
        if utf8.isEmpty { throw .emptyOrDotComponent(path: path) }
        if utf8.count > maxPathBytes {
            throw .nameTooLong(path: path, bytes: utf8.count, limit: maxPathBytes)
        }
        // Characters first: a control character can hide any other problem when the name is printed.
        for scalar in path.unicodeScalars where isForbidden(scalar) {
            throw .forbiddenCharacter(path: path, character: scalar)
        }
        if utf8.first == UInt8(ascii: "/") { throw .absolutePath(path: path) }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if components.contains("..") { throw .parentComponent(path: path) }
        for component in components {
            if component.isEmpty || component == "." { throw .emptyOrDotComponent(path: path) }
            if component.utf8.count > maxComponentBytes {
                throw .nameTooLong(path: path, bytes: component.utf8.count, limit: maxComponentBytes)
            }
        }
        // Swift's `==` on String compares canonical equivalence, so an NFD name would compare equal to
        // its NFC form: the check must compare the UTF-8 bytes.
        if !isPlainlyNFC(path) && !utf8.elementsEqual(path.precomposedStringWithCanonicalMapping.utf8) {
            throw .nameNotNFC(path: path)
        }
    }

    /// True when every scalar of `path` is one that NFC leaves alone whatever surrounds it (Unicode's NFC
    /// quick check is Yes and it does not combine): ASCII and Latin-1 up to the combining diacritics, CJK
    /// punctuation before its combining tone marks, CJK ideographs, fullwidth forms. Names of Chinese
    /// files are nearly all of these, and asking Foundation to normalise each of the hundred thousand names
    /// in a whole-school bundle took a twentieth of an import. Anything else is normalised and compared.
    static func isPlainlyNFC(_ path: String) -> Bool {
        path.unicodeScalars.allSatisfy { s in
            switch s.value {
            case 0..<0x300, 0x3000...0x3029, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xFF01...0xFF5E: return true
            default: return false
            }
        }
    }

    /// Control characters (C0, DEL, C1) can rewrite a terminal or a printed receipt; bidirectional
    /// overrides can make `報告.exe` look like `報告.pdf`; `\` is a separator on Windows and `%` starts
    /// an escape in URLs and in some Windows shells: none has a place in a student's file name.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F, 0x80...0x9F: return true
        case 0x5C, 0x25: return true  // \ and %
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true  // bidi controls
        default: return false
        }
    }

    /// The parent directories of a valid path, shortest first: "a/b/c" → ["a", "a/b"].
    static func ancestors(of path: String) -> [String] {
        var result: [String] = []
        var index = path.startIndex
        while let slash = path[index...].firstIndex(of: "/") {
            result.append(String(path[..<slash]))
            index = path.index(after: slash)
        }
        return result
    }

    /// A name made safe to show to a person: forbidden characters become `\u{…}`.
    static func printable(_ path: String) -> String {
        var out = ""
        for scalar in path.unicodeScalars {
            if isForbidden(scalar) && scalar != "%" && scalar != "\\" {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
