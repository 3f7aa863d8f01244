import Crypto
import Foundation

/// Encryption of a bundle's content to its recipients, in chunks, so that a gigabyte is sealed and opened
/// with one chunk in memory.
///
/// The construction is age's (age-encryption.org/v1), with HPKE (RFC 9180) in place of age's own X25519
/// recipient stanza:
/// - a random 32-byte **file key** is sealed to each recipient's X25519 key with HPKE base mode,
///   DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and ChaCha20-Poly1305 (`Wrap`); `info` binds it to the
///   bundle (`context`: the school, sender and sequence the signed header names);
/// - the **payload key** is HKDF-SHA256 of the file key, salted with a random 16-byte nonce and the same context;
/// - the content is cut into 64 KiB chunks, each sealed with ChaCha20-Poly1305 under the payload key and a
///   nonce of an 11-byte big-endian chunk counter and a last-chunk flag (the STREAM construction of Hoang,
///   Reyhanitabar, Rogaway and Vizár), so a chunk moved, dropped, repeated or cut off, or a content ending
///   early at a chunk boundary, fails to open.
///
/// Which key is which is only a name for humans and for routing (`Wrap.recipient`); opening tries the key
/// it is given on every wrap meant for it.
public enum StreamCipher {
    /// Plaintext bytes per chunk. Every chunk but the last is exactly this long; the last is 0…chunkSize.
    public static let chunkSize = 64 * 1024
    /// ChaCha20-Poly1305's tag.
    public static let tagSize = 16
    static var suite: HPKE.Ciphersuite { .Curve25519_SHA256_ChachaPoly }

    /// The file key sealed for one recipient.
    public struct Wrap: Codable, Hashable, Sendable {
        /// Who it is for (a principal's id), so the right key is asked for.
        public var recipient: String
        /// The HPKE encapsulated key and the sealed file key, base64.
        public var enc: String
        public var sealed: String

        public init(recipient: String, enc: String, sealed: String) {
            self.recipient = recipient
            self.enc = enc
            self.sealed = sealed
        }
    }

    /// What a bundle's readers need besides their own key: the wraps and the payload nonce.
    public struct Envelope: Codable, Hashable, Sendable {
        public var wraps: [Wrap]
        /// The 16 random bytes that salt the payload key, base64.
        public var nonce: String

        public init(wraps: [Wrap], nonce: String) {
            self.wraps = wraps
            self.nonce = nonce
        }
    }

    public enum Failure: Error, Equatable, Sendable {
        /// None of the wraps opens with the key given: the bundle is for someone else.
        case notForThisKey
        /// A chunk does not open: changed, moved, cut off, or from another bundle.
        case damaged(chunk: Int)
        /// The content ends early: its last chunk is missing.
        case truncated
        /// The envelope itself cannot be read.
        case malformed
    }

    /// Seals content chunk by chunk for the recipients given.
    /// One per stream, used on one thread.
    public struct Sealer {
        public let envelope: Envelope
        private let key: SymmetricKey
        private var counter: UInt64 = 0
        private var finished = false

        /// `recipients`: each recipient's id and X25519 public key. `context`: what binds the content to its bundle.
        public init(recipients: [(id: String, key: Curve25519.KeyAgreement.PublicKey)], context: [UInt8]) throws {
            let fileKey = SymmetricKey(size: .bits256)
            var wraps: [Wrap] = []
            for r in recipients {
                var sender = try HPKE.Sender(recipientKey: r.key, ciphersuite: suite, info: Data(Self.info(context)))
                let sealed = try fileKey.withUnsafeBytes { try sender.seal(Data($0)) }
                wraps.append(Wrap(recipient: r.id, enc: sender.encapsulatedKey.base64EncodedString(),
                                  sealed: sealed.base64EncodedString()))
            }
            let nonce = SymmetricKey(size: SymmetricKeySize(bitCount: 128)).withUnsafeBytes { Data($0) }
            envelope = Envelope(wraps: wraps, nonce: nonce.base64EncodedString())
            key = StreamCipher.payloadKey(fileKey, nonce: Array(nonce), context: context)
        }

        static func info(_ context: [UInt8]) -> [UInt8] { Array("folio-bundle file key ".utf8) + context }

