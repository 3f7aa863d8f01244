import _CryptoExtras
import Crypto
import Foundation

/// scrypt, as folio uses it: to turn a passphrase into the key that seals a key file, and a student's
/// printed secret into their signing key. The cost is stored beside what it protects, so it can be raised
/// later without breaking old files.
public struct ScryptCost: Codable, Hashable, Sendable {
    /// log2 of scrypt's N (rounds).
    public var logN: Int
    public var r: Int
    public var p: Int

    public init(logN: Int, r: Int = 8, p: Int = 1) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    /// Key files people hold: 2^17 rounds, 128 MiB of memory, about half a second here, once per command.
    public static let keyFile = ScryptCost(logN: 17)
    /// Students' secrets: 2^16 rounds (64 MiB), so each guess of a secret costs a kiosk-sized machine about
    /// a quarter of a second (Docs/architecture.md has the figures).
    public static let studentSecret = ScryptCost(logN: 16)
    /// The published demo keys and the demo students' secrets: they protect nothing, so they cost nothing.
    public static let demo = ScryptCost(logN: 10)

    /// Whether folio accepts this cost from a file: not so weak that it protects nothing unnoticed (a demo
    /// key says so separately), not so large that reading a file could exhaust memory.
    public var isSane: Bool { (10...20).contains(logN) && (1...16).contains(r) && (1...4).contains(p) }

    public func derive(_ secret: String, salt: [UInt8]) throws(FolioError) -> SymmetricKey {
        guard isSane else {
            throw FolioError(.badKeyFile, "key.unusedDerivation", ["logN": logN, "r": r, "p": p])
        }
        do {
            return try KDF.Scrypt.deriveKey(from: Array(secret.precomposedStringWithCanonicalMapping.utf8), salt: salt,
                                            outputByteCount: 32, rounds: 1 << logN, blockSize: r, parallelism: p,
                                            maxMemory: 256 << 20)
        } catch {
            throw FolioError(.internalError, Message("key.scryptFailed", ["error": "\(error)"]), hint: Message("internal.report.hint"))
        }
    }
}
