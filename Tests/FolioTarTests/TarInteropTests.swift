import FolioTar
import FolioTestSupport
import Foundation
import Testing

/// Sealed archives must stay readable with ordinary tools for years (principle 1), so GNU tar and
/// bsdtar — not FolioTar — judge what the writer produced.
@Suite struct TarInteropTests {
    static let tools: [[String]] = [["tar"], ["bsdtar"]]

    @Test(arguments: tools)
    func outsideToolListsAndExtractsTheSameBytes(tool: [String]) throws {
        let dir = try TemporaryDirectory()
        let archive = dir.child("bundle.tar")
        let inputs = SampleArchives.inputs()
        let entries = try TarWriter.writeArchive(atPath: archive, inputs)

        let list = try runTool(tool + ["-tf", archive])
        #expect(list.status == 0, "\(tool) -t failed: \(list.stderr)")
        #expect(list.stderr.isEmpty, "\(tool) warned: \(list.stderr)")
        let listed = Set(list.stdout.split(separator: "\n").map { String($0) })
        #expect(listed == Set(entries.map { $0.kind == .directory ? $0.path + "/" : $0.path }))

        let out = dir.child("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let extract = try runTool(tool + ["-xf", archive, "-C", out])
        #expect(extract.status == 0, "\(tool) -x failed: \(extract.stderr)")
        var expected: [String: Data] = [:]
        for case .bytes(let path, let data) in inputs { expected[path] = data }
        #expect(try filesUnder(out) == expected)
    }

    @Test func gnuTarVerboseListingShowsRootZeroTimeAndFixedModes() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.child("bundle.tar")
        try TarWriter.writeArchive(atPath: archive, [.directory("d"), .bytes("d/f.txt", Data("x".utf8))])
        let lines = try runTool(["tar", "--numeric-owner", "--utc", "-tvf", archive]).stdout
            .split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("drwxr-xr-x 0/0"))
        #expect(lines[1].hasPrefix("-rw-r--r-- 0/0"))
        #expect(lines.allSatisfy { $0.contains("1970-01-01 00:00") })
    }

    @Test func returnedHashesMatchOpenSSLOnTheExtractedFiles() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.child("bundle.tar")
        let entries = try TarWriter.writeArchive(atPath: archive, SampleArchives.inputs())
        let out = dir.child("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        #expect(try runTool(["tar", "-xf", archive, "-C", out]).status == 0)
        let scanned = try TarReader().scan(.file(path: archive))
        #expect(scanned == entries)
        for entry in entries where entry.kind == .file {
            let independent = try opensslSHA256(ofFile: out + "/" + entry.path)
            #expect(entry.sha256 == independent, "hash of \(entry.path)")
        }
        // The empty file's hash is the well-known constant.
        #expect(entries.first { $0.path == "empty.txt" }?.sha256
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func readerAcceptsAPlainTreeArchivedByGNUTarButResetsModes() throws {
        let dir = try TemporaryDirectory()
        let tree = dir.child("tree")
        try FileManager.default.createDirectory(atPath: tree + "/學習成果", withIntermediateDirectories: true)
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: tree + "/學習成果/報告.txt"))
        try Data("run\n".utf8).write(to: URL(fileURLWithPath: tree + "/tool.sh"))
        let archive = dir.child("gnu.tar")
        let made = try runTool(["tar", "--format=pax", "--mode=0777", "-cf", archive, "-C", tree, "學習成果", "tool.sh"])
        #expect(made.status == 0, "\(made.stderr)")

        let staging = dir.child("staging")
        let entries = try TarReader().extract(.file(path: archive), intoNewDirectory: staging)
        #expect(Set(entries.map(\.path)) == ["學習成果", "學習成果/報告.txt", "tool.sh"])
        let attributes = try FileManager.default.attributesOfItem(atPath: staging + "/tool.sh")
        #expect((attributes[.posixPermissions] as? Int) == 0o644)
        #expect(try opensslSHA256(ofFile: staging + "/學習成果/報告.txt")
            == entries.first { $0.path == "學習成果/報告.txt" }?.sha256)
    }
}
