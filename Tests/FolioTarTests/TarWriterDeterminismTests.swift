import FolioTar
import FolioTestSupport
import Foundation
import Testing

@Suite struct TarWriterDeterminismTests {
    @Test func writingTheSameInputsTwiceGivesIdenticalBytes() throws {
        let dir = try TemporaryDirectory()
        try TarWriter.writeArchive(atPath: dir.child("one.tar"), SampleArchives.inputs())
        try TarWriter.writeArchive(atPath: dir.child("two.tar"), SampleArchives.inputs())
        let one = try Data(contentsOf: URL(fileURLWithPath: dir.child("one.tar")))
        let two = try Data(contentsOf: URL(fileURLWithPath: dir.child("two.tar")))
        #expect(one.count > 0 && one.count % 10240 == 0)
        #expect(one == two)
        // The callback output is the same byte stream as the file output.
        #expect(try SampleArchives.standard() == one)
    }

    /// Bundles and sealed archives are written past the page cache (`direct`), in 4 MiB buffers handed to a
    /// thread of their own while the next fills, with the archive's short end written through the cache. The
    /// bytes must be exactly those of an archive written the ordinary way: on ext4 (the temporary folder), which
    /// takes `O_DIRECT`, and on tmpfs, which may refuse it. An archive of 13 MB crosses three buffers; its sum
    /// is the same, and a descriptor handed in is given back without `O_DIRECT`.
    @Test(arguments: [FileManager.default.temporaryDirectory.path, "/dev/shm"])
    func anArchiveWrittenDirectlyHasTheSameBytes(folder: String) throws {
        let dir = folder + "/folio-direct-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let big = Data((0..<(5 << 20 + 777)).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 12) })
        func write(_ writer: TarWriter) throws -> UInt32? {
            try writer.appendFile("a.bin", bytes: big)
            try writer.appendFile("b.txt", bytes: Data("short".utf8))
            try writer.appendFile("c.bin", bytes: big.reversed())
            try writer.appendFile("d.bin", bytes: big.prefix(3 << 20))
            try writer.finish()
            return writer.outputCRC32
        }
        let plainSum = try write(try TarWriter(creatingFileAt: dir + "/plain.tar", summingOutput: true))
        let directSum = try write(try TarWriter(creatingFileAt: dir + "/direct.tar", summingOutput: true, direct: true))
        let fd = open(dir + "/handed.tar", O_RDWR | O_CREAT | O_EXCL, 0o644)
        defer { close(fd) }
        let handedSum = try write(try TarWriter(fileDescriptor: fd, summingOutput: true, direct: true))
        #expect(fcntl(fd, F_GETFL) & POSIXFile.directIO == 0)
        let plain = try Data(contentsOf: URL(fileURLWithPath: dir + "/plain.tar"))
        #expect(plain.count > 13 << 20)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/direct.tar")) == plain)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/handed.tar")) == plain)
        #expect(directSum == plainSum && handedSum == plainSum && plainSum != nil)
        // And what bsdtar reads from it is what went in.
        let listed = try runTool(["bsdtar", "-tvf", dir + "/direct.tar"]).stdout
        #expect(listed.contains("\(big.count) Jan  1  1970 a.bin"))
    }

    @Test func inputOrderDoesNotChangeTheBytes() throws {
        let inputs = SampleArchives.inputs()
        let reference = try SampleArchives.archive(inputs)
        #expect(try SampleArchives.archive(inputs.reversed()) == reference)
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<5 {
            #expect(try SampleArchives.archive(inputs.shuffled(using: &generator)) == reference)
        }
    }

    @Test func entriesAreInByteOrderOfTheFullPath() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.child("a.tar")
        let entries = try TarWriter.writeArchive(atPath: archive, SampleArchives.inputs())
        let paths = entries.map(\.path)
        #expect(paths == paths.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        // "a-b.txt" (0x2D) sorts before "a/b/…" (0x2F): full-path byte order, not per-directory order.
        let listed = try runTool(["tar", "-tf", archive]).stdout.split(separator: "\n").map(String.init)
        #expect(listed == entries.map { $0.kind == .directory ? $0.path + "/" : $0.path })
        #expect(listed.firstIndex(of: "a-b.txt")! < listed.firstIndex(of: "a/b/c/deep.txt")!)
    }

    @Test func headersCarryFixedOwnerTimeAndModes() throws {
        let bytes = try SampleArchives.archive([.directory("d"), .bytes("d/f.txt", Data("x".utf8))])
        let headers = [bytes.subdata(in: 0..<512), bytes.subdata(in: 512..<1024)]
        // Numeric fields are octal text; libarchive pads them as "000644 \0", GNU tar as "0000644\0".
        func octal(_ header: Data, _ offset: Int, _ length: Int) -> Int? {
            let text = String(decoding: header[offset..<offset + length], as: UTF8.self)
                .trimmingCharacters(in: CharacterSet(charactersIn: " \0"))
            return Int(text, radix: 8)
        }
        for header in headers {
            #expect(octal(header, 136, 12) == 0, "mtime must be 0")
            #expect(octal(header, 108, 8) == 0, "uid must be 0")
            #expect(octal(header, 116, 8) == 0, "gid must be 0")
            #expect(header[265..<297].allSatisfy { $0 == 0 }, "uname must be empty")
            #expect(header[297..<329].allSatisfy { $0 == 0 }, "gname must be empty")
        }
        #expect(octal(headers[0], 100, 8) == 0o755)
        #expect(headers[0][156] == UInt8(ascii: "5"))
        #expect(octal(headers[1], 100, 8) == 0o644)
        #expect(headers[1][156] == UInt8(ascii: "0"))
    }

    @Test func restrictedPaxAddsNoTimesOrBinaryCharset() throws {
        let text = String(decoding: try SampleArchives.standard(), as: UTF8.self)
        // Non-ASCII names need a pax `path=` record; it must be plain UTF-8, and carry no clock values.
        #expect(text.contains("path=學習成果/報告.pdf"))
        #expect(!text.contains("hdrcharset"))
        #expect(!text.contains("atime="))
        #expect(!text.contains("ctime="))
        #expect(!text.contains("mtime="))
    }

    @Test func streamingFromDiskGivesTheSameArchiveAsBytesInMemory() throws {
        let dir = try TemporaryDirectory()
        var payload = Data(count: 3 * TarWriter.copyBufferSize + 12_345)
        for i in payload.indices { payload[i] = UInt8(truncatingIfNeeded: i &* 7 &+ i >> 11) }
        try payload.write(to: URL(fileURLWithPath: dir.child("source.bin")))
        let fromDisk = try TarWriter.writeArchive(
            atPath: dir.child("disk.tar"), [.file("x/source.bin", sourcePath: dir.child("source.bin"))])
        let fromMemory = try TarWriter.writeArchive(atPath: dir.child("memory.tar"), [.bytes("x/source.bin", payload)])
        #expect(fromDisk == fromMemory)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: dir.child("disk.tar")))
                == Data(contentsOf: URL(fileURLWithPath: dir.child("memory.tar"))))
        #expect(fromDisk[0].sha256 == (try opensslSHA256(ofFile: dir.child("source.bin"))))
        #expect(fromDisk[0].size == Int64(payload.count))
    }
}

/// A small deterministic generator so shuffles are repeatable.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 29)
    }
}
