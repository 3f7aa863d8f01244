import FolioCore
import Foundation

/// What one backup holds, signed by whoever made it: the workspace it came from, when, and the listing of each
/// of its parts by the SHA-256 of that listing's bytes. The listings name every file by its SHA-256 in turn,
/// so this one signature covers every byte of the backup: an object changed on the disk no longer matches its
/// name, a listing changed no longer matches the snapshot, and a snapshot changed no longer matches its
/// signature or its own name. Kept in the backup place as `snapshots/<number>-<id>.json` (the number in six
/// digits or more), where the id is the SHA-256 of the snapshot's canonical JSON (without the signature), as a
/// record's id is; the number in the name lets a backup find the newest without reading them all.
public struct BackupSnapshot: Codable, Sendable, Equatable {
    public struct Part: Codable, Sendable, Equatable {
        /// "" for the workspace outside students' folders, else `students/<number>`.
        public var path: String
        /// SHA-256 of the listing's bytes: the name of its object.
        public var listing: String
        public var entries: Int
    }

    public static let currentFormat = "folio-backup/1"

    public var format: String = currentFormat
    public var school: String
    public var name: String
    public var replica: String
    /// 1 for the first backup in a place, then one more each time: the order of snapshots even when a demo
    /// school's clock (`FOLIO_NOW`) stands still.
    public var number: Int
    /// The id of the snapshot before it in the same place: a chain, so that `folio backup list` can tell
    /// when one has gone missing from between others.
    public var previous: String?
    public var taken: Instant
    /// Who signed it, and with which key (base64): someone the school registered, checked again on restore.
    public var signer: String
    public var key: String
    public var files: Int
    public var folders: Int
    public var bytes: Int64
    /// The permission bits of the workspace's own folder.
    public var rootMode: Int
    public var parts: [Part]

    /// The file name of a snapshot with this number and id.
    static func fileName(number: Int, id: String) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits + "-" + id + ".json"
    }

    /// The number a snapshot's file name gives, or nil when the name is not one `fileName` makes.
    static func number(inName name: String) -> Int? {
        guard name.hasSuffix(".json"), let dash = name.firstIndex(of: "-") else { return nil }
        return Int(name[..<dash])
    }

    /// The bytes that are hashed for the id and signed: the same bytes as `CanonicalJSON.encode(self)`, with the
    /// parts (one per student) written straight out rather than built as a tree first, since every backup writes
    /// a snapshot and reads the one before it.
    func canonicalBytes() throws(FolioError) -> [UInt8] {
        var rest = self
        rest.parts = []
        guard case .object(let members)? = try? CanonicalJSON.toValue(rest) else {
            throw FolioError(.internalError, Message("backup.encodeFailed"), hint: Message("internal.reportIT.hint"))
        }
        var writers = members.mapValues { value -> (inout [UInt8]) -> Void in { CanonicalJSON.write(value, into: &$0) } }
        writers["parts"] = { [parts] out in
            out.append(UInt8(ascii: "["))
            for (n, p) in parts.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                // Keys in byte order: entries, listing, path.
                out += Array("{\"entries\":\(p.entries),\"listing\":".utf8)
                CanonicalJSON.writeString(p.listing, into: &out)
                out += Array(",\"path\":".utf8)
                CanonicalJSON.writeString(p.path, into: &out)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        }
        var out: [UInt8] = []
        out.reserveCapacity(1024 + parts.count * 130)
        CanonicalJSON.writeObject(writers, into: &out)
        return out
    }
}

/// A snapshot with its signature, as its file holds it: `{"signature":…,"snapshot":{…}}` in canonical JSON.
struct SignedSnapshot: Codable {
    var signature: String
    var snapshot: BackupSnapshot

    static func sign(_ snapshot: BackupSnapshot, with identity: SigningIdentity) throws(FolioError) -> (id: String, file: [UInt8]) {
        let bytes = try snapshot.canonicalBytes()
        do {
            // `{"signature":…,"snapshot":…}`, canonical: the keys in byte order, the snapshot as signed.
            var file = Array("{\"signature\":".utf8)
            CanonicalJSON.writeString(try identity.sign(bytes), into: &file)
            file += Array(",\"snapshot\":".utf8) + bytes + [UInt8(ascii: "}")]
            return (SHA256Hex.of(bytes), file)
        } catch {
            throw FolioError(.internalError, Message("backup.encodeFailed"), hint: Message("internal.reportIT.hint"))
        }
    }
}

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

/// Whether a snapshot's signer may vouch for a backup of this school: a key the school registered for them (or
/// the school root), not revoked by the time the snapshot was taken. The same rule as for any record's key
/// (`Authority.checkKey`), applied when a backup is made and again, against the backup's own records, when
/// it is restored.
enum BackupSigner {
    /// `said`: the start of the messages' keys, `backup` or `restore`, which say what to do next differently.
    static func check(_ signer: String, key: String, at taken: Instant, school: SchoolState, said: String) -> FolioError? {
        let known = signer == SchoolState.rootPrincipal ? [school.rootKey] : (school.keys[signer] ?? [])
        guard known.contains(key) else {
            return FolioError(.wrongKey, said + ".signer.unknown", ["signer": signer])
        }
        if let since = school.revoked[key], since <= taken {
            return FolioError(.wrongKey, said + ".signer.revoked", ["signer": signer, "since": since.taipeiText])
        }
        return nil
    }
}
