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
    public let message: String
    public let hint: String

    public init(_ code: Code, _ message: String, hint: String) {
        self.code = code
        self.message = message
        self.hint = hint
    }

    public var description: String { "\(message) (\(hint))" }
}
