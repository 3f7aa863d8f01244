import FolioTar
import FolioTestSupport
import Foundation
import Testing

@Suite struct TarReaderRoundTripTests {
    @Test func extractRoundTripsNonASCIINamesBytesAndHashes() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.child("bundle.tar")
        let inputs = SampleArchives.inputs()
        let written = try TarWriter.writeArchive(atPath: archive, inputs)
        let staging = dir.child("staging")
        let read = try TarReader().extract(.file(path: archive), intoNewDirectory: staging)
        #expect(read == written)

        var expected: [String: Data] = [:]
        for case .bytes(let path, let data) in inputs { expected[path] = data }
        #expect(try filesUnder(staging) == expected)
        // The NFC name is on disk byte for byte, not some other normalisation of it.
        let names = try FileManager.default.contentsOfDirectory(atPath: staging + "/學習成果")
        #expect(names.map { Array($0.utf8) } == [Array("報告.pdf".utf8)])
        for entry in read where entry.kind == .file {
            #expect(entry.sha256 == (try opensslSHA256(ofFile: staging + "/" + entry.path)))
        }
    }

    /// The streaming form hands over what the list form returns, in archive order, each file already
    /// complete on disk (openssl reads it inside the callback) and nothing kept once handed over.
    @Test func extractEachHandsOverEveryEntryWhenItsFileIsComplete() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.child("bundle.tar")
        let written = try TarWriter.writeArchive(atPath: archive, SampleArchives.inputs())
        let staging = dir.child("staging")
        var handed: [TarEntry] = []
        var onDisk: [String: String] = [:]
        try TarReader().extract(.file(path: archive), intoNewDirectory: staging) { entry in
            handed.append(entry)
            if entry.kind == .file { onDisk[entry.path] = try? opensslSHA256(ofFile: staging + "/" + entry.path) }
        }
        #expect(handed == written)
        let files = written.filter { $0.kind == .file }
        #expect(!files.isEmpty)
        for entry in files { #expect(onDisk[entry.path] == entry.sha256, "\(entry.path) was not complete when handed over") }
        // A failure part-way still removes the folder, as the list form does.
        var truncated = try Data(contentsOf: URL(fileURLWithPath: archive))
        truncated = truncated.prefix(truncated.count / 2)
        try truncated.write(to: URL(fileURLWithPath: dir.child("cut.tar")))
        #expect(throws: TarError.self) {
            try TarReader().extract(.file(path: dir.child("cut.tar")), intoNewDirectory: dir.child("cut")) { _ in }
        }
        #expect(!FileManager.default.fileExists(atPath: dir.child("cut")))
    }

    @Test func extractedFilesAndFoldersGetFixedModes() throws {
        let dir = try TemporaryDirectory()
        let staging = dir.child("staging")
        _ = try TarReader().extract(.memory(SampleArchives.standard()), intoNewDirectory: staging)
        func mode(_ path: String) throws -> Int? {
            try FileManager.default.attributesOfItem(atPath: staging + "/" + path)[.posixPermissions] as? Int
        }
        #expect(try mode("manifest.json") == 0o644)
        #expect(try mode("a/b") == 0o755)  // created implicitly
        #expect(try mode("學習成果") == 0o755)  // explicit entry
        #expect(try mode("") == 0o700)  // the staging folder itself
    }

    @Test func scanHashesEverythingAndWritesNothing() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.child("bundle.tar")
        let written = try TarWriter.writeArchive(atPath: archive, SampleArchives.inputs())
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(try TarReader().scan(.file(path: archive)) == written)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == before)
    }

    /// `firstEntry` stops after the first entry: the rest of an archive cut short (a stick pulled out mid-copy)
    /// is never read, which a full scan of the same bytes shows is there to trip over. A first entry whose
    /// bytes are not asked for is described without them.
    @Test func firstEntryReadsNothingPastTheFirstEntry() throws {
        // Someone's archive that starts with a large file: described, its bytes skipped unhashed.
        var video = Data(count: 300_000)
        for i in video.indices { video[i] = UInt8(truncatingIfNeeded: i &* 13) }
        let backup = try SampleArchives.archive([.bytes("holiday.mp4", video), .bytes("notes.txt", Data("x".utf8))])
        let (first, bytes) = try #require(try TarReader().firstEntry(.memory(backup), keepingContentIf: { $0 == "bundle.json" }, upTo: 1 << 20))
        #expect(first.path == "holiday.mp4" && first.size == 300_000 && first.sha256 == nil && bytes == nil)

        let header = Data(#"{"header":"first"}"#.utf8)
        var big = Data(count: 200_000)
        for i in big.indices { big[i] = UInt8(truncatingIfNeeded: i &* 7) }
        let data = try SampleArchives.archive([.bytes("bundle.json", header), .bytes("students/big.bin", big)])
        let cut = data.prefix(data.count / 2)
        #expect(throws: TarError.self) { try TarReader().scan(.memory(Data(cut))) }
        let (entry, content) = try #require(try TarReader().firstEntry(.memory(Data(cut)), upTo: 1 << 20))
        #expect(entry.path == "bundle.json" && entry.kind == .file && entry.size == Int64(header.count))
        #expect(content == Array(header))
        // Past the limit, or not asked for, the entry is still described, but its bytes are skipped unread.
        let (skipped, none) = try #require(try TarReader().firstEntry(.memory(Data(cut)), upTo: 4))
        #expect(skipped.path == "bundle.json" && skipped.size == Int64(header.count) && skipped.sha256 == nil && none == nil)
        let (other, unasked) = try #require(try TarReader().firstEntry(.memory(Data(cut)), keepingContentIf: { _ in false }, upTo: 1 << 20))
        #expect(other.sha256 == nil && unasked == nil)
        #expect(try TarReader().firstEntry(.memory(SampleArchives.archive([])), upTo: 1 << 20) == nil)
    }

    @Test func fileDescriptorAndMemorySourcesReadLikeAPath() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.child("bundle.tar")
        let written = try TarWriter.writeArchive(atPath: archive, SampleArchives.inputs())
        let fd = open(archive, O_RDONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(try TarReader().scan(.fileDescriptor(fd)) == written)
        #expect(try TarReader().scan(.memory(Data(contentsOf: URL(fileURLWithPath: archive)))) == written)
    }

    @Test func anEmptyTarWithOnlyTheEndMarkerHasNoEntries() throws {
        #expect(try TarReader().scan(.memory(SampleArchives.archive([]))) == [])
    }

    @Test func expectedEntryCountAcceptsTheRightNumber() throws {
        let data = try SampleArchives.standard()
        let count = try TarReader().scan(.memory(data)).count
        #expect(try TarReader().scan(.memory(data), expectedEntryCount: count).count == count)
        #expect(throws: TarError.entryCountMismatch(expected: count + 1, found: count)) {
            try TarReader().scan(.memory(data), expectedEntryCount: count + 1)
        }
    }

    @Test func extractRefusesAnExistingStagingFolderAndLeavesItAlone() throws {
        let dir = try TemporaryDirectory()
        let staging = dir.child("staging")
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: staging + "/keep.txt"))
        #expect(throws: TarError.stagingDirectoryExists(path: staging)) {
            try TarReader().extract(.memory(SampleArchives.standard()), intoNewDirectory: staging)
        }
        #expect(try filesUnder(staging) == ["keep.txt": Data("keep".utf8)])
    }

    @Test func extractRefusesAStagingPathThatIsASymlink() throws {
        let dir = try TemporaryDirectory()
        let target = dir.child("elsewhere")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: dir.child("staging"), withDestinationPath: target)
        #expect(throws: TarError.stagingDirectoryExists(path: dir.child("staging"))) {
            try TarReader().extract(.memory(SampleArchives.standard()), intoNewDirectory: dir.child("staging"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty)
    }

    @Test func defaultLimitsAreTheDocumentedOnes() {
        let limits = TarLimits.default
        #expect(limits.maxEntryBytes == 64 * 1024 * 1024)
        #expect(limits.maxEntries == 100_000)
        #expect(limits.maxTotalBytes == 4 * 1024 * 1024 * 1024)
        #expect(limits.maxPathBytes == 1024)
    }
}
