import Foundation

/// Damage as a careless tool does it: one byte of `path` changed in place (XOR with `mask` at `offset`)
/// and the modification time put back, so only the change time (ctime) shows that the file was touched.
/// The verify cache must still find such a file.
public func flipByteKeepingMtime(_ path: String, at offset: UInt64 = 100, mask: UInt8 = 0x20) throws {
    let before = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
    let h = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    try h.seek(toOffset: offset)
    let b = try h.read(upToCount: 1)![0]
    try h.seek(toOffset: offset)
    try h.write(contentsOf: [b ^ mask])
    try h.close()
    try FileManager.default.setAttributes([.modificationDate: before], ofItemAtPath: path)
}
