import FolioTar
import FolioTestSupport
import Foundation
import Testing

@Suite struct TarWriterRefusalTests {
    /// Writes to memory; returns the writer and a way to read what it wrote so far.
    final class MemoryOutput {
        var data = Data()
    }

    @Test func streamingWriterRefusesOutOfOrderPathsAndStaysUsable() throws {
        let output = MemoryOutput()
        let writer = try TarWriter { output.data.append(contentsOf: $0) }
        try writer.appendFile("b.txt", bytes: Data("b".utf8))
        #expect(throws: TarError.outOfOrder(path: "a.txt", previous: "b.txt")) {
            try writer.appendFile("a.txt", bytes: Data("a".utf8))
        }
        // "c/x" sorts after "c-x" in byte order even though a per-directory sort puts it first, and
        // the directory "c" would have had to come before both.
        try writer.appendFile("c-x", bytes: Data())
        #expect(throws: TarError.outOfOrder(path: "c", previous: "c-x")) {
            try writer.appendDirectory("c")
        }
        try writer.appendFile("c/x", bytes: Data())
        try writer.finish()
        #expect(try TarReader().scan(.memory(output.data)).map(\.path) == ["b.txt", "c-x", "c/x"])
    }

    @Test func writerRefusesDuplicatesIncludingAFileUsedAsAFolder() throws {
        let writer = try TarWriter { _ in }
        try writer.appendFile("a", bytes: Data())
        #expect(throws: TarError.duplicateName(path: "a")) { try writer.appendDirectory("a") }
        #expect(throws: TarError.duplicateName(path: "a")) { try writer.appendFile("a/b", bytes: Data()) }
        #expect(throws: TarError.duplicateName(path: "x")) {
            try TarWriter { _ in }.appendAll([.bytes("x", Data()), .bytes("x", Data("other".utf8))])
        }
    }

    static let refusedNames: [(String, TarError)] = [
        ("../x", .parentComponent(path: "../x")),
        ("/etc/x", .absolutePath(path: "/etc/x")),
        ("a//b", .emptyOrDotComponent(path: "a//b")),
        ("./a", .emptyOrDotComponent(path: "./a")),
        ("", .emptyOrDotComponent(path: "")),
        ("cafe\u{301}.txt", .nameNotNFC(path: "cafe\u{301}.txt")),
        ("a\\b", .forbiddenCharacter(path: "a\\b", character: "\\")),
        ("100%", .forbiddenCharacter(path: "100%", character: "%")),
        ("tab\there", .forbiddenCharacter(path: "tab\there", character: "\t")),
        ("del\u{7F}", .forbiddenCharacter(path: "del\u{7F}", character: "\u{7F}")),
        (String(repeating: "n", count: 256), .nameTooLong(path: String(repeating: "n", count: 256), bytes: 256, limit: 255)),
    ]

    @Test(arguments: refusedNames)
    func writerRefusesNamesTheReaderWouldRefuse(name: String, expected: TarError) throws {
        let writer = try TarWriter { _ in }
        let error = #expect(throws: TarError.self) { try writer.appendFile(name, bytes: Data("x".utf8)) }
        // Compare bytes: Swift's == on String would call NFD and NFC names equal.
        #expect(error == expected)
        #expect(error?.path.map { Array($0.utf8) } == expected.path.map { Array($0.utf8) })
        // A refused name wrote nothing, so the writer can carry on.
        try writer.appendFile("ok.txt", bytes: Data())
    }

    @Test func anUnfinishedWriterRemovesItsFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.child("half.tar")
        do {
            let writer = try TarWriter(creatingFileAt: path)
            try writer.appendFile("a.txt", bytes: Data("a".utf8))
            #expect(FileManager.default.fileExists(atPath: path))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func writerNeverReplacesAnExistingFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.child("exists.tar")
        try Data("precious".utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: TarError.self) { try TarWriter(creatingFileAt: path) }
        guard case .fileSystem(_, _, let code) = error else {
            Issue.record("expected a file-system error, got \(String(describing: error))")
            return
        }
        #expect(code == EEXIST)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("precious".utf8))
    }

    @Test func writerRefusesToStreamSomethingThatIsNotARegularFile() throws {
        let dir = try TemporaryDirectory()
        let writer = try TarWriter { _ in }
        #expect(throws: TarError.sourceNotRegularFile(path: dir.path)) {
            try writer.appendFile("x", contentsOf: dir.path)
        }
        try FileManager.default.createSymbolicLink(atPath: dir.child("link"), withDestinationPath: "/etc/hostname")
        let error = #expect(throws: TarError.self) { try writer.appendFile("y", contentsOf: dir.child("link")) }
        #expect(error == .fileSystem(path: dir.child("link"), operation: "open", errno: ELOOP))
    }

    struct OutputBroke: Error {}

    @Test func anOutputErrorStopsTheWriterForGood() throws {
        var calls = 0
        let writer = try TarWriter { _ in
            calls += 1
            throw OutputBroke()
        }
        // libarchive buffers 10 KiB blocks, so the failure shows up once a block must go out.
        let big = Data(count: 64 * 1024)
        let error = #expect(throws: TarError.self) { try writer.appendFile("big.bin", bytes: big) }
        guard case .libarchive = error else {
            Issue.record("expected a libarchive/output error, got \(String(describing: error))")
            return
        }
        #expect(throws: TarError.writerUnusable) { try writer.appendFile("later.txt", bytes: Data()) }
        #expect(throws: TarError.writerUnusable) { try writer.finish() }
        #expect(calls == 1)
    }
}
