import FolioCore
import Foundation

/// The person or device making a change: their signing key, and whom they act for when they are a
/// delegate (代理人).
public struct Actor: Sendable {
    public let identity: SigningIdentity
    public let onBehalfOf: String?

    public init(identity: SigningIdentity, onBehalfOf: String? = nil) {
        self.identity = identity
        self.onBehalfOf = onBehalfOf
    }

    public var id: String { identity.principal }

    /// Loads a key file and checks it belongs to `principal` (the `--as` person).
    public static func load(keyFile: String, as principal: String?, onBehalfOf: String?) throws(FolioError) -> Actor {
        let bytes: [UInt8]
        do { bytes = try FileIO.readAll(keyFile) } catch {
            let why = FileIO.whyUnreadable(keyFile).map { "it " + $0 } ?? "there is no such file"
            throw FolioError(.badKeyFile, "Cannot read the key file \(keyFile): \(why).",
                             hint: "Pass the key file you were given with --key FILE or set FOLIO_KEY.")
        }
        guard let file = try? JSONDecoder().decode(KeyFile.self, from: Data(bytes)) else {
            throw FolioError(.badKeyFile, "\(keyFile) is not a folio key file.",
                             hint: "Use the file written by `folio key new`.")
        }
        if let principal, principal != file.principal {
            throw FolioError(.wrongKey, "The key file \(keyFile) belongs to \(file.principal), not \(principal).",
                             hint: "Use \(principal)'s own key file, or act as \(file.principal).")
        }
        return Actor(identity: try file.identity(), onBehalfOf: onBehalfOf)
    }

    public func sign(_ kind: EventKind, school: String, student: String? = nil, at: Instant,
                     body: some Encodable) throws(FolioError) -> StoredEvent {
        do {
            let event = Event(kind: kind, school: school, author: id, key: identity.publicKeyText,
                              onBehalfOf: onBehalfOf, at: at, student: student, body: try CanonicalJSON.toValue(body))
            return try StoredEvent(SignedEvent.sign(event, with: identity))
        } catch {
            throw FolioError(.internalError, "Could not sign the record: \(error).", hint: "Report this to the IT section.")
        }
    }
}
