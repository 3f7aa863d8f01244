/// An event kept out of the view, with the rule it broke. Problems are reported by `folio status` and
/// `folio verify`; the event itself stays on disk, never silently dropped.
public struct Problem: Codable, Hashable, Sendable {
    public var event: String
    public var code: FolioError.Code
    /// The message and hint in English, as they are written into the views on disk (manifest.json,
    /// school.json), which must come out the same from the same records whatever language folio speaks.
    public var message: String
    public var hint: String
    /// The same, as catalog messages, when the problem was just found (not read back from a view): a refusal
    /// is then shown in the user's language.
    private var what: Message?
    private var next: Message?

    private enum CodingKeys: String, CodingKey { case event, code, message, hint }

    public init(event: String, error: FolioError) {
        self.event = event
        self.code = error.code
        self.message = error.what.text(.en)
        self.hint = error.next.text(.en)
        what = error.what
        next = error.next
    }

    public var error: FolioError {
        FolioError(code, what ?? .verbatim(message), hint: next ?? .verbatim(hint))
    }

    public static func == (a: Problem, b: Problem) -> Bool {
        a.event == b.event && a.code == b.code && a.message == b.message && a.hint == b.hint
    }

    public func hash(into h: inout Hasher) {
        h.combine(event)
        h.combine(code)
        h.combine(message)
        h.combine(hint)
    }
}