        /// Seals the next chunk: exactly `chunkSize` bytes, or fewer (possibly none) when `last`.
        public mutating func seal(_ chunk: some DataProtocol, last: Bool) throws -> [UInt8] {
            precondition(!finished, "a sealed stream takes no more chunks")
            precondition(last ? chunk.count <= StreamCipher.chunkSize : chunk.count == StreamCipher.chunkSize)
            let box = try ChaChaPoly.seal(chunk, using: key, nonce: StreamCipher.nonce(counter, last: last))
            counter += 1
            finished = last
            return Array(box.ciphertext) + Array(box.tag)
        }
    }

    /// Opens sealed content chunk by chunk with one recipient's private key.
    /// One per stream, used on one thread.
    public struct Opener {
        private let key: SymmetricKey
        private var counter: UInt64 = 0
        public private(set) var finished = false

        public init(_ envelope: Envelope, privateKey: Curve25519.KeyAgreement.PrivateKey, context: [UInt8]) throws(Failure) {
            guard let nonce = Data(base64Encoded: envelope.nonce), nonce.count == 16 else { throw .malformed }
            for wrap in envelope.wraps {
                guard let enc = Data(base64Encoded: wrap.enc), let sealed = Data(base64Encoded: wrap.sealed) else { continue }
                guard var recipient = try? HPKE.Recipient(privateKey: privateKey, ciphersuite: suite,
                                                           info: Data(Sealer.info(context)), encapsulatedKey: enc),
                      let fileKey = try? recipient.open(sealed), fileKey.count == 32 else { continue }
                key = StreamCipher.payloadKey(SymmetricKey(data: fileKey), nonce: Array(nonce), context: context)
                return
            }
            throw .notForThisKey
        }

        /// Opens the next sealed chunk (`chunkSize + tagSize` bytes, or fewer for the last). `last`: whether
        /// the content ends with it; a chunk sealed as last and read as not last, or the other way, fails.
        public mutating func open(_ sealed: some Collection<UInt8>, last: Bool) throws(Failure) -> [UInt8] {
            guard !finished else { throw .damaged(chunk: Int(counter)) }
            let bytes = Array(sealed)
            guard bytes.count >= StreamCipher.tagSize else { throw last ? .truncated : .damaged(chunk: Int(counter)) }
            do {
                let box = try ChaChaPoly.SealedBox(nonce: StreamCipher.nonce(counter, last: last),
                                                   ciphertext: bytes.dropLast(StreamCipher.tagSize),
                                                   tag: bytes.suffix(StreamCipher.tagSize))
                let plain = try ChaChaPoly.open(box, using: key)
                counter += 1
                finished = last
                return Array(plain)
            } catch {
                // A full-size chunk that will not open as a middle chunk may be the last one cut at a chunk
                // boundary: the stream ended early.
                if last, bytes.count == StreamCipher.chunkSize + StreamCipher.tagSize,
                   (try? ChaChaPoly.open(ChaChaPoly.SealedBox(nonce: StreamCipher.nonce(counter, last: false),
                                                               ciphertext: bytes.dropLast(StreamCipher.tagSize),
                                                               tag: bytes.suffix(StreamCipher.tagSize)), using: key)) != nil {
                    throw .truncated
                }
                throw .damaged(chunk: Int(counter))
            }
        }
    }

    /// The size of the sealed form of `plain` bytes of content.
    public static func sealedSize(of plain: Int64) -> Int64 {
        let chunks = plain / Int64(chunkSize) + 1
        return plain + chunks * Int64(tagSize)
    }

    static func payloadKey(_ fileKey: SymmetricKey, nonce: [UInt8], context: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: fileKey, salt: nonce, info: Array("folio-bundle payload ".utf8) + context,
                               outputByteCount: 32)
    }

    /// 11 bytes of big-endian chunk counter, then 1 for the last chunk or 0.
    static func nonce(_ counter: UInt64, last: Bool) -> ChaChaPoly.Nonce {
        var bytes = [UInt8](repeating: 0, count: 12)
        for i in 0..<8 { bytes[10 - i] = UInt8(truncatingIfNeeded: counter >> (8 * UInt64(i))) }
        bytes[11] = last ? 1 : 0
        return try! ChaChaPoly.Nonce(data: bytes)   // 12 bytes is ChaChaPoly's nonce size
    }
}
