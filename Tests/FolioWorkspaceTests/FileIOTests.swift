import FolioCore
@testable import FolioWorkspace
import Foundation
import Testing

/// `FileIO`'s path and folder helpers replaced NSString and FileManager on the import path; they must
/// behave as those did for every path folio builds.
@Suite struct FileIOTests {
    @Test func pathsSplitAsNSStringSplitsThem() {
        for path in ["/srv/folio/students/1110003/files/4c1202a5c7/c15bfbf015ee/作品14.pdf", "a/b", "students/x",
                     "/a", "/work/main/.folio/txn/3/12"] {
            #expect(FileIO.parent(of: path) == (path as NSString).deletingLastPathComponent, "\(path)")
            #expect(FileIO.lastComponent(of: path) == (path as NSString).lastPathComponent, "\(path)")
        }
        #expect(FileIO.parent(of: "name") == "")
        #expect(FileIO.lastComponent(of: "name") == "name")
    }

    /// A read-back compares what the disk holds with what was written: a stick that kept fewer bytes, or
    /// other ones, is caught. (The bytes are changed here through a second descriptor, as a failing device
    /// would change them under folio.) Read past the cache with `O_DIRECT` on ext4 (the temporary folder), and
    /// through the cache on tmpfs, which refuses `O_DIRECT`.
    @Test(arguments: [FileManager.default.temporaryDirectory.path, "/dev/shm"])
    func readBackCatchesBytesThatAreNotWhatWasWritten(folder: String) throws {
        let path = folder + "/folio-readback-\(UUID().uuidString)"
        defer { unlink(path) }
        let bytes = Array((0..<300_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDWR)
        defer { close(fd) }
        let sha = FileIO.Written.sha256(SHA256Hex.of(bytes))
        // zlib's crc32 of these bytes, by Python's zlib.crc32 (an independent implementation of the same sum).
        let crc = FileIO.Written.crc32(0x616C_2C1C)
        for written in [sha, crc] {
            #expect(FileIO.readBack(fd, size: Int64(bytes.count), written) == nil)
            // The descriptor is handed back as it came: a bundle's is still open for its writer.
            #expect(fcntl(fd, F_GETFL) & FileIO.directIO == 0)
            #expect(FileIO.readBack(fd, size: Int64(bytes.count) + 10, written)?.text(.en) == "it holds 300000 of its 300010 bytes")
        }
        // One byte changed in the second megabyte block's range: the size matches, the hash does not.
        let other = open(path, O_WRONLY)
        var flipped: UInt8 = ~bytes[200_000]
        _ = pwrite(other, &flipped, 1, 200_000)
        close(other)
        for written in [sha, crc] {
            #expect(FileIO.readBack(fd, size: Int64(bytes.count), written)?.text(.en) == "reading it back gave other bytes than were written")
        }
    }

    /// A file of 64 MiB or more is read back in two halves at once, each summed on its own and the sums
    /// combined: a byte changed in either half, or at the seam, is found; the expected sums are Python's
    /// `zlib.crc32` of the same bytes.
    @Test(arguments: [FileManager.default.temporaryDirectory.path, "/dev/shm"])
    func aLargeFileIsReadBackInHalves(folder: String) throws {
        let path = folder + "/folio-readback-\(UUID().uuidString)"
        defer { unlink(path) }
        // A megabyte's pattern 64 times and the start of a 65th.
        let pattern = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 16) }
        var bytes: [UInt8] = []
        for _ in 0..<64 { bytes += pattern }
        bytes += pattern.prefix(12_345)
        let count = bytes.count
        #expect(Int64(count) >= FileIO.readBackSplit)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDWR)
        defer { close(fd) }
        #expect(FileIO.readBack(fd, size: Int64(count), .crc32(0x19F4_CAA7)) == nil)
        #expect(fcntl(fd, F_GETFL) & FileIO.directIO == 0)
        // The sum of the same bytes with the fifth from the end flipped, from Python: the file is read back whole.
        #expect(FileIO.readBack(fd, size: Int64(count), .crc32(0xD390_0D2B))?.text(.en) == "reading it back gave other bytes than were written")
        for at in [100, count / 2 - 1, count / 2, count / 2 + 4096, count - 5] {
            var flipped: UInt8 = ~bytes[at]
            _ = pwrite(fd, &flipped, 1, off_t(at))
            _ = fsync(fd)
            #expect(FileIO.readBack(fd, size: Int64(count), .crc32(0x19F4_CAA7))?.text(.en) == "reading it back gave other bytes than were written",
                    "byte \(at)")
            _ = pwrite(fd, &bytes[at], 1, off_t(at))
            _ = fsync(fd)
        }
        #expect(FileIO.readBack(fd, size: Int64(count), .crc32(0x19F4_CAA7)) == nil)
    }

    /// `removeTree` replaced FileManager's removal: it must take everything below a folder, a file or a link
    /// on its own, and never follow a link out of the tree.
    @Test func removeTreeIsRmRfAndStaysInside() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("folio-rm-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let outside = root + "/outside", tree = root + "/tree"
        try FileIO.makeDirectories(outside + "/keep")
        try Data("keep".utf8).write(to: URL(fileURLWithPath: outside + "/keep/me.txt"))
        for dir in ["a/b/c", "a/學/d", "e", "empty/empty"] { try FileIO.makeDirectories(tree + "/" + dir) }
        for file in ["top.txt", "a/b/c/deep.pdf", "a/學/作品.pdf", "e/f"] {
            try Data("x".utf8).write(to: URL(fileURLWithPath: tree + "/" + file))
        }
        try FileManager.default.createSymbolicLink(atPath: tree + "/a/out", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: tree + "/dangling", withDestinationPath: root + "/nothing")
        FileIO.removeTree(tree)
        #expect(!FileIO.exists(tree))
        #expect(FileIO.exists(outside + "/keep/me.txt"))
        // A single file, a link (not what it points to), and something already gone.
        try Data("y".utf8).write(to: URL(fileURLWithPath: root + "/file"))
        FileIO.removeTree(root + "/file")
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: outside)
        FileIO.removeTree(root + "/link")
        FileIO.removeTree(root + "/never-there")
        #expect(FileIO.list(root) == ["outside"])
        #expect(FileIO.exists(outside + "/keep/me.txt"))
    }

    @Test func makeDirectoriesIsMkdirP() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("folio-mkdir-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let deep = root + "/a/學/c"
        try FileIO.makeDirectories(deep)
        #expect(FileIO.isDirectory(deep))
        try FileIO.makeDirectories(deep)   // already there: fine
        try FileIO.makeDirectories(root + "/a")
        // A link to a folder counts as the folder, as it did with FileManager.
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: root + "/a")
        try FileIO.makeDirectories(root + "/link")
        try FileIO.makeDirectories(root + "/link/new")
        #expect(FileIO.isDirectory(root + "/a/new"))
        // A file in the way is an error that names the path, and nothing is made below it.
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/file"))
        let error = #expect(throws: FolioError.self) { try FileIO.makeDirectories(root + "/file") }
        #expect(error?.message.contains(root + "/file") == true)
        #expect(throws: FolioError.self) { try FileIO.makeDirectories(root + "/file/below") }
        #expect(!FileIO.exists(root + "/file/below"))
    }
}
