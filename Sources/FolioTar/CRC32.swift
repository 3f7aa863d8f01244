import CDeflate
import CZlib
import Foundation

/// CRC-32 (zlib's, summed by libdeflate): what a written file is compared by when it is read back from the disk.
/// It finds a stick that lost, wrapped or changed bytes; it is no defence against someone who changes a file on
/// purpose, which is what the signatures and the seal are for. libdeflate sums with the processor's carry-less
/// multiply, several times faster than zlib (Docs/performance.md): a whole-school export sums 8 GB, as written
/// and as read back.
public struct CRC32: Sendable, Equatable {
    public private(set) var value: UInt32 = 0

    public init() {}

    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        value = libdeflate_crc32(value, base, buffer.count)
    }

    /// The CRC-32 of two pieces one after the other, from each piece's own: `second` is that of the
    /// `secondLength` bytes after the first piece.
    public static func combine(_ first: UInt32, _ second: UInt32, secondLength: Int64) -> UInt32 {
        UInt32(crc32_combine(UInt(first), UInt(second), Int(secondLength)))
    }

    public static func of(_ bytes: some ContiguousBytes) -> UInt32 {
        var c = CRC32()
        bytes.withUnsafeBytes { c.update($0) }
        return c.value
    }
}
