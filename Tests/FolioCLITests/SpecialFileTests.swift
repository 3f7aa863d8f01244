import FolioTestSupport
import Foundation
import Testing

/// A named pipe (FIFO) left where a record or an artifact file belongs. Reading one waits for a writer
/// that never comes, so a command that opened it would hang: each must name it, or pass over it, and
/// finish. Once, `folio verify` waited forever on a pipe named like a record.
@Suite struct SpecialFileTests {
    /// Runs folio on the workspace and kills it if it has not finished within a minute, so that a hang
    /// fails the test instead of stopping the suite.
    func finishes(_ ws: SampleCopy, as who: String? = nil, _ arguments: [String],
                  sourceLocation: SourceLocation = #_sourceLocation) throws -> FolioResult {
        var args = arguments
        if let who { args += ["--as", who, "--key", ws.key(who)] }
        let process = try FolioRunner.start(args + ["--workspace", ws.root.path], env: ["FOLIO_NOW": ws.now])
        let watchdog = DispatchWorkItem { process.kill() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        let r = process.wait()
        watchdog.cancel()
        #expect(!r.signalled, "folio \(arguments.joined(separator: " ")) was still running after a minute", sourceLocation: sourceLocation)
        return r
    }

    func makePipe(_ path: String) throws {
        try #require(mkfifo(path, 0o644) == 0, "mkfifo \(path)")
    }

    /// The first artifact file of `student`, moved aside and replaced by a pipe of the same name.
    func pipeInPlaceOfAFile(_ ws: SampleCopy, student: String) throws -> String {
        let base = "students/\(student)/files"
        let walker = try #require(FileManager.default.enumerator(atPath: ws.path(base)))
        var found: String?
        while found == nil, let p = walker.nextObject() as? String {
            if p.hasSuffix(".pdf") { found = base + "/" + p }
        }
        let file = try #require(found, "\(student) has no PDF")
        try FileManager.default.moveItem(atPath: ws.path(file), toPath: ws.scratch("moved-aside"))
        try makePipe(ws.path(file))
        return file
    }

    @Test func aPipeNamedLikeARecordIsNamedByVerifyAndPassedOverByExport() throws {
        let ws = try SampleCopy()
        let pipe = "students/112001/events/x.json"
        try makePipe(ws.path(pipe))
        let before = try ws.snapshot()
        for args in [["verify"], ["verify", "--full"]] {
            let r = try finishes(ws, args)
            #expect(r.status == 1, "\(r)")
            #expect(r.stdout.contains("\(pipe): is not an event file"), "\(r)")
            #expect(r.stdout.contains("1 problem"), "only the pipe is wrong: \(r)")
        }
        // A bundle carries only records; a stray in the records folder is verify's to report, as for any
        // other file that is not a record.
        let usb = ws.scratch("usb")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        let export = try finishes(ws, as: "IT1", ["bundle", "export", "--kind", "uploads", "--to", "KIOSK1", "--out", usb])
        #expect(export.succeeded, "\(export)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: usb).contains { $0.hasSuffix(".tar") }, "no bundle written")
        #expect(try ws.snapshot().others == before.others, "the pipe should be left where it is")
    }

    @Test func aPipeInPlaceOfAnArtifactIsNamedAndStopsTheExport() throws {
        let ws = try SampleCopy()
        let file = try pipeInPlaceOfAFile(ws, student: "112001")
        let verify = try finishes(ws, ["verify", "--full"])
        #expect(verify.status == 1, "\(verify)")
        #expect(verify.stdout.contains("\(file): is not an ordinary file"), "\(verify)")
        #expect(!verify.stdout.contains("\(file): is missing"), "the pipe is there, not missing: \(verify)")

        let usb = ws.scratch("usb")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        let before = try ws.snapshotWithBookkeeping()
        let export = try finishes(ws, as: "IT1", ["bundle", "export", "--kind", "uploads", "--to", "KIOSK1", "--out", usb])
        #expect(export.status == 1, "\(export)")
        #expect(export.stderr.contains(file) && export.stderr.contains("not a regular file"), "\(export)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: usb).isEmpty, "a partial bundle was left on the stick")
        let after = try ws.snapshotWithBookkeeping()
        #expect(after == before, "the refused export changed the workspace:\n\(after.differences(from: before))")
    }

    @Test func aPipeInAGraduatesFolderStopsTheSealAndNothingIsSealed() throws {
        let ws = try SampleCopy(now: "2025-07-01T09:00")
        expectSuccess(try ws.folio(as: "R01", ["graduate", "--grade", "12", "--date", "2025-06-30"]))
        let file = try pipeInPlaceOfAFile(ws, student: "111001")
        let before = try ws.snapshot()
        let seal = try finishes(ws, as: "R01", ["archive", "seal"])
        try expectRefused(seal, naming: [file], workspace: ws, unchangedFrom: before)
        #expect(!FileManager.default.fileExists(atPath: ws.path("archive/999901-111001.tar")), "a tarball was sealed")
    }

    @Test func aPipeGivenAsABundleIsRefusedAndChangesNothing() throws {
        let ws = try SampleCopy()
        let pipe = ws.scratch("uploads-KIOSK1.tar")
        try makePipe(pipe)
        // Where every writing command keeps its lock: the comparison covers the rest of .folio (staging).
        try FileManager.default.createDirectory(atPath: ws.path(".folio"), withIntermediateDirectories: true)
        let before = try ws.snapshotWithBookkeeping()
        let r = try finishes(ws, as: "R01", ["bundle", "import", pipe])
        #expect(r.status == 1 && r.stderr.contains("is not an ordinary file"), "\(r)")
        let after = try ws.snapshotWithBookkeeping()
        #expect(after == before, "the refused import changed the workspace:\n\(after.differences(from: before))")
    }

    @Test func aPipeInPlaceOfASealedTarballIsNamed() throws {
        let ws = try SampleCopy(now: "2025-07-01T09:00")
        expectSuccess(try ws.folio(as: "R01", ["graduate", "--grade", "12", "--date", "2025-06-30"]))
        expectSuccess(try ws.folio(as: "R01", ["archive", "seal"]))
        let tarball = "archive/999901-111001.tar"
        try FileManager.default.removeItem(atPath: ws.path(tarball))
        try makePipe(ws.path(tarball))
        for args in [["archive", "verify"], ["verify", "--full"]] {
            let r = try finishes(ws, args)
            #expect(r.status == 1, "\(args): \(r)")
            #expect(r.stdout.contains("PROBLEM \(tarball)") && r.stdout.contains("is not an ordinary file"), "\(args): \(r)")
            #expect(r.stdout.components(separatedBy: "PROBLEM").count == 2, "only that tarball is wrong: \(r)")
        }
    }

    /// A manifest is derived: a pipe in its place is named, status reads past it, and repair replaces it.
    @Test func aPipeInPlaceOfAManifestIsNamedAndRepairReplacesIt() throws {
        let ws = try SampleCopy()
        let manifest = "students/112001/manifest.json"
        try FileManager.default.removeItem(atPath: ws.path(manifest))
        try makePipe(ws.path(manifest))
        let verify = try finishes(ws, ["verify"])
        #expect(verify.status == 1, "\(verify)")
        #expect(verify.stdout.contains("\(manifest): is not an ordinary file"), "\(verify)")
        let status = try finishes(ws, ["status", "112001", "--json"])
        #expect(status.succeeded, "\(status)")
        expectSuccess(try finishes(ws, ["repair"]))
        let again = try finishes(ws, ["verify"])
        #expect(again.succeeded && again.stdout.contains("all consistent"), "\(again)")
        var st = stat()
        #expect(lstat(ws.path(manifest), &st) == 0 && st.st_mode & S_IFMT == S_IFREG, "the manifest is not an ordinary file again")
    }
}
