import Foundation
/// The national item limits (since academic year 109) and the seed's counts, as pure checks.
public enum ItemRules {
    public static func checkDescription(_ text: String, settings: Settings) -> FolioError? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            return FolioError(.descriptionLength, "Every item needs a short description (簡述); this one is empty.",
                              hint: "Add a description of at most \(settings.descriptionLimit) characters with --description.")
        }
        // One line: a line break or tab would break every table and printout the description appears in.
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return FolioError(.badInput, "The description must be one line; it holds a line break or another control character.",
                              hint: "Write it on one line (at most \(settings.descriptionLimit) characters) and try again.")
        }
        if text.count > settings.descriptionLimit {
            return FolioError(.descriptionLength,
                              "The description has \(text.count) characters; at most \(settings.descriptionLimit) are allowed.",
                              hint: "Shorten it to \(settings.descriptionLimit) characters or fewer and try again.")
        }
        return nil
    }

    /// Checks the files an upload declares: one document and/or one media file, of allowed kinds, within
    /// the size limits. The bytes themselves are sniffed by the workspace before the event is made.
    public static func checkFiles(_ files: [ItemFile], settings: Settings) -> FolioError? {
        if files.isEmpty {
            return FolioError(.fileType, "An item needs a document (PDF, JPG, PNG) or a media file (MP3, MP4), or both.",
                              hint: "Add a file with --file.")
        }
        for role in [ItemFile.Role.document, .media] where files.filter({ $0.role == role }).count > 1 {
            return FolioError(.fileType, "An item can hold only one \(role.rawValue) file.",
                              hint: "Upload the other files as separate items.")
        }
        for f in files {
            let documentKinds = ["pdf", "jpeg", "png"], mediaKinds = ["mp3", "mp4"]
            let allowed = f.role == .document ? documentKinds : mediaKinds
            guard allowed.contains(f.kind) else {
                return FolioError(.fileType, "\(f.name) is a \(f.kind) file, which is not allowed as a \(f.role.rawValue).",
                                  hint: "Documents must be PDF, JPG or PNG; media MP3 or MP4.")
            }
            let limit = f.role == .document ? settings.documentLimitBytes : settings.mediaLimitBytes
            if f.size > limit {
                return FolioError(.fileTooLarge,
                                  "\(f.name) is \(megabytes(f.size)) MB; a \(f.role.rawValue) may be at most \(megabytes(limit)) MB.",
                                  hint: "Compress or shorten the file and upload it again.")
            }
            guard SHA256Hex.isValid(f.sha256), f.size >= 0, FileNames.isSafe(f.name) else {
                return FolioError(.badInput, "The file entry \(f.name) is malformed.", hint: "Upload the file again.")
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
            return FolioError(.badInput, "The file name \"\(name.prefix(40))…\" is too long: \(name.utf8.count) bytes, at most \(maxBytes) (about 66 Chinese characters).",
                              hint: "Give the file a shorter name, then upload again.")
        }
        guard isSafe(name) else {
            return FolioError(.badInput, "The file name \"\(name)\" cannot be kept as it is.",
                              hint: "Rename the file using letters, digits, spaces, - and _ only, then upload again.")
        }
        return nil
    }

    public static func isSafe(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maxBytes, name != ".", name != "..", !name.hasPrefix("."),
              name == name.precomposedStringWithCanonicalMapping else { return false }
        return !name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || "/\\%:*?\"<>|".unicodeScalars.contains($0) }
    }
}
