/// An event kept out of the view, with the rule it broke. Problems are reported by `folio status` and
/// `folio verify`; the event itself stays on disk, never silently dropped.
public struct Problem: Codable, Hashable, Sendable {
    public var event: String
    public var code: FolioError.Code
    public var message: String
    public var hint: String

    /// The message is kept in English whatever language folio is speaking: problems are part of the views
    /// written to disk (manifest.json, school.json), which must come out the same from the same records.
    public init(event: String, error: FolioError) {
        self.event = event
        self.code = error.code
        self.message = error.what.text(.en)
        self.hint = error.next.text(.en)
    }

    public var error: FolioError { FolioError(code, message, hint: hint) }
}
