/// Item ids are the first ten hex digits of a digest over what identifies the upload, its files' SHA-256s
/// included, so two uploads of different files never share an id whatever the clock (two kiosks in the same
/// second, a script), and the same upload replayed gets the same id.
///
/// An item id becomes part of a path (`students/<no>/files/<item>/…`), so it has exactly one form and is
/// checked wherever it arrives: in the fold (an upload, decision or selection naming anything else is held
/// back), in a bundle's checks (refused before any path is built from it) and where a person types one.
/// Anything else, `../../../x` or `a/b`, is never an item id.
public enum ItemID {
    /// How many characters an item id has.
    public static let length = 10
    /// The fewest characters of an id a person may type to name an item.
    public static let shortestPrefix = 4

    /// `files`: the SHA-256s of the upload's files; `attempt`: 0, or how many ids this student already had
    /// that the first tries gave (`Uploads` counts up until the id is new for the student).
    public static func make(school: String, student: String, term: Term, category: String, course: String?,
                            description: String, author: String, at: Instant, files: [String] = [], link: String? = nil,
                            attempt: Int = 0) -> String {
        var parts = ["item", school, student, term.description, category, course ?? "", description, author, at.description]
        if !files.isEmpty || link != nil { parts += ["files"] + files.sorted() + [link ?? ""] }
        if attempt > 0 { parts.append("attempt \(attempt)") }
        return String(SHA256Hex.of(Array(parts.joined(separator: "\n").utf8)).prefix(length))
    }

    /// Exactly ten characters, each `0`–`9` or `a`–`f`.
    public static func isValid(_ id: String) -> Bool {
        id.utf8.count == length && isLowercaseHex(id)
    }

    /// What a person may type for an item: the first four to ten characters of an id.
    public static func isValidPrefix(_ prefix: String) -> Bool {
        (shortestPrefix...length).contains(prefix.utf8.count) && isLowercaseHex(prefix)
    }

    private static func isLowercaseHex(_ text: String) -> Bool {
        text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The refusal of something that is not an item id, in a record or a bundle.
    public static func malformed(_ id: String) -> FolioError {
        FolioError(.badInput, "item.id.malformed", ["id": printable(id), "length": length])
    }

    /// An id as it may be shown in one line: control characters as `?`, at most 40 characters.
    public static func printable(_ id: String) -> String {
        let shown = String(String.UnicodeScalarView(id.unicodeScalars.prefix(40).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
        return id.unicodeScalars.count > 40 ? shown + "…" : shown
    }
}
