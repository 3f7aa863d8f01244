import Crypto
import Foundation

/// An Ed25519 key pair held by a person or a device. Private keys live in a key file the person
/// holds, never inside a workspace.
public struct SigningIdentity: Sendable {
    public let principal: String
    /// Raw 32-byte seed; the Crypto key type is not `Sendable`, so it is rebuilt where it is used.
    private let seed: Data

    public init(principal: String, privateKey: Curve25519.Signing.PrivateKey) {
        self.principal = principal
        self.seed = privateKey.rawRepresentation
    }

    public var privateKey: Curve25519.Signing.PrivateKey {
        // The seed came from a valid key, so this cannot fail.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }

    /// A new random key pair.
    public static func generate(principal: String) -> SigningIdentity {
        SigningIdentity(principal: principal, privateKey: Curve25519.Signing.PrivateKey())
    }

    public var publicKeyText: String { privateKey.publicKey.rawRepresentation.base64EncodedString() }

    /// The X25519 key that bundles are encrypted to, derived from the signing seed with HKDF-SHA256: a key
    /// file holds one secret, and a person who can sign can also open what is sent to them. The two keys
    /// share nothing an outsider can use (HKDF output is independent of the Ed25519 public key).
    public var agreementKey: Curve25519.KeyAgreement.PrivateKey {
        let derived = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: seed), salt: Array("folio encryption key".utf8),
                                             info: [], outputByteCount: 32)
        // Any 32 bytes are an X25519 private key (it is clamped when used), so this cannot fail.
        return derived.withUnsafeBytes { try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: $0) }
    }

    /// The public half of `agreementKey`, base64: what the school registers as this principal's encryption key.
    public var encryptionKeyText: String { agreementKey.publicKey.rawRepresentation.base64EncodedString() }

    public func sign(_ bytes: [UInt8]) throws -> String {
        try privateKey.signature(for: bytes).base64EncodedString()
    }
}

public enum SignatureCheck {
    /// True when `signature` (base64) is a valid Ed25519 signature of `bytes` by `publicKey` (base64).
    public static func isValid<D: DataProtocol>(signature: String, bytes: D, publicKey: String) -> Bool {
        guard let sig = Data(base64Encoded: signature),
              let raw = Data(base64Encoded: publicKey),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
        return key.isValidSignature(sig, for: bytes)
    }

    public static func isPublicKey(_ text: String) -> Bool {
        guard let raw = Data(base64Encoded: text) else { return false }
        return (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)) != nil
    }

    /// The X25519 public key in `text` (base64), or nil.
    public static func encryptionKey(_ text: String) -> Curve25519.KeyAgreement.PublicKey? {
        guard let raw = Data(base64Encoded: text), raw.count == 32 else { return nil }
        return try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw)
    }
}

/// The key file a person holds (mode 0600, never inside a workspace): the principal id, the public key, and
/// the private key sealed with a passphrase (scrypt, then ChaCha20-Poly1305). The older `folio-key/1` form
/// kept the private key in plain text; it is still read, to be sealed with `folio key protect`.
public struct KeyFile: Codable, Sendable {
    public static let sealedFormat = "folio-key/2"
    public static let plainFormat = "folio-key/1"

    public var format: String
    public var principal: String
    public var publicKey: String
    /// The public half of the encryption key derived from this key (`SigningIdentity.encryptionKeyText`), to
    /// register beside `publicKey`. Not sealed: it is checked against the key whenever the key is opened.
    public var encryptionKey: String?
    /// `folio-key/1` only: the private key in plain text.
    public var privateKey: String?
    /// `folio-key/2`: how the passphrase becomes the sealing key, and the salt.
    public var scrypt: ScryptCost?
    public var salt: String?
    /// `folio-key/2`: the private key sealed with ChaCha20-Poly1305 (nonce, ciphertext and tag, base64).
    public var sealed: String?
    /// Set on the published demo keys (the sample school's): they protect nothing, and only a demo school
    /// accepts them.
    public var demoOnly: Bool?

    /// A plain `folio-key/1` file (kept for reading old files and for tests of refusing them).
    public init(plain identity: SigningIdentity, demoOnly: Bool = false) {
        format = Self.plainFormat
        principal = identity.principal
        publicKey = identity.publicKeyText
        privateKey = identity.privateKey.rawRepresentation.base64EncodedString()
        encryptionKey = identity.encryptionKeyText
        self.demoOnly = demoOnly ? true : nil
    }

