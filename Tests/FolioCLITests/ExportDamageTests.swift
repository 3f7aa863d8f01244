import FolioTestSupport
import Foundation
import Testing

/// An export copies artifact files and records straight from the workspace's disk, hashing them as they are
/// written: a file damaged on this disk must not travel, and the refusal must leave nothing behind.
@Suite struct ExportDamageTests {
    func firstFile(under relative: String, _ ws: SampleCopy, suffix: String) throws -> String {
        let base = ws.path(relative)
        let walker = try #require(FileManager.default.enumerator(atPath: base))
        while let p = walker.nextObject() as? String { if p.hasSuffix(suffix) { return relative + "/" + p } }
        Issue.record("no \(suffix) under \(relative)")
        return ""
    }

    func flipOneByte(_ path: String) throws {
        let h = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try h.seek(toOffset: 40)
        let b = try #require(try h.read(upToCount: 1)).first!
        try h.seek(toOffset: 40)
        try h.write(contentsOf: [b ^ 0x01])
        try h.close()
    }

    @Test func aDamagedArtifactStopsTheExportAndNoBundleIsLeft() throws {
        let ws = try SampleCopy()
        let usb = ws.scratch("usb")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        let damaged = try firstFile(under: "students/112001/files", ws, suffix: ".pdf")
        try flipOneByte(ws.path(damaged))
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "uploads", "--to", "KIOSK1", "--out", usb]),
                          naming: [damaged, "no longer matches", "verify"], workspace: ws, unchangedFrom: before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: usb).isEmpty, "a partial bundle was left on the stick")
    }

    @Test func aRecordChangedAfterItWasSignedStopsTheExport() throws {
        let ws = try SampleCopy()
        let usb = ws.scratch("usb")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        let record = try firstFile(under: "students/112001/events", ws, suffix: ".json")
        var text = try String(contentsOfFile: ws.path(record), encoding: .utf8)
        // Same length and still canonical JSON, named by the same id: only the signature no longer fits.
        let sig = try #require(text.range(of: "\"signature\":\""))
        let at = text.index(sig.upperBound, offsetBy: 5)
        text.replaceSubrange(at...at, with: text[at] == "A" ? "B" : "A")
        try text.write(toFile: ws.path(record), atomically: false, encoding: .utf8)
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "uploads", "--to", "KIOSK1", "--out", usb]),
                          naming: [record, "changed after it was signed", "verify"], workspace: ws, unchangedFrom: before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: usb).isEmpty, "a partial bundle was left on the stick")
    }

    /// A record copied into another student's folder (a careless backup, a misplaced file) travels under the
    /// student it names, once: filed under the folder it sits in, the receiving kiosk would refuse the bundle.
    @Test func aRecordInAnotherStudentsFolderTravelsUnderItsOwnStudent() throws {
        let ws = try SampleCopy()
        let usb = ws.scratch("usb")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        let record = try firstFile(under: "students/112001/events", ws, suffix: ".json")
        let name = (record as NSString).lastPathComponent
        try FileManager.default.copyItem(atPath: ws.path(record), toPath: ws.path("students/112002/events/" + name))
        let result = try ws.folio(as: "IT1", ["bundle", "export", "--kind", "uploads", "--to", "KIOSK1", "--out", usb])
        #expect(result.status == 0, "\(result.stderr)")
        let bundle = try #require(try FileManager.default.contentsOfDirectory(atPath: usb).first { $0.hasPrefix("uploads-") })
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        tar.arguments = ["-tf", usb + "/" + bundle]
        let listing = ws.scratch("listing.txt")
        _ = FileManager.default.createFile(atPath: listing, contents: nil)
        tar.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: listing))
        try tar.run()
        tar.waitUntilExit()
        #expect(tar.terminationStatus == 0)
        let names = try String(contentsOfFile: listing, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(names.filter { $0 == "students/112001/events/" + name }.count == 1)
        #expect(!names.contains("students/112002/events/" + name))
    }
}
