// How fast this machine checks Ed25519 signatures with swift-crypto, the library folio uses: the floor
// under `folio verify --full`, which checks every record's signature. `Benchmarks/run` prints it next to
// the verify figures. Usage: signature-rate [CHECKS]
import Crypto
import Foundation

/// Signed messages of a record's size, checked over and over.
struct Signed: Sendable {
    /// The public key's 32 bytes (the key type is not Sendable): each thread makes its own.
    let key: Data
    let messages: [Data]
    let signatures: [Data]

    init() throws {
        let secret = Curve25519.Signing.PrivateKey()
        key = secret.publicKey.rawRepresentation
        // A record's signed bytes are its canonical envelope, a few hundred bytes; the length barely matters
        // (hashing it with SHA-512 is a small part of a check).
        messages = (0..<256).map { i in Data((0..<600).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) }) }
        signatures = try messages.map { try secret.signature(for: $0) }
    }

    /// Seconds to check `count` signatures on `threads` threads together.
    func time(_ count: Int, threads: Int) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let key = try! Curve25519.Signing.PublicKey(rawRepresentation: key)
            for i in stride(from: t, to: count, by: threads) {
                precondition(key.isValidSignature(signatures[i % 256], for: messages[i % 256]), "a valid signature did not check")
            }
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

let checks = max(CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20_000, 100)
let signed = try Signed()
_ = signed.time(min(checks, 1_000), threads: 1)  // warm up
let one = signed.time(checks, threads: 1)
let cores = ProcessInfo.processInfo.activeProcessorCount
let all = signed.time(checks, threads: cores)
print(String(format: "ed25519-verify %.1f us per check on one core; %.0f checks/s on %d cores", one / Double(checks) * 1e6,
             Double(checks) / all, cores))
