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
}

/// The key file a person holds (mode 0600): JSON with the principal id and both halves of the key.
public struct KeyFile: Codable, Sendable {
    public var format: String = "folio-key/1"
    public var principal: String
    public var publicKey: String
    public var privateKey: String
    /// Set on the sample school's keys: they are published in the repository and protect nothing.
    public var demoOnly: Bool?

    public init(identity: SigningIdentity, demoOnly: Bool = false) {
        self.principal = identity.principal
        self.publicKey = identity.publicKeyText
        self.privateKey = identity.privateKey.rawRepresentation.base64EncodedString()
        self.demoOnly = demoOnly ? true : nil
    }

    public func identity() throws(FolioError) -> SigningIdentity {
        guard let raw = Data(base64Encoded: privateKey),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw),
              key.publicKey.rawRepresentation.base64EncodedString() == publicKey else {
            throw FolioError(.badKeyFile, "The key file for \(principal) is damaged: its two halves do not match.",
                             hint: "Use the key file you were given, or ask the IT section (資訊組) for a new key.")
        }
        return SigningIdentity(principal: principal, privateKey: key)
    }
}
