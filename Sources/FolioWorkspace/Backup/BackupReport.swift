import FolioCore
import Foundation

/// A path and what a backup found about it: a file of the workspace it could not keep, or a snapshot file of a
/// backup folder that is not whole.
public struct BackupFinding: Sendable, Encodable {
    public let path: String
    public let why: Message

    private enum CodingKeys: String, CodingKey { case path, why }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        // Scripts read the same English whatever language folio speaks.
        try c.encode(why.text(.en), forKey: .why)
    }
}

/// What `folio backup` did.
public struct BackupReport: Sendable, Encodable {
    public var place: String
    public var snapshot: String
    public var number: Int
    public var taken: Instant
    public var signer: String
    public var files: Int
    public var folders: Int
    public var bytes: Int64
    /// Files read and hashed because the last backup had not seen them as they are now (`BackupStamps`).
    public var read: Int
    /// Objects written to the place (each flushed, read back from the disk and checked), and those already there.
    public var newObjects: Int
    public var newBytes: Int64
    public var keptObjects: Int
    public var skipped: [BackupFinding]
    /// The newest snapshot already in the place, when it was not found whole (the new one does not follow it).
    public var damagedNewest: String?
}
