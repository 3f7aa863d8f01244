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
