import FolioCore
import Foundation

/// A backup folder changed the way someone holding its disk would change it: damaged objects and snapshots,
/// and snapshots signed anew, by a key the school never registered or (an insider) by a registered one, for the
/// tests of what `folio restore` refuses.
public struct BackupForgery {
    public let place: String

    public init(place: String) { self.place = place }

    /// Every object's path in the folder, relative to it (`objects/ab/ab…`).
    public func objects() -> Set<String> {
        let fm = FileManager.default
        var out = Set<String>()
        for prefix in (try? fm.contentsOfDirectory(atPath: place + "/objects")) ?? [] {
            for name in (try? fm.contentsOfDirectory(atPath: place + "/objects/" + prefix)) ?? [] { out.insert("objects/\(prefix)/\(name)") }
        }
        return out
    }

    /// The path of the object holding bytes whose SHA-256 is `sha256`.
    public func object(_ sha256: String) -> String { place + "/objects/" + sha256.prefix(2) + "/" + sha256 }

    /// The snapshot files, oldest first.
    public func snapshotFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: place + "/snapshots")) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    /// The newest snapshot's file, as a path.
    public func newestSnapshot() throws -> String {
        guard let name = snapshotFiles().last else { throw FolioHarnessError("no snapshot in \(place)") }
        return place + "/snapshots/" + name
    }

    /// Stores `bytes` as an object, as folio would, and returns its SHA-256.
    @discardableResult
    public func store(_ bytes: [UInt8]) throws -> String {
        let sha = SHA256Hex.of(bytes)
        let path = object(sha)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return sha
    }

    /// Changes the newest snapshot with `edit` and signs it anew with `identity`, naming it by its new id, in place
    /// of the old one: what someone holding the disk and a key would do. The snapshot names `identity`'s key.
    public func resign(with identity: SigningIdentity, edit: (inout [String: JSONValue]) throws -> Void = { _ in }) throws {
        let old = try newestSnapshot()
        let file = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: old)))
        guard case .object(var snapshot)? = file["snapshot"] else { throw FolioHarnessError("\(old) holds no snapshot") }
        try edit(&snapshot)
        snapshot["key"] = .string(identity.publicKeyText)
        let body = CanonicalJSON.serialize(.object(snapshot))
        let id = SHA256Hex.of(body)
        let signed = CanonicalJSON.serialize(.object(["signature": .string(try identity.sign(body)), "snapshot": .object(snapshot)]))
        guard case .int(let number)? = snapshot["number"] else { throw FolioHarnessError("\(old) has no number") }
        try FileManager.default.removeItem(atPath: old)
        let name = String(format: "%06d", Int(number)) + "-" + id + ".json"
        try Data(signed).write(to: URL(fileURLWithPath: place + "/snapshots/" + name))
    }

    /// Adds `lines` to the listing of the part `part` ("" for everything outside students' folders) in the newest
    /// snapshot, stores that listing, and signs the snapshot anew with `identity`.
    public func addToListing(_ lines: [String], part: String = "", signingWith identity: SigningIdentity) throws {
        try resign(with: identity) { snapshot in
            guard case .array(var parts)? = snapshot["parts"],
                  let i = parts.firstIndex(where: { $0["path"] == .string(part) }),
                  case .object(var entry) = parts[i], case .string(let listing)? = entry["listing"],
                  case .int(let count)? = entry["entries"] else { throw FolioHarnessError("no part \(part)") }
            let bytes = try Data(contentsOf: URL(fileURLWithPath: object(listing)))
            let added = Array(bytes) + Array(lines.map { $0 + "\n" }.joined().utf8)
            entry["listing"] = .string(try store(added))
            entry["entries"] = .int(count + Int64(lines.count))
            parts[i] = .object(entry)
            snapshot["parts"] = .array(parts)
        }
    }

    /// A demo key file opened with the published passphrase: an insider's registered key.
    public static func identity(keyFile: String, passphrase: String = DemoKeys.passphrase) throws -> SigningIdentity {
        guard let file = KeyFile.parse(Array(try Data(contentsOf: URL(fileURLWithPath: keyFile)))) else {
            throw FolioHarnessError("\(keyFile) is not a key file")
        }
        return try file.identity(passphrase: passphrase)
    }
}
