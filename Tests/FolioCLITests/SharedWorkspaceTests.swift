import FolioTestSupport
import Foundation
import Testing

/// Several commands on one workspace at once, as at the office while kiosks and clerks work: readers see a
/// whole state, never a writer's half-done one, and a writer waits its turn (saying for whom) instead of
/// failing.
@Suite struct SharedWorkspaceTests {
    static let now = "2025-01-08T13:00"

    /// Starts `folio add` of a work (作品成果: no course, no per-term limit) for `student` in the background,
    /// signed with the student's secret.
    private func startUpload(_ ws: SampleCopy, student: String, description: String, asset: String,
                             env: [String: String] = [:]) throws -> FolioProcess {
        let signing = DemoSigner.signing(student, keys: ws.path("keys"))
        let args = SampleCopy.addArguments(student: student, category: "works", term: "113-1", description: description,
                                           files: [ws.asset(asset)], fields: ["name": description]) + ["--workspace", ws.root.path]
        return try FolioRunner.start(args, env: ["FOLIO_NOW": Self.now].merging(signing.env) { $1 }.merging(env) { $1 })
    }

    /// Waits until a running writer holds the lock: its transaction folder has appeared.
    private func waitForTransaction(_ ws: SampleCopy) throws {
        for _ in 0..<1500 {
            let dirs = (try? FileManager.default.contentsOfDirectory(atPath: ws.path(".folio/txn"))) ?? []
            if !dirs.isEmpty { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw FolioHarnessError("the writer never started its transaction")
    }

    @Test func verifyBesideFiftyWritersSeesNoDamageAndEveryWriterGetsItsTurn() throws {
        let ws = try SampleCopy(now: Self.now)
        let students = ["112001", "112002", "112020", "112021", "113001"]
        let assets = ["physics-lab-report.pdf", "math-graph.png", "history-essay.pdf", "art-poster.png", "self-study-plan.pdf"]
        let writers = try (0..<50).map { i in
            try startUpload(ws, student: students[i % students.count], description: "實驗紀錄 \(i)", asset: assets[i % assets.count])
        }
        // Verify over and over while the writers run (each verify checks every student again: --full).
        var verifies: [FolioResult] = []
        var done = false
        while !done {
            verifies.append(try ws.folio(["verify", "--full"]))
            done = writers.allSatisfy { !$0.isRunning }
        }
        let results = writers.map { $0.wait() }
        for (i, r) in results.enumerated() { #expect(r.succeeded, "writer \(i): \(r)") }
        for (i, v) in verifies.enumerated() { #expect(v.succeeded, "verify \(i) beside the writers: \(v)") }
        #expect(verifies.count >= 2, "verify ran only \(verifies.count) times beside the writers")
        // Every upload landed as its own item.
        let items = try students.reduce(0) { $0 + (try ws.items($1).filter { ($0["description"] as? String)?.hasPrefix("實驗紀錄") == true }.count) }
        #expect(items == 50)
        try expectVerifies(ws, "after the writers")
    }

    @Test func aWriterWaitsForAnotherAndSaysWhoItWaitsFor() throws {
        let ws = try SampleCopy(now: Self.now)
        // The first upload pauses 150 ms at each durable step, so it holds the lock for a second or more.
        let first = try startUpload(ws, student: "112002", description: "單擺實驗", asset: "physics-lab-report.pdf",
                                    env: ["FOLIO_STEP_DELAY_MS": "150"])
        try waitForTransaction(ws)
        let second = try ws.upload(student: "112001", course: "PHY-11A", description: "斜面實驗", assets: ["math-graph.png"])
        let r1 = first.wait()
        #expect(r1.succeeded, "\(r1)")
        #expect(try ws.items("112001").contains { $0["id"] as? String == second })
        // The waiting is said on standard error, naming the command and its process.
        let third = try startUpload(ws, student: "112020", description: "光學實驗", asset: "art-poster.png",
                                    env: ["FOLIO_STEP_DELAY_MS": "150"])
        try waitForTransaction(ws)
        let waiting = try ws.folio(as: "112021", SampleCopy.addArguments(
            student: "112021", term: "113-1", course: "PHY-11A", description: "熱學實驗", files: [ws.asset("math-graph.png")]))
        #expect(waiting.succeeded, "\(waiting)")
        #expect(waiting.stderr.contains("Waiting for `folio add` (process \(third.pid))"), "\(waiting)")
        #expect(third.wait().succeeded)
    }

    @Test func aWriterThatWaitedLongEnoughGivesUpNamingTheHolderAndChangesNothing() throws {
        let ws = try SampleCopy(now: Self.now)
        let slow = try startUpload(ws, student: "112002", description: "單擺實驗", asset: "physics-lab-report.pdf",
                                   env: ["FOLIO_STEP_DELAY_MS": "1500"])
        try waitForTransaction(ws)
        let refused = try ws.folio(as: "112001", SampleCopy.addArguments(
            student: "112001", term: "113-1", course: "PHY-11A", description: "斜面實驗", files: [ws.asset("math-graph.png")]),
            env: ["FOLIO_LOCK_WAIT": "1"])
        #expect(!refused.succeeded)
        #expect(refused.stderr.contains("error: `folio add` (process \(slow.pid)) is still working on this workspace; waited 1 second"),
                "\(refused)")
        #expect(slow.wait().succeeded)
        #expect(try ws.items("112001").allSatisfy { $0["description"] as? String != "斜面實驗" })
    }

    @Test func aReaderWaitsForAWriterAndSeesItsWholeResult() throws {
        let ws = try SampleCopy(now: Self.now)
        let before = try ws.items("112002").count
        let writer = try startUpload(ws, student: "112002", description: "單擺實驗", asset: "physics-lab-report.pdf",
                                     env: ["FOLIO_STEP_DELAY_MS": "150"])
        try waitForTransaction(ws)
        let status = try ws.folio(["status", "112002", "--json"])
        #expect(status.succeeded, "\(status)")
        #expect(status.stderr.contains("Waiting for `folio add` (process \(writer.pid))"), "\(status)")
        let object = try JSONSerialization.jsonObject(with: status.stdoutData) as? [String: Any]
        #expect((object?["items"] as? [Any])?.count == before + 1, "the reader did not see the writer's whole result")
        #expect(writer.wait().succeeded)
    }
}