    /// A key file sealed with `passphrase`.
    public init(identity: SigningIdentity, passphrase: String, cost: ScryptCost = .keyFile,
                demoOnly: Bool = false) throws(FolioError) {
        format = Self.sealedFormat
        principal = identity.principal
        publicKey = identity.publicKeyText
        encryptionKey = identity.encryptionKeyText
        var saltBytes = [UInt8](repeating: 0, count: 16)
        for i in saltBytes.indices { saltBytes[i] = UInt8.random(in: 0...255) }
        // A published demo key protects nothing; a salt fixed by its public key keeps the sample and
        // generated demo schools byte for byte the same each time they are made.
        if demoOnly { saltBytes = Array(SHA256.hash(data: Data(("folio-demo-salt\n" + identity.publicKeyText).utf8)).prefix(16)) }
        let key = try cost.derive(passphrase, salt: saltBytes)
        do {
            // The nonce comes from the salt for a demo key (same file every time); it is random otherwise.
            let nonce = demoOnly ? try ChaChaPoly.Nonce(data: saltBytes.prefix(12)) : ChaChaPoly.Nonce()
            let box = try ChaChaPoly.seal(identity.privateKey.rawRepresentation, using: key, nonce: nonce,
                                          authenticating: Array(Self.associated(principal, publicKey).utf8))
            sealed = box.combined.base64EncodedString()
        } catch {
            throw FolioError(.internalError, Message("key.sealFailed", ["error": "\(error)"]), hint: Message("internal.report.hint"))
        }
        scrypt = cost
        salt = Data(saltBytes).base64EncodedString()
        self.demoOnly = demoOnly ? true : nil
    }

    /// The principal and public key are bound to the sealed key, so neither can be swapped in the file.
    private static func associated(_ principal: String, _ publicKey: String) -> String {
        "folio-key/2\n" + principal + "\n" + publicKey
    }

    public var isSealed: Bool { format == Self.sealedFormat }

    /// Reads a key file's JSON, or nil when the bytes are not one.
    public static func parse(_ bytes: [UInt8]) -> KeyFile? {
        guard let file = try? JSONDecoder().decode(KeyFile.self, from: Data(bytes)),
              file.format == sealedFormat || file.format == plainFormat else { return nil }
        return file
    }

    /// The public key in a key file (sealed, plain, or the `.pub` JSON `folio key new` writes), or nil.
    public static func publicKey(in bytes: [UInt8]) -> String? {
        guard let file = try? JSONDecoder().decode(PublicPart.self, from: Data(bytes)),
              file.format.hasPrefix("folio-key/") || file.format == "folio-public-key/1",
              SignatureCheck.isPublicKey(file.publicKey) else { return nil }
        return file.publicKey
    }

    /// The encryption key in a key file or `.pub` file, or nil when it names none (a key file written before
    /// encryption keys existed: `folio key protect` adds it).
    public static func encryptionKey(in bytes: [UInt8]) -> String? {
        guard let file = try? JSONDecoder().decode(PublicPart.self, from: Data(bytes)),
              let key = file.encryptionKey, SignatureCheck.encryptionKey(key) != nil else { return nil }
        return key
    }

    private struct PublicPart: Decodable {
        var format: String
        var publicKey: String
        var encryptionKey: String?
    }

    /// The signing key. A sealed file needs its passphrase; a wrong one is told apart from a damaged file
    /// only as far as cryptography allows (both fail to open).
    public func identity(passphrase: String?) throws(FolioError) -> SigningIdentity {
        let raw: Data
        if isSealed {
            guard let cost = scrypt, let salt = salt.flatMap({ Data(base64Encoded: $0) }),
                  let sealedText = sealed, let combined = Data(base64Encoded: sealedText) else {
                throw FolioError(.badKeyFile, Message("key.file.damaged", ["principal": principal]), hint: Message("key.file.damaged.hint"))
            }
            guard let passphrase else {
                throw FolioError(.badKeyFile, "key.file.noPassphrase", ["principal": principal])
            }
            let key = try cost.derive(passphrase, salt: Array(salt))
            guard let box = try? ChaChaPoly.SealedBox(combined: combined),
                  let opened = try? ChaChaPoly.open(box, using: key, authenticating: Array(Self.associated(principal, publicKey).utf8)) else {
                throw FolioError(.badKeyFile, "key.file.wrongPassphrase", ["principal": principal])
            }
            raw = opened
        } else {
            guard let text = privateKey, let plain = Data(base64Encoded: text) else {
                throw FolioError(.badKeyFile, Message("key.file.damaged", ["principal": principal]), hint: Message("key.file.damaged.hint"))
            }
            raw = plain
        }
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw),
              key.publicKey.rawRepresentation.base64EncodedString() == publicKey else {
            throw FolioError(.badKeyFile, Message("key.file.halvesDiffer", ["principal": principal]), hint: Message("key.file.damaged.hint"))
        }
        let identity = SigningIdentity(principal: principal, privateKey: key)
        if let encryptionKey, encryptionKey != identity.encryptionKeyText {
            throw FolioError(.badKeyFile, Message("key.file.encryptionKeyDiffers", ["principal": principal]), hint: Message("key.file.damaged.hint"))
        }
        return identity
    }
}
