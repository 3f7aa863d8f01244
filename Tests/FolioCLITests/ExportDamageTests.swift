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

    /// Changes one character of a record's signature: same length, still canonical JSON, named by the same
    /// id; only the signature no longer fits.
    func forgeSignature(_ path: String) throws {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let sig = try #require(text.range(of: "\"signature\":\""))
        let at = text.index(sig.upperBound, offsetBy: 5)
        text.replaceSubrange(at...at, with: text[at] == "A" ? "B" : "A")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// A fresh folder standing for the USB stick.
    func stick(_ ws: SampleCopy) throws -> String {
        let usb = ws.scratch("usb")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        return usb
    }

    func exportUploads(_ ws: SampleCopy, to usb: String) throws -> FolioResult {
        try ws.folio(as: "IT1", ["bundle", "export", "--kind", "uploads", "--to", "KIOSK1", "--out", usb])
    }

    /// The export is refused with a message holding `words`; the workspace stays byte for byte as it was
    /// and nothing is left on the stick.
    func expectExportRefused(_ ws: SampleCopy, naming words: [String]) throws {
        let usb = try stick(ws)
        let before = try ws.snapshot()
        try expectRefused(try exportUploads(ws, to: usb), naming: words, workspace: ws, unchangedFrom: before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: usb).isEmpty, "a partial bundle was left on the stick")
    }

    @Test func aDamagedArtifactStopsTheExportAndNoBundleIsLeft() throws {
        let ws = try SampleCopy()
        let damaged = try firstFile(under: "students/112001/files", ws, suffix: ".pdf")
        try flipOneByte(ws.path(damaged))
        try expectExportRefused(ws, naming: [damaged, "no longer matches", "verify"])
    }

    /// An export trusts `folio verify`'s check of a folder that has not changed since; a byte changed in
    /// place afterwards, with the file's modification time put back, still stops it.
    @Test func aFileDamagedAfterAVerifyStillStopsTheExport() throws {
        let ws = try SampleCopy()
        // Files settle for two seconds before a check of them is kept (`VerifyCache.isSettled`).
        Thread.sleep(forTimeInterval: 2.2)
        #expect(try ws.folio(["verify"]).status == 0)
        let damaged = try firstFile(under: "students/112001/files", ws, suffix: ".pdf")
        try flipByteKeepingMtime(ws.path(damaged))
        try expectExportRefused(ws, naming: [damaged, "no longer matches", "verify"])
    }

    /// The first of a student's upload records: the records an uploads bundle carries.
    func firstUpload(of student: String, _ ws: SampleCopy) throws -> String {
        let events = "students/\(student)/events"
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: ws.path(events)).sorted().first {
            (try? String(contentsOfFile: ws.path(events + "/" + $0), encoding: .utf8))?.contains("\"kind\":\"item.uploaded\"") == true
        })
        return events + "/" + name
    }

    @Test func aRecordChangedAfterItWasSignedStopsTheExport() throws {
        let ws = try SampleCopy()
        let record = try firstUpload(of: "112001", ws)
        try forgeSignature(ws.path(record))
        try expectExportRefused(ws, naming: [record, "changed after it was signed", "verify"])
    }

    /// Signatures are checked beside the writing, which stops at the first damaged file; a forged record
    /// further on is still the one reported, every time, as when every record was checked before writing.
    @Test func aForgedRecordIsReportedEvenWhenADamagedFileComesFirst() throws {
        let ws = try SampleCopy()
        try flipOneByte(ws.path(try firstFile(under: "students/112001/files", ws, suffix: ".pdf")))
        // An upload, so that the record is one an uploads bundle carries.
        let events = "students/113001/events"
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: ws.path(events)).sorted().first {
            (try? String(contentsOfFile: ws.path(events + "/" + $0), encoding: .utf8))?.contains("\"kind\":\"item.uploaded\"") == true
        })
        let record = events + "/" + name
        try forgeSignature(ws.path(record))
        try expectExportRefused(ws, naming: [record, "changed after it was signed", "verify"])
    }

    /// A record copied into another student's folder (a careless backup, a misplaced file) travels under the
    /// student it names, once: filed under the folder it sits in, the receiving kiosk would refuse the bundle.
    @Test func aRecordInAnotherStudentsFolderTravelsUnderItsOwnStudent() throws {
        let ws = try SampleCopy()
        let usb = try stick(ws)
        let record = try firstUpload(of: "112001", ws)
        let name = (record as NSString).lastPathComponent
        try FileManager.default.copyItem(atPath: ws.path(record), toPath: ws.path("students/112002/events/" + name))
        let result = try exportUploads(ws, to: usb)
        #expect(result.status == 0, "\(result.stderr)")
        let bundle = try #require(try FileManager.default.contentsOfDirectory(atPath: usb).first { $0.hasPrefix("uploads-") })
        // Sealed for the kiosk: opened with its key, then listed by tar.
        let names = try SealedBundleReader.listing(usb + "/" + bundle, as: "KIOSK1", keys: ws.path("keys"))
        #expect(names.filter { $0 == "students/112001/events/" + name }.count == 1)
        #expect(!names.contains("students/112002/events/" + name))
    }
}
