import FolioTestSupport
import Foundation
import Testing

/// The benchmark harness runs end to end at a tiny size, so it cannot rot. Timings are printed, never asserted.
@Suite struct BenchmarkSmokeTests {
    @Test func harnessPrintsEveryRowAndTheRoundCertifiesEverything() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("folio-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: work) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Benchmarks/run").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [script, "--students", "4", "--items", "3", "--runs", "1", "--mean-kb", "10", "--work", work]
        var env = ProcessInfo.processInfo.environment
        env["FOLIO_BIN"] = try FolioRunner.binary().path
        // Small parts, so that the tiny school's export is split as a whole school's is.
        env["FOLIO_BUNDLE_PART_ENTRIES"] = "10"
        // A second of load per page is enough to see the rows made.
        env["PAGES_SECONDS"] = "1"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text)")
        for row in ["verify --full vs sha256sum", "verify --full vs its floor", "verify --full vs openssl", "verify again", "bundle export vs GNU tar", "import (sync) vs bsdtar",
                    "bundle import of all parts at once", "sync of the same stick again",
                    "archive seal", "archive verify vs bagit.py", "backup again (unchanged) vs whole backup", "status --json", "report uncertified", "certification round",
                    "status page p95", "student's page p95", "10 MB upload at the kiosk"] {
            #expect(text.contains("| " + row), "no row \(row):\n\(text)")
        }
        #expect(text.contains("after the round: 0 item(s) wait for certification"), "\(text)")
        // Every row with a target says whether it met it: the seal's against GNU tar + openssl + sync, say.
        let seal = text.split(separator: "\n").first { $0.contains("| archive seal vs GNU tar + openssl + sync") }
        #expect(seal.map { $0.contains("<=1.0 ✓") || $0.contains("<=1.0 ✗") } == true, "\(text)")
        // The anchor that also deletes the folders is the two samples added: a number, not "-".
        let sealAll = text.split(separator: "\n").first { $0.contains("| archive seal vs tar+openssl+sync + rm -rf") }
        let anchor = sealAll.map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        #expect(anchor.map { $0.count > 3 && Double($0[2]) != nil && Double($0[3]) != nil } == true, "\(text)")
        #expect(text.contains("<100ms ✓") || text.contains("<100ms ✗"), "\(text)")
        #expect(text.contains("0 socket errors, 0 not 2xx"), "every page load answered: \(text)")
        let parts = try FileManager.default.contentsOfDirectory(atPath: work + "/n4/usb").filter { $0.hasPrefix("uploads-") }
        #expect(parts.count > 1, "the export should have been split: \(parts)")
    }
}
