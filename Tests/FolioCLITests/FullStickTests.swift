import FolioTestSupport
import Foundation
import Testing

/// A stick that fills up while a bundle is written: the bundle is not reported as written, nothing is left
/// under its name, nothing is recorded as sent, and the next export on a stick with room writes it whole.
@Suite struct FullStickTests {
    /// A 16 KiB tmpfs stands for a nearly full stick (tests run as root, as CI does).
    func smallStick(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let r = try ToolRunner.run("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", path], mergingErrors: true)
        try #require(r.status == 0, "mounting a small tmpfs failed: \(r.output)")
    }

    @Test func aBundleThatDoesNotFitIsNotReportedAsWrittenAndIsWrittenAgainLater() throws {
        let ws = try SampleCopy()
        let stick = ws.scratch("stick")
        try smallStick(stick)
        defer { _ = try? ToolRunner.run("umount", [stick]) }
        // Every command makes .folio/ for its lock; what matters is what is recorded in it.
        try FileManager.default.createDirectory(atPath: ws.path(".folio"), withIntermediateDirectories: true)
        let before = try ws.snapshotWithBookkeeping()
        let r = try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", stick])
        #expect(r.status == 1 && r.stderr.contains("No space left on device") && r.stderr.contains("Nothing was recorded as sent"), "\(r)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: stick).isEmpty, "a partial bundle was left on the stick")
        let after = try ws.snapshotWithBookkeeping()
        #expect(after == before, "a bundle that was not written was recorded as sent: \(after.differences(from: before))")
        // Sync to the same full stick says so too, and does not count the bundle as waiting there.
        let synced = try ws.folio(as: "R01", ["sync", stick])
        #expect(synced.status == 1 || !synced.stdout.contains("Wrote"), "\(synced)")
        _ = try ToolRunner.run("umount", [stick])
        let again = expectSuccess(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", stick]))
        let written = try FileManager.default.contentsOfDirectory(atPath: stick).filter { $0.hasPrefix("request-") }
        #expect(written.count == 1, "\(again)")
        let verify = try ws.folio(["bundle", "verify", stick + "/" + written[0]])
        #expect(verify.stdout.contains("complete and correctly signed") || verify.stderr.contains("written by this workspace itself"), "\(verify)")
    }
}
