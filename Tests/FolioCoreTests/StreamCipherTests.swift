import Crypto
import FolioCore
import Foundation
import Testing

/// The content of a bundle sealed to its recipients: each of them opens it, nobody else does, and any chunk
/// changed, moved, dropped or cut off is caught.
@Suite struct StreamCipherTests {
    let office = Curve25519.KeyAgreement.PrivateKey()
    let kiosk = Curve25519.KeyAgreement.PrivateKey()
    let stranger = Curve25519.KeyAgreement.PrivateKey()
    let context = Array("999901 hub-d3668f7e 7".utf8)

    /// Deterministic bytes that differ from chunk to chunk.
    func content(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 16) }
    }

    /// Seals `plain` for the office and the kiosk: the envelope and the sealed chunks.
    func seal(_ plain: [UInt8], context: [UInt8]? = nil) throws -> (StreamCipher.Envelope, [[UInt8]]) {
        var sealer = try StreamCipher.Sealer(recipients: [("OFFICE", office.publicKey), ("KIOSK1", kiosk.publicKey)],
                                             context: context ?? self.context)
        var chunks: [[UInt8]] = []
        var at = 0
        while plain.count - at >= StreamCipher.chunkSize {
            chunks.append(try sealer.seal(plain[at..<(at + StreamCipher.chunkSize)], last: false))
            at += StreamCipher.chunkSize
        }
        chunks.append(try sealer.seal(plain[at...], last: true))
        return (sealer.envelope, chunks)
    }

    /// Opens chunks as a reader would: the last one given is read as the last.
    func open(_ envelope: StreamCipher.Envelope, _ chunks: [[UInt8]], with key: Curve25519.KeyAgreement.PrivateKey,
              context: [UInt8]? = nil) throws(StreamCipher.Failure) -> [UInt8] {
        var opener = try StreamCipher.Opener(envelope, privateKey: key, context: context ?? self.context)
        var plain: [UInt8] = []
        for (i, chunk) in chunks.enumerated() { plain += try opener.open(chunk, last: i == chunks.count - 1) }
        return plain
    }

    @Test(arguments: [0, 1, StreamCipher.chunkSize - 1, StreamCipher.chunkSize, StreamCipher.chunkSize + 1, 3 * StreamCipher.chunkSize + 17])
    func eachRecipientOpensWhatWasSealed(_ size: Int) throws {
        let plain = content(size)
        let (envelope, chunks) = try seal(plain)
        #expect(try open(envelope, chunks, with: office) == plain)
        #expect(try open(envelope, chunks, with: kiosk) == plain)
        #expect(Int64(chunks.reduce(0) { $0 + $1.count }) == StreamCipher.sealedSize(of: Int64(size)))
        #expect(chunks.count == size / StreamCipher.chunkSize + 1)
        // The sealed bytes do not hold the content: no 32-byte window of it appears in them.
        if size >= 64 {
            let joined = chunks.flatMap { $0 }
            #expect(Data(joined).range(of: Data(plain[16..<48])) == nil)
        }
    }

    @Test func someoneElseCannotOpenIt() throws {
        let (envelope, chunks) = try seal(content(1000))
        #expect(throws: StreamCipher.Failure.notForThisKey) { try open(envelope, chunks, with: stranger) }
        // Nor can a recipient when the content is presented as another bundle's.
        #expect(throws: StreamCipher.Failure.notForThisKey) {
            try open(envelope, chunks, with: office, context: Array("999901 hub-d3668f7e 8".utf8))
        }
    }

    @Test func aChangedMovedDroppedOrRepeatedChunkIsCaught() throws {
        let (envelope, chunks) = try seal(content(3 * StreamCipher.chunkSize + 5))
        var flipped = chunks
        flipped[1][100] ^= 0x01
        #expect(throws: StreamCipher.Failure.damaged(chunk: 1)) { try open(envelope, flipped, with: office) }
        var swapped = chunks
        swapped.swapAt(0, 1)
        #expect(throws: StreamCipher.Failure.damaged(chunk: 0)) { try open(envelope, swapped, with: office) }
        var dropped = chunks
        dropped.remove(at: 1)
        #expect(throws: StreamCipher.Failure.damaged(chunk: 1)) { try open(envelope, dropped, with: office) }
        var repeated = chunks
        repeated.insert(chunks[0], at: 1)
        #expect(throws: StreamCipher.Failure.damaged(chunk: 1)) { try open(envelope, repeated, with: office) }
        // A chunk from another bundle sealed for the same people does not open in this one.
        let (_, other) = try seal(content(3 * StreamCipher.chunkSize + 5))
        var mixed = chunks
        mixed[2] = other[2]
        #expect(throws: StreamCipher.Failure.damaged(chunk: 2)) { try open(envelope, mixed, with: office) }
    }

    @Test func contentCutOffIsCaughtEvenAtAChunkBoundary() throws {
        let (envelope, chunks) = try seal(content(3 * StreamCipher.chunkSize + 5))
        // Cut at a chunk boundary: the last full chunk read is not sealed as the last.
        #expect(throws: StreamCipher.Failure.truncated) { try open(envelope, Array(chunks.prefix(2)), with: office) }
        // Cut inside the last chunk, leaving less than its tag.
        var cut = chunks
        cut[3] = Array(cut[3].prefix(10))
        #expect(throws: StreamCipher.Failure.truncated) { try open(envelope, cut, with: office) }
        // Cut inside the last chunk, leaving more than its tag.
        cut[3] = Array(chunks[3].prefix(18))
        #expect(throws: StreamCipher.Failure.damaged(chunk: 3)) { try open(envelope, cut, with: office) }
        // Nothing after the last chunk is taken.
        var opener = try StreamCipher.Opener(envelope, privateKey: office, context: context)
        for (i, chunk) in chunks.enumerated() { _ = try opener.open(chunk, last: i == chunks.count - 1) }
        #expect(throws: StreamCipher.Failure.damaged(chunk: 4)) { _ = try opener.open(chunks[0], last: true) }
    }

    @Test func aDamagedEnvelopeIsRefused() throws {
        let (envelope, chunks) = try seal(content(10))
        var bad = envelope
        bad.nonce = "not base64!"
        #expect(throws: StreamCipher.Failure.malformed) { try open(bad, chunks, with: office) }
        bad = envelope
        bad.wraps = bad.wraps.map { var w = $0; w.sealed = Data(repeating: 7, count: 48).base64EncodedString(); return w }
        #expect(throws: StreamCipher.Failure.notForThisKey) { try open(bad, chunks, with: office) }
    }
}
