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

    /// Loads a key file and checks it belongs to `principal` (the `--as` person). The file must be readable
    /// by its owner alone and sealed with a passphrase (`passphrase` is asked only then); a published demo
    /// key is accepted only by a demo school (`demo`, by default the workspace this process opened).
    public static func load(keyFile: String, as principal: String?, onBehalfOf: String?,
                            demo: Bool = DemoSchool.isOpen,
                            passphrase: () -> String?) throws(FolioError) -> Actor {
        let bytes: [UInt8]
        do { bytes = try FileIO.readAll(keyFile) } catch {
            let why = FileIO.whyUnreadable(keyFile).map { Message("actor.keyFile.it", ["why": $0]) }
                ?? Message("actor.keyFile.noSuchFile")
            throw FolioError(.badKeyFile, "actor.keyFile.unreadable", ["file": keyFile, "why": why])
        }
        guard let file = KeyFile.parse(bytes) else {
            throw FolioError(.badKeyFile, "actor.keyFile.notAKeyFile", ["file": keyFile])
        }
        if let principal, principal != file.principal {
            throw FolioError(.wrongKey, "actor.keyFile.someoneElses", ["file": keyFile, "owner": file.principal, "principal": principal])
        }
        if file.demoOnly == true || DemoKeys.isPublished(file.publicKey) {
            guard demo else {
                throw FolioError(.wrongKey, "actor.keyFile.demo", ["file": keyFile])
            }
        } else {
            // Published demo keys live in a git checkout, which cannot keep mode 0600; they protect nothing.
            try checkPrivate(keyFile)
        }
        guard file.isSealed else {
            throw FolioError(.badKeyFile, "actor.keyFile.plain", ["file": keyFile])
        }
        return Actor(identity: try file.identity(passphrase: passphrase()), onBehalfOf: onBehalfOf)
    }

    /// A key file others can read (or write) is refused: anyone on the machine could have copied it.
    static func checkPrivate(_ path: String) throws(FolioError) {
        var st = stat()
        guard stat(path, &st) == 0 else { return }
        if st.st_mode & 0o077 != 0 {
            throw FolioError(.badKeyFile, "actor.keyFile.shared", ["file": path, "mode": String(st.st_mode & 0o777, radix: 8)])
        }
    }

    public func sign(_ kind: EventKind, school: String, student: String? = nil, at: Instant,
                     body: some Encodable) throws(FolioError) -> StoredEvent {
        do {
            let event = Event(kind: kind, school: school, author: id, key: identity.publicKeyText,
                              onBehalfOf: onBehalfOf, at: at, student: student, body: try CanonicalJSON.toValue(body))
            return try StoredEvent(SignedEvent.sign(event, with: identity))
        } catch {
            throw FolioError(.internalError, Message("actor.signFailed", ["error": "\(error)"]), hint: Message("internal.reportIT.hint"))
        }
    }
}
