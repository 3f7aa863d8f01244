import FolioTestSupport
import Foundation
import Testing

/// `folio sample generate` makes valid, reproducible schools for the benchmarks.
@Suite struct SampleGeneratorTests {
    @Test func theSameSeedGivesTheSameValidSchool() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("folio-gen-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let a = base.appendingPathComponent("a").path, b = base.appendingPathComponent("b").path
        let c = base.appendingPathComponent("c").path
        let made = try FolioRunner.run(["sample", "generate", "--students", "12", "--items", "5", "--mean-kb", "20", "--out", a, "--json"])
        #expect(made.succeeded, "\(made)")
        let summary = try JSONSerialization.jsonObject(with: made.stdoutData) as? [String: Any] ?? [:]
        #expect(summary["items"] as? Int == 60 && summary["files"] as? Int == 60, "\(summary)")
        #expect(try FolioRunner.run(["sample", "generate", "--students", "12", "--items", "5", "--mean-kb", "20", "--out", b]).succeeded)
        #expect(try FolioRunner.run(["sample", "generate", "--students", "12", "--items", "5", "--mean-kb", "20", "--seed", "2", "--out", c]).succeeded)
        let sa = try TreeSnapshot(of: URL(fileURLWithPath: a)), sb = try TreeSnapshot(of: URL(fileURLWithPath: b))
        #expect(sa == sb, "\(sb.differences(from: sa))")
        #expect(try TreeSnapshot(of: URL(fileURLWithPath: c)) != sa, "another seed should give another school")

        let verify = try FolioRunner.run(["verify", "--workspace", a])
        #expect(verify.succeeded && verify.stdout.contains("12 students") && verify.stdout.contains("60 files"), "\(verify)")
        #expect(!verify.stdout.contains("held back"), "every generated record follows the rules: \(verify)")
        // The teachers' queues the summary reports are the ones the office report shows.
        let report = try FolioRunner.run(["report", "uncertified", "--json", "--workspace", a], env: ["FOLIO_NOW": "2025-01-08T12:00"])
        let rows = (try JSONSerialization.jsonObject(with: report.stdoutData) as? [String: Any])?["rows"] as? [[String]] ?? []
        #expect(rows.reduce(0) { $0 + (Int($1[6]) ?? 0) } == summary["pending"] as? Int, "\(rows) vs \(summary)")
    }
}
