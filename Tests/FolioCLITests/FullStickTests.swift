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
        // A request to T001 opens with T001's key.
        let verify = try ws.folio(as: "T001", ["bundle", "verify", stick + "/" + written[0]])
        #expect(verify.stdout.contains("complete and correctly signed") || verify.stderr.contains("written by this workspace itself"), "\(verify)")
    }

    @Test func receiptsPrintedOntoAFullStickAreNotReportedAsPrinted() throws {
        let ws = try SampleCopy(now: "2025-08-20T09:00")
        expectSuccess(try ws.folio(as: "IT1", ["submit", "--office", "it", "--period", "113"]))
        let stick = ws.scratch("stick")
        try smallStick(stick)
        defer { _ = try? ToolRunner.run("umount", [stick]) }
        // Fill the stick to the last few hundred bytes, as a stick holding last term's files would be.
        _ = try ToolRunner.run("dd", ["if=/dev/zero", "of=\(stick)/old-files", "bs=1024", "count=15"], mergingErrors: true)
        let r = try ws.folio(["receipt", "print", "--submission", "it-113-1", "--out", stick])
        #expect(r.status == 1 && r.stderr.contains("No space left on device") && !r.stdout.contains("Wrote"), "\(r)")
        let left = try FileManager.default.contentsOfDirectory(atPath: stick).filter { $0 != "old-files" }
        #expect(left.isEmpty, "a receipt was left on the full stick: \(left)")
    }
}

/// Item ids cannot collide, whatever the clock: many uploads for one student in the same second each become
/// their own item, on one machine and from two kiosks.
@Suite struct SameSecondUploadTests {
    @Test func uploadsInTheSameSecondAreSeparateItems() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        var ids: Set<String> = []
        // The same description, different files: three items. The same file again is this very upload again
        // (as when a command is run again after an interruption): it stays the same item.
        for asset in ["physics-lab-report.pdf", "history-essay.pdf", "art-poster.png", "physics-lab-report.pdf"] {
            ids.insert(try ws.upload(student: "112002", course: "PHY-11A", description: "同一秒的報告", assets: [asset]))
        }
        #expect(ids.count == 3, "\(ids)")
        #expect(try ws.items("112002").filter { $0.string("description") == "同一秒的報告" }.count == 3)
        try expectVerifies(ws, "after four uploads in one second")
    }

    @Test func twoKiosksInTheSameSecondMakeTwoItems() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let stick = ws.scratch("stick")
        try FileManager.default.createDirectory(atPath: stick, withIntermediateDirectories: true)
        expectSuccess(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", stick]))
        let update = try #require(try FileManager.default.contentsOfDirectory(atPath: stick).first)
        var kiosks: [String] = []
        for name in ["kiosk-a", "kiosk-b"] {
            let dir = ws.scratch(name)
            expectSuccess(try FolioRunner.run(["init", "--dir", dir, "--join", stick + "/" + update, "--as", "KIOSK1", "--key", ws.key("KIOSK1"),
                                               "--role", "kiosk", "--root-fingerprint", ws.rootFingerprint], env: ["FOLIO_NOW": ws.now]))
            kiosks.append(dir)
        }
        for (dir, asset) in zip(kiosks, ["physics-lab-report.pdf", "history-essay.pdf"]) {
            let add = SampleCopy.addArguments(student: "112002", term: "113-1", course: "PHY-11A", description: "兩台資訊站",
                                              files: [ws.asset(asset)])
            expectSuccess(try FolioRunner.run(add + ["--workspace", dir],
                                              env: ["FOLIO_NOW": "2025-01-08T13:30", "FOLIO_STUDENT_SECRET": ws.secret("112002")]))
            let out = ws.scratch("out-" + (dir as NSString).lastPathComponent)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            expectSuccess(try FolioRunner.run(["bundle", "export", "--kind", "uploads", "--out", out, "--workspace", dir,
                                               "--as", "KIOSK1", "--key", ws.key("KIOSK1")], env: ["FOLIO_NOW": "2025-01-08T13:30"]))
            let bundle = try #require(try FileManager.default.contentsOfDirectory(atPath: out).first)
            expectSuccess(try ws.folio(as: "R01", ["bundle", "import", out + "/" + bundle], now: "2025-01-08T14:00"))
        }
        #expect(try ws.items("112002").filter { $0.string("description") == "兩台資訊站" }.count == 2)
    }
}
