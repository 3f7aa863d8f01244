import FolioTar
import Testing

/// The read-back of a bundle compares CRC-32 sums: the standard check value must come out, and a sum taken in
/// pieces (as the writer takes it, block by block) must equal the sum of the whole.
@Suite struct CRC32Tests {
    @Test func theStandardCheckValue() {
        // CRC-32/ISO-HDLC of "123456789", the check value every CRC catalogue gives for zlib's CRC.
        #expect(CRC32.of(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.of([UInt8]()) == 0)
    }

    @Test func piecesSumAsTheWhole() {
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var sum = CRC32()
        var at = 0
        for size in [1, 10_239, 10_240, 0, 50_000] {
            bytes[at..<(at + size)].withUnsafeBytes { sum.update($0) }
            at += size
        }
        bytes[at...].withUnsafeBytes { sum.update($0) }
        #expect(sum.value == CRC32.of(bytes))
        var other = bytes
        other[99_999] ^= 0x80
        #expect(CRC32.of(other) != sum.value)
    }

    /// A read-back sums two halves of a file at once and combines the sums (zlib's `crc32_combine`).
    @Test func twoHalvesCombineToTheWhole() {
        let bytes = (0..<300_001).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        for cut in [0, 1, 150_000, 300_000, 300_001] {
            let first = CRC32.of(Array(bytes[..<cut])), second = CRC32.of(Array(bytes[cut...]))
            #expect(CRC32.combine(first, second, secondLength: Int64(bytes.count - cut)) == CRC32.of(bytes))
        }
    }
}
