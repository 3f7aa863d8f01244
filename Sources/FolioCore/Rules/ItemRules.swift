import Foundation
/// The national item limits (since academic year 109) and the seed's counts, as pure checks.
public enum ItemRules {
    public static func checkDescription(_ text: String, settings: Settings) -> FolioError? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            return FolioError(.descriptionLength, "item.description.empty", ["max": settings.descriptionLimit])
        }
        // One line: a line break or tab would break every table and printout the description appears in.
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return FolioError(.badInput, "item.description.multiline", ["max": settings.descriptionLimit])
        }
        if text.count > settings.descriptionLimit {
            return FolioError(.descriptionLength, "item.description.tooLong", ["count": text.count, "max": settings.descriptionLimit])
        }
        return nil
    }

    /// Checks the files an upload declares: one document and/or one media file, of allowed kinds, within
    /// the size limits. The bytes themselves are sniffed by the workspace before the event is made.
    public static func checkFiles(_ files: [ItemFile], settings: Settings) -> FolioError? {
        if files.isEmpty {
            return FolioError(.fileType, "item.files.none")
        }
        for role in [ItemFile.Role.document, .media] where files.filter({ $0.role == role }).count > 1 {
            return FolioError(.fileType, Message(role == .document ? "item.files.twoDocuments" : "item.files.twoMedia"),
                              hint: Message("item.files.twoOfAKind.hint"))
        }
        for f in files {
            let documentKinds = ["pdf", "jpeg", "png"], mediaKinds = ["mp3", "mp4"]
            let allowed = f.role == .document ? documentKinds : mediaKinds
            guard allowed.contains(f.kind) else {
                return FolioError(.fileType, Message(f.role == .document ? "item.file.kindAsDocument" : "item.file.kindAsMedia",
                                                     ["name": f.name, "kind": f.kind]),
                                  hint: Message("item.file.kind.hint"))
            }
            let limit = f.role == .document ? settings.documentLimitBytes : settings.mediaLimitBytes
            if f.size > limit {
                return FolioError(.fileTooLarge, Message(f.role == .document ? "item.file.documentTooLarge" : "item.file.mediaTooLarge",
                                                         ["name": f.name, "size": megabytes(f.size), "max": megabytes(limit)]),
                                  hint: Message("item.file.tooLarge.hint"))
            }
            guard SHA256Hex.isValid(f.sha256), f.size >= 0, FileNames.isSafe(f.name) else {
                return FolioError(.badInput, "item.file.malformed", ["name": f.name])
            }
        }
        return nil
    }

    public static func megabytes(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + 524_288) / 1_048_576
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// File names kept as the student gave them, as long as they are safe on every disk and in tar.
public enum FileNames {
    /// The longest name kept, in UTF-8 bytes (a Chinese character is three).
    public static let maxBytes = 200

    /// Why a file name cannot be kept as it is, or nil when it can: the length and the characters get their
    /// own reasons, so the person fixes the right thing.
    public static func problem(_ name: String) -> FolioError? {
        if name.utf8.count > maxBytes {
            return FolioError(.badInput, "item.fileName.tooLong", ["start": name.prefix(40), "bytes": name.utf8.count, "max": maxBytes])
        }
        guard isSafe(name) else {
            return FolioError(.badInput, "item.fileName.unsafe", ["name": name])
        }
        return nil
    }

    public static func isSafe(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maxBytes, name != ".", name != "..", !name.hasPrefix("."),
              name == name.precomposedStringWithCanonicalMapping else { return false }
        return !name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || "/\\%:*?\"<>|".unicodeScalars.contains($0) }
    }
}
