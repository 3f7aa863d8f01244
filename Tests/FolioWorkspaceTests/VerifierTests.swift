import FolioCore
import FolioWorkspace
import Foundation
import Testing

/// `folio verify` on a real copy of the sample school: clean as shipped, and each kind of damage is named.
@Suite struct VerifierTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../SampleWorkspace").standardizedFileURL.path

    func copy() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-ws-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: Self.sample, toPath: dir)
        return dir
    }

    func anyFile(_ root: String, under: String, suffix: String) throws -> String {
        let base = root + "/" + under
        let e = FileManager.default.enumerator(atPath: base)!
        while let p = e.nextObject() as? String { if p.hasSuffix(suffix) { return base + "/" + p } }
        throw FolioError(.io, verbatim: "no \(suffix) under \(under)", hint: "")
    }

    @Test func sampleWorkspaceVerifiesClean() throws {
        let dir = try copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = Verifier.run(try Workspace.open(dir))
        #expect(report.isClean, "\(report.issues)")
        #expect(report.students == 12)
        #expect(report.files > 0)
    }

    @Test func changedArtifactIsReportedWithItsPath() throws {
        let dir = try copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try anyFile(dir, under: "students/112001/files", suffix: ".pdf")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: file))
        let report = Verifier.run(try Workspace.open(dir))
        #expect(report.issues.count == 1)
        #expect(report.issues.first.map { file.hasSuffix($0.path) && $0.message.contains("changed") } == true)
    }

    @Test func alteredEventFileIsReported() throws {
        let dir = try copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try anyFile(dir, under: "students/112001/events", suffix: ".json")
        var text = try String(contentsOfFile: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"v\":1", with: "\"v\":2")
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        let report = Verifier.run(try Workspace.open(dir))
        #expect(report.issues.contains { file.hasSuffix($0.path) && $0.message.contains("does not match") })
    }

    /// The id covers the event but not its signature, so a replaced signature keeps the file name; verify must
    /// still count it as damage, not as an event merely held back by a rule.
    @Test func replacedSignatureIsDamageNotHeldBack() throws {
        let dir = try copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try anyFile(dir, under: "students/112001/events", suffix: ".json")
        let signed = try SignedEvent.parse(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
        let forged = SignedEvent(event: signed.event, signature: Data(repeating: 7, count: 64).base64EncodedString())
        try Data(try forged.fileBytes()).write(to: URL(fileURLWithPath: file))
        let report = Verifier.run(try Workspace.open(dir))
        #expect(report.issues.contains { file.hasSuffix($0.path) && $0.message.contains("signature") })
        #expect(!report.heldBack.contains { file.hasSuffix($0.path) })
    }

    /// Whatever else sits among a student's records is named, each with its own reason, and the records that
    /// are fine still count: when the folder is read fresh (`full`), when it changed since the cached check, and
    /// when events/ is unchanged and its names come from the cache (another file of the student's changed).
    @Test(arguments: ["full", "changed", "cached"]) func strangersAmongTheRecordsAreNamed(way: String) throws {
        let dir = try copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let events = dir + "/students/112001/events"
        let later = Int64.max / 2
        let before = Verifier.run(try Workspace.open(dir), full: true, clock: later)
        #expect(before.isClean)
        let record = try anyFile(dir, under: "students/112001/events", suffix: ".json")
        try Data("not a record".utf8).write(to: URL(fileURLWithPath: events + "/notes.txt"))
        // A folder, with a good record inside: the folder is named, the record in it neither read nor named.
        try FileManager.default.createDirectory(atPath: events + "/old.json", withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: record, toPath: events + "/old.json/" + (record as NSString).lastPathComponent)
        try Data("{".utf8).write(to: URL(fileURLWithPath: events + "/0broken.json"))
        try FileManager.default.copyItem(atPath: record, toPath: events + "/zz-copy.json")
        var expectedCount = 4
        if way == "cached" {
            _ = Verifier.run(try Workspace.open(dir), clock: later)
            let file = try anyFile(dir, under: "students/112001/files", suffix: ".pdf")
            try Data("edited".utf8).write(to: URL(fileURLWithPath: file))
            expectedCount += 1
        }
        let report = Verifier.run(try Workspace.open(dir), full: way == "full", clock: later)
        let found = Dictionary(report.issues.map { ($0.path, $0.message) }, uniquingKeysWith: { a, b in a + " / " + b })
        let at = "students/112001/events/"
        #expect(found[at + "notes.txt"] == "is not an event file")
        #expect(found[at + "old.json"] == "is not an event file")
        #expect(found[at + "0broken.json"] == "cannot be read as an event")
        #expect(found[at + "zz-copy.json"]?.hasPrefix("does not match its contents (expected ") == true)
        #expect(report.issues.count == expectedCount, "\(report.issues)")
        #expect(report.events == before.events)
    }

    /// A link in place of events/ is named as not part of a portfolio, and the records behind it are still
    /// read, as every other command reads them: the listing (which does not follow links) must not leave the
    /// student with no records and a manifest that seems to differ.
    @Test func eventsAsALinkIsNamed() throws {
        let dir = try copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clean = Verifier.run(try Workspace.open(dir), full: true)
        let student = dir + "/students/112001"
        try FileManager.default.moveItem(atPath: student + "/events", toPath: dir + "/moved-events")
        try FileManager.default.createSymbolicLink(atPath: student + "/events", withDestinationPath: dir + "/moved-events")
        let report = Verifier.run(try Workspace.open(dir), full: true)
        #expect(report.issues.contains { $0.path == "students/112001/events" && $0.message == "is not part of a portfolio" },
                "\(report.issues)")
        #expect(report.events == clean.events)
        #expect(report.issues.count == 1, "\(report.issues)")
    }

    @Test func extraFileAndEditedManifestAreReported() throws {
        let dir = try copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/students/112001/files/stray.pdf"))
        let manifest = dir + "/students/113001/manifest.json"
        let text = try String(contentsOfFile: manifest, encoding: .utf8).replacingOccurrences(of: "rejected", with: "certified")
        try text.write(toFile: manifest, atomically: false, encoding: .utf8)
        let report = Verifier.run(try Workspace.open(dir))
        #expect(report.issues.contains { $0.path == "students/112001/files/stray.pdf" })
        #expect(report.issues.contains { $0.path == "students/113001/manifest.json" })
        #expect(report.issues.count == 2)
        // `repair` rebuilds the manifest from the events; the stray file stays a problem for a person.
        let session = try WorkspaceSession(try Workspace.open(dir))
        #expect(try session.rebuildViews() == 1)
        #expect(Verifier.run(try Workspace.open(dir)).issues.map(\.path) == ["students/112001/files/stray.pdf"])
    }

    /// Strays are found in the same listing the verify cache stamps: deep under files/, at the top of the
    /// folder (a folder is named once, not each file inside it), and a link, which is never followed.
    @Test func straysAnywhereInAStudentFolderAreReportedOnce() throws {
        let dir = try copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let student = dir + "/students/112001"
        let fm = FileManager.default
        let item = try #require(try fm.contentsOfDirectory(atPath: student + "/files").sorted().first)
        try fm.createDirectory(atPath: student + "/files/\(item)/extra/deeper", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: student + "/files/\(item)/extra/deeper/note.pdf"))
        try fm.createSymbolicLink(atPath: student + "/files/link", withDestinationPath: "/etc")
        try Data("x".utf8).write(to: URL(fileURLWithPath: student + "/notes.txt"))
        try fm.createDirectory(atPath: student + "/backup/old", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: student + "/backup/old/manifest.json"))
        // Names that are not UTF-8, as a Big5 file name is ("報告.pdf" in Big5): a file under files/ and a folder
        // at the top. They cannot be stamped under the name Swift reads, but must still be named.
        for (parent, bytes, folder) in [(student + "/files", [0xB3, 0xF8, 0xA7, 0x69] + Array(".pdf".utf8), false),
                                         (student, [0xFF, 0x41], true)] {
            let fd = open(parent, O_RDONLY | O_DIRECTORY)
            try #require(fd >= 0)
            let name = bytes.map { CChar(bitPattern: $0) } + [0]
            if folder { try #require(mkdirat(fd, name, 0o755) == 0) } else {
                let file = openat(fd, name, O_WRONLY | O_CREAT | O_EXCL, 0o644)
                try #require(file >= 0)
                close(file)
            }
            close(fd)
        }
        let report = Verifier.run(try Workspace.open(dir))
        #expect(report.issues.map(\.path).sorted() == [
            "students/112001/backup", "students/112001/files/\(item)/extra/deeper/note.pdf", "students/112001/files/link",
            "students/112001/files/\u{FFFD}\u{FFFD}\u{FFFD}i.pdf", "students/112001/notes.txt", "students/112001/\u{FFFD}A",
        ].sorted())
        // The cached report says the same the second time.
        #expect(Verifier.run(try Workspace.open(dir), clock: Int64.max / 2).issues.count == 6)
        #expect(Verifier.run(try Workspace.open(dir), clock: Int64.max / 2).issues.count == 6)
        #expect(report.issues.first { $0.path.hasSuffix("notes.txt") }?.message == "is not part of a portfolio")
        #expect(report.issues.first { $0.path.hasSuffix("note.pdf") }?.message == "is not part of any upload")
    }

    @Test func secondWriterIsRefusedWhileTheFirstHoldsTheLock() throws {
        let dir = try copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try WorkspaceSession(try Workspace.open(dir))
        #expect(throws: FolioError.self) { _ = try WorkspaceSession(try Workspace.open(dir)) }
        _ = first
    }
}
