import Foundation

/// The plain first entry of a sealed bundle, `envelope.json`: what routing needs and nothing more, the file
/// key sealed to each recipient, and the sender's signature over both.
///
/// A sealed bundle is a plain tar that bsdtar lists: `envelope.json`, then the sealed content cut into
/// `payload/NNNNNNNN` entries. The content, once opened, is an ordinary `folio-bundle/1` bundle (its own
/// signed `bundle.json`, records and files), checked exactly as one read from a stick in the clear, and its
/// header must say the same as the envelope (`agrees(with:)`). Nothing here names a student: the scope,
/// the entries and every path stay inside.
public struct BundleEnvelope: Codable, Hashable, Sendable {
    public static let format = "folio-sealed-bundle/1"
    public static let entryName = "envelope.json"
    /// The folder of the sealed content's pieces; `envelope.json` sorts before it.
    public static let payloadFolder = "payload/"
    /// Sealed bytes per `payload/` entry (64 chunks of `StreamCipher`): a piece is read, or written, whole.
    public static let pieceSize = 64 * (StreamCipher.chunkSize + StreamCipher.tagSize)

    public var format: String
    public var kind: BundleKind
    public var school: String
    public var sender: BundleParty
    /// The sender's public key (base64 Ed25519), as in the bundle's own header.
    public var key: String
    public var recipient: BundleParty
    public var sequence: Int
    public var created: Instant
    /// The file key sealed to each reader's encryption key, and the payload nonce.
    public var sealed: StreamCipher.Envelope

    public init(header: BundleHeader, sealed: StreamCipher.Envelope) {
        format = Self.format
        kind = header.kind
        school = header.school
        sender = header.sender
        key = header.key
        recipient = header.recipient
        sequence = header.sequence
        created = header.created
        self.sealed = sealed
    }

    /// The name of the `n`th piece (from 1): eight digits, so they sort in order.
    public static func pieceName(_ n: Int) -> String { payloadFolder + String(format: "%08d", n) }

    /// What binds the sealed content to this bundle: the routing fields, so content sealed for one bundle
    /// does not open under another's envelope.
    public static func context(_ header: BundleHeader) -> [UInt8] {
        context(kind: header.kind, school: header.school, sender: header.sender, sequence: header.sequence, created: header.created)
    }

    public var context: [UInt8] {
        Self.context(kind: kind, school: school, sender: sender, sequence: sequence, created: created)
    }

    private static func context(kind: BundleKind, school: String, sender: BundleParty, sequence: Int, created: Instant) -> [UInt8] {
        Array("\(format)\n\(school)\n\(kind.rawValue)\n\(sender.replica ?? "")\n\(sender.person ?? "")\n\(sequence)\n\(created)".utf8)
    }

    /// Whether the bundle's own signed header says what this envelope says.
    public func agrees(with header: BundleHeader) -> Bool {
        header.kind == kind && header.school == school && header.sender == sender && header.key == key
            && header.recipient == recipient && header.sequence == sequence && header.created == created
    }

    /// The envelope as a header without entries, for the checks that need only who sent it to whom.
    public var routing: BundleHeader {
        BundleHeader(kind: kind, school: school, sender: sender, key: key, recipient: recipient, sequence: sequence,
                     created: created, scope: [], holds: [], entries: [])
    }

    /// The principals the file key is sealed to.
    public var readers: [String] { sealed.wraps.map(\.recipient) }
}

/// `envelope.json` as stored: the envelope and the sender's Ed25519 signature over its canonical JSON.
public struct SignedBundleEnvelope: Codable, Hashable, Sendable {
    public var envelope: BundleEnvelope
    public var signature: String

    public static func sign(_ envelope: BundleEnvelope, with identity: SigningIdentity) throws -> SignedBundleEnvelope {
        SignedBundleEnvelope(envelope: envelope, signature: try identity.sign(try CanonicalJSON.encode(envelope)))
    }

    public init(envelope: BundleEnvelope, signature: String) {
        self.envelope = envelope
        self.signature = signature
    }

    public var signatureIsValid: Bool {
        guard let bytes = try? CanonicalJSON.encode(envelope) else { return false }
        return SignatureCheck.isValid(signature: signature, bytes: bytes, publicKey: envelope.key)
    }

    public func fileBytes() throws -> [UInt8] { try CanonicalJSON.encode(self) }


    /// Reads `envelope.json`; nil when the bytes are not one of folio's envelopes.
    public static func read(_ bytes: [UInt8]) -> SignedBundleEnvelope? {
        guard let signed = try? JSONDecoder().decode(SignedBundleEnvelope.self, from: Data(bytes)),
              signed.envelope.format == BundleEnvelope.format else { return nil }
        return signed
    }
}
