import FolioCore
import Foundation

/// A snapshot file read from a backup place and found whole: its name is its id, and its signature is valid
/// for the key it names. Whether that key is one the school registered is judged on restore, against the
/// school's own records in the backup (`BackupRestore`).
public struct StoredSnapshot: Sendable {
    public let id: String
    public let snapshot: BackupSnapshot
    public let signature: String

    /// The first twelve hex digits of the id: what people read and type (`--snapshot`).
    public var shortID: String { String(id.prefix(12)) }

    /// What reading a snapshot file found.
    enum Reading: Sendable {
        case whole(StoredSnapshot)
        /// What is wrong with it, in words for a person.
        case damaged(Message)
    }

    /// Reads `snapshots/<name>`.
    static func read(_ path: String, name: String) -> Reading {
        guard let bytes = try? FileIO.readAll(path) else { return .damaged(Message("backup.snapshot.unreadable")) }
        guard let signed = try? JSONDecoder().decode(SignedSnapshot.self, from: Data(bytes)) else {
            return .damaged(Message("backup.snapshot.notSnapshot"))
        }
        guard signed.snapshot.format == BackupSnapshot.currentFormat else {
            return .damaged(Message("backup.snapshot.otherFormat", ["format": signed.snapshot.format]))
        }
        guard let canonical = try? signed.snapshot.canonicalBytes() else { return .damaged(Message("backup.snapshot.notSnapshot")) }
        let id = SHA256Hex.of(canonical)
        guard name == BackupSnapshot.fileName(number: signed.snapshot.number, id: id) else {
            return .damaged(Message("backup.snapshot.edited"))
        }
        guard SignatureCheck.isValid(signature: signed.signature, bytes: canonical, publicKey: signed.snapshot.key) else {
            return .damaged(Message("backup.snapshot.badSignature", ["signer": signed.snapshot.signer]))
        }
        return .whole(StoredSnapshot(id: id, snapshot: signed.snapshot, signature: signed.signature))
    }
}
