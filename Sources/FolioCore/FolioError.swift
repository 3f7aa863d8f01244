/// The error every FolioCore and FolioWorkspace operation throws: which rule was broken, what happened
/// in words a school clerk understands, and what to do next. The CLI prints `error:` and `hint:` lines.
public struct FolioError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable names for the rules and failures; tests and `--json` output use them.
    public enum Code: String, Sendable, Codable {
        case badNationalID, badDate, badTerm, badInput, badCSV, badKeyFile, wrongKey, unknownPerson
        case unknownStudent, unknownCourse, unknownItem, unknownCategory
        case notAuthorised, delegateNotAllowed, outsideWindow, noCalendar
        case uploadLimit, selectionLimit, notCertified, fileType, fileTooLarge, descriptionLength
        case missingField, versionChanged, notEnrolled, duplicate, conflict
        case workspaceMissing, workspaceExists, workspaceBusy, workspaceDamaged, io
        case verificationFailed, badBundle, internalError
        /// A stored record whose signature no longer matches its contents: it was changed after signing.
        case tampered
    }

    public let code: Code
    /// What happened, and what to do next: rendered in the user's language when shown.
    public let what: Message
    public let next: Message

    /// What happened, in the language messages are shown in (`Messages.language`).
    public var message: String { what.text() }
    /// What to do next, in that language.
    public var hint: String { next.text() }

    /// `key` names what happened in the message catalogs; what to do next is `key.hint` unless `hint` names it.
    public init(_ code: Code, _ key: String, _ values: [String: any MessageValue] = [:], hint: Message? = nil) {
        self.code = code
        what = Message(key, values)
        next = hint ?? Message(key + ".hint", values)
    }

    public init(_ code: Code, _ what: Message, hint next: Message) {
        self.code = code
        self.what = what
        self.next = next
    }

    /// Text another program already wrote (a system error, libarchive, a report read back from disk), shown as it
    /// is in every language. The label keeps a sentence typed here from passing as a catalog key.
    public init(_ code: Code, verbatim message: String, hint: String) {
        self.code = code
        what = .verbatim(message)
        next = .verbatim(hint)
    }

    public var description: String { "\(message) (\(hint))" }
}
