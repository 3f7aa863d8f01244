/// Item ids are the first ten hex digits of a digest over what identifies the upload, so two kiosks
/// never mint the same id and the same upload replayed gets the same id.
public enum ItemID {
    public static func make(school: String, student: String, term: Term, category: String, course: String?,
                            description: String, author: String, at: Instant) -> String {
        let text = ["item", school, student, term.description, category, course ?? "", description, author,
                    at.description].joined(separator: "\n")
        return String(SHA256Hex.of(Array(text.utf8)).prefix(10))
    }
}
