import FolioCore

/// What `folio restore` did.
public struct RestoreReport: Sendable, Encodable {
    public var workspace: String
    public var snapshot: String
    public var number: Int
    public var taken: Instant
    public var signer: String
    public var school: String
    public var name: String
    public var replica: String
    public var files: Int
    public var folders: Int
    public var bytes: Int64
    /// The fingerprint of the school root the restored workspace pins, as confirmed.
    public var fingerprint: String
}
