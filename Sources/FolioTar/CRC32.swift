import CZlib
import Foundation

/// CRC-32 (zlib's): what a written file is compared by when it is read back from the disk. It finds a stick
/// that lost, wrapped or changed bytes at twice SHA-256's speed here; it is no defence against someone who
/// changes a file on purpose, which is what the signatures and the seal are for.
public struct CRC32: Sendable, Equatable {
    public private(set) var value: UInt32 = 0

    public init() {}

    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        value = UInt32(crc32_z(UInt(value), base.assumingMemoryBound(to: UInt8.self), buffer.count))
    }

    public static func of(_ bytes: some ContiguousBytes) -> UInt32 {
        var c = CRC32()
        bytes.withUnsafeBytes { c.update($0) }
        return c.value
    }
}
