import FolioTestSupport
import Foundation
import Testing

/// A write interrupted at any point leaves the old workspace or the new one: directly, or once the next
/// writing command has finished the committed transaction (`Transaction.recover`).
@Suite struct CrashSafetyTests {
    /// A writing command to interrupt, as run against a fresh sample copy.
    struct Scenario: Sendable, CustomTestStringConvertible {
        var name: String
        var who: String
        /// The command's words, as readers name it when it was interrupted.
        var command: String
        var arguments: @Sendable (SampleCopy) -> [String]
        /// Run on each fresh copy before the command (and before the "old" snapshot).
        var prepare: @Sendable (SampleCopy) throws -> Void = { _ in }
        var testDescription: String { name }
    }

    static let now = "2025-01-08T13:00"

    static let scenarios = [
        Scenario(name: "upload with a document and a media file", who: "112002", command: "add") { ws in
            SampleCopy.addArguments(student: "112002", term: "113-1", course: "PHY-11A", description: "單擺實驗與錄音",
                                    files: [ws.asset("physics-lab-report.pdf"), ws.asset("tone-a440.mp3")])
        },
        Scenario(name: "course rename, which rewrites manifests", who: "I01", command: "course add") { _ in
            ["course", "add", "PHY-11A", "--name", "物理（實驗）", "--term", "113-1", "--teacher", "T001"]
        },
        Scenario(name: "certify --all of three students' items", who: "T001", command: "certify", arguments: { _ in ["certify", "--all"] },
                 prepare: { ws in
                     _ = try ws.upload(student: "112002", course: "PHY-11A", description: "斜面運動實驗報告",
                                       assets: ["physics-lab-report.pdf"], now: now)
                     _ = try ws.upload(student: "112001", course: "PHY-11A", description: "單擺週期實驗",
                                       assets: ["math-graph.png"], now: now)
                 }),
    ]

    /// True when `.folio/txn` holds a committed plan that the next writing command will finish.
    private func committedPlanWaits(_ ws: SampleCopy) -> Bool {
        let txn = ws.path(".folio/txn")
        let dirs = (try? FileManager.default.contentsOfDirectory(atPath: txn)) ?? []
        return dirs.contains { FileManager.default.fileExists(atPath: txn + "/" + $0 + "/plan.json") }
    }

    /// After an interrupted run: the tree is old, new, or a committed plan waits; after recovery (any writing
    /// command, here `folio repair`) it is old or new; running the command again gives exactly the new tree, and
    /// verify passes.
    private func checkAfterInterruption(_ ws: SampleCopy, _ scenario: Scenario, before: TreeSnapshot, after: TreeSnapshot,
                                        _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let raw = try ws.snapshot()
        #expect(raw == before || raw == after || committedPlanWaits(ws),
                "\(what): neither old nor new, and no committed plan to finish:\n\(raw.differences(from: before))",
                sourceLocation: sourceLocation)
        // Until then the readers say what was interrupted and what finishes it, and never point at a backup.
        let waits = committedPlanWaits(ws)
        let complaints = try ReaderCheck.complaints(ws, interrupted: waits, command: scenario.command)
        #expect(complaints.isEmpty, "\(what): \(complaints.joined(separator: "\n"))", sourceLocation: sourceLocation)
        let repair = try ws.folio(["repair"], now: Self.now)
        #expect(repair.succeeded, "\(what): \(repair)", sourceLocation: sourceLocation)
        #expect(repair.stderr.contains("interrupted `folio \(scenario.command)`") == waits,
                "\(what): repair does not say it finished the interrupted command: \(repair)", sourceLocation: sourceLocation)
        let recovered = try ws.snapshot()
        #expect(recovered == before || recovered == after,
                "\(what): after recovery neither old nor new:\n\(recovered.differences(from: before))",
                sourceLocation: sourceLocation)
        let again = try ws.folio(as: scenario.who, scenario.arguments(ws), now: Self.now)
        #expect(again.succeeded, "\(what): running the command again failed: \(again)", sourceLocation: sourceLocation)
        let final = try ws.snapshot()
        #expect(final == after, "\(what): the rerun did not give the clean result:\n\(final.differences(from: after))",
                sourceLocation: sourceLocation)
        try expectVerifies(ws, what, sourceLocation: sourceLocation)
    }

    /// The clean result of the scenario, computed once in its own copy.
    /// The command run once to the end: the workspace before and after, and how long it took (with
    /// `stepDelay`, the pause `FOLIO_STEP_DELAY_MS` puts at each durable step).
    private func reference(_ scenario: Scenario, stepDelay: String? = nil) throws -> (before: TreeSnapshot, after: TreeSnapshot, seconds: Double) {
        let ws = try SampleCopy(now: Self.now)
        try scenario.prepare(ws)
        let before = try ws.snapshot()
        let start = Date()
        let signing = DemoSigner.signing(scenario.who, keys: ws.path("keys"))
        var env = ["FOLIO_NOW": Self.now].merging(signing.env) { $1 }
        env["FOLIO_STEP_DELAY_MS"] = stepDelay
        let r = try FolioRunner.start(scenario.arguments(ws) + signing.arguments + ["--workspace", ws.root.path], env: env).wait()
        let seconds = Date().timeIntervalSince(start)
        try #require(r.succeeded, "\(r)")
        let after = try ws.snapshot()
        try #require(after != before)
        return (before, after, seconds)
    }

    /// Runs a command on fresh copies with `FOLIO_CRASH_AT=1, 2, …` until it completes (then it must give
    /// exactly `after`), handing each crashed copy to `crashed`. Returns how many runs crashed.
    private func crashAtEveryStep(after: TreeSnapshot, fresh: () throws -> SampleCopy,
                                  run: (SampleCopy, [String: String]) throws -> FolioResult,
                                  crashed: (SampleCopy, Int) throws -> Void,
                                  sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        for n in 1...80 {
            let ws = try fresh()
            let r = try run(ws, ["FOLIO_CRASH_AT": String(n)])
            if r.succeeded {
                let snap = try ws.snapshot()
                #expect(snap == after, "FOLIO_CRASH_AT=\(n) finished but differs:\n\(snap.differences(from: after))",
                        sourceLocation: sourceLocation)
                return n - 1
            }
            try #require(!r.signalled && r.status == 99, "FOLIO_CRASH_AT=\(n): expected the crash exit 99: \(r)",
                         sourceLocation: sourceLocation)
            try crashed(ws, n)
        }
        Issue.record("the command never completed within 80 crash points", sourceLocation: sourceLocation)
        return 80
    }

    @Test(arguments: scenarios)
    func crashAtEveryDurableStepLeavesTheOldOrTheNewWorkspace(_ scenario: Scenario) throws {
        let (before, after, _) = try reference(scenario)
        let crashes = try crashAtEveryStep(after: after) {
            let ws = try SampleCopy(now: Self.now)
            try scenario.prepare(ws)
            return ws
        } run: { ws, env in
            try ws.folio(as: scenario.who, scenario.arguments(ws), now: Self.now, env: env)
        } crashed: { ws, n in
            try checkAfterInterruption(ws, scenario, before: before, after: after, "FOLIO_CRASH_AT=\(n)")
        }
        #expect(crashes >= 3, "the crash hook fired only \(crashes) times")
    }

    /// Sealing lands in batches (`FOLIO_SEAL_BATCH=1` here: one graduate each), so an interrupted seal may
    /// leave some graduates sealed: always whole ones, first to last, each either in the register with its
    /// tarball and its folder gone, or untouched and live; verify passes; sealing again gives exactly what
    /// an uninterrupted seal gives.
    @Test func crashAtEveryDurableStepOfABatchedSealLeavesWholeGraduatesSealed() throws {
        let day = "2025-07-01T09:00", graduates = ["111001", "111002", "111016"]
        let batch = ["FOLIO_SEAL_BATCH": "1"]
        func graduated() throws -> SampleCopy {
            let ws = try SampleCopy(now: day)
            expectSuccess(try ws.folio(as: "R01", ["graduate", "--grade", "12", "--date", "2025-06-30"]))
            return ws
        }
        let reference = try graduated()
        let before = try reference.snapshot()
        expectSuccess(try reference.folio(as: "R01", ["archive", "seal"], env: batch))
        let after = try reference.snapshot()
        var partial = 0
        let crashes = try crashAtEveryStep(after: after, fresh: graduated) { ws, env in
            try ws.folio(as: "R01", ["archive", "seal"], env: batch.merging(env) { $1 })
        } crashed: { ws, n in
            let complaints = try ReaderCheck.complaints(ws, interrupted: committedPlanWaits(ws), command: "archive seal")
            #expect(complaints.isEmpty, "FOLIO_CRASH_AT=\(n): \(complaints.joined(separator: "\n"))")
            expectSuccess(try ws.folio(["repair"]))
            let now = try ws.snapshot()
            let sealed = graduates.filter { !FileManager.default.fileExists(atPath: ws.path("students/\($0)")) }
            #expect(sealed == Array(graduates.prefix(sealed.count)), "FOLIO_CRASH_AT=\(n): sealed out of order: \(sealed)")
            if !sealed.isEmpty && sealed.count < graduates.count { partial += 1 }
            for number in graduates {
                let tarball = "archive/999901-\(number).tar"
                if sealed.contains(number) {
                    #expect(now.files[tarball] != nil && now.files[tarball] == after.files[tarball],
                            "FOLIO_CRASH_AT=\(n): \(number)'s folder is gone but its tarball is not the sealed one")
                } else {
                    #expect(now.files[tarball] == nil, "FOLIO_CRASH_AT=\(n): \(number) is live and has a tarball")
                    let live = before.files.filter { $0.key.hasPrefix("students/\(number)/") }
                    #expect(now.files.filter { $0.key.hasPrefix("students/\(number)/") } == live,
                            "FOLIO_CRASH_AT=\(n): \(number) is live but its folder changed")
                }
            }
            let verify = try ws.folio(["verify"])
            #expect(verify.succeeded && verify.stdout.contains("(\(sealed.count) sealed)"), "FOLIO_CRASH_AT=\(n): \(verify)")
            // All three sealed before the crash (it came while the last folders were deleted): nothing waits.
            if sealed.count < graduates.count { expectSuccess(try ws.folio(as: "R01", ["archive", "seal"], env: batch)) }
            let again = try ws.snapshot()
            #expect(again == after, "FOLIO_CRASH_AT=\(n): sealing again differs:\n\(again.differences(from: after))")
        }
        #expect(crashes >= 6, "the crash hook fired only \(crashes) times")
        #expect(partial >= 2, "no crash left one or two of the three graduates sealed: the batches are not separate")
    }

    @Test func sigkillDuringARosterImportLeavesTheOldOrTheNewWorkspace() throws {
        // The sample's roster with every student's address changed, so that every student gets a new record.
        let scenario = Scenario(name: "roster import", who: "R01", command: "roster import", arguments: { ws in
            ["roster", "import", "students", ws.scratch("students-moved.csv"), "--apply"]
        }, prepare: { ws in
            let roster = try String(contentsOfFile: ws.path("roster/students.csv"), encoding: .utf8)
            let moved = roster.split(whereSeparator: \.isNewline).enumerated().map { n, line in
                var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                if n > 0 { cells[6] += "之1" }
                return cells.joined(separator: ",")
            }
            try (moved.joined(separator: "\r\n") + "\r\n").write(toFile: ws.scratch("students-moved.csv"), atomically: true, encoding: .utf8)
        })
        let (before, after, seconds) = try reference(scenario, stepDelay: "20")
        var killed = 0
        for attempt in 1...8 {
            let ws = try SampleCopy(now: Self.now)
            try scenario.prepare(ws)
            // Each durable step pauses 20 ms, so the writes take long enough for the kill to land among them.
            let process = try FolioRunner.start(
                scenario.arguments(ws) + ["--as", "R01", "--key", ws.key("R01"), "--workspace", ws.root.path],
                env: ["FOLIO_NOW": Self.now, "FOLIO_STEP_DELAY_MS": "20"])
            // Spread the kills over the run, most of them late (where the writes happen), with random jitter.
            let fraction = 0.3 + 0.8 * Double(attempt - 1) / 7 + Double.random(in: -0.05...0.05)
            let delay = max(0, fraction * seconds)
            Thread.sleep(forTimeInterval: delay)
            process.kill()
            let r = process.wait()
            if r.signalled { killed += 1 } else { #expect(r.succeeded, "attempt \(attempt): \(r)") }
            try checkAfterInterruption(ws, scenario, before: before, after: after,
                                       "SIGKILL after \(Int(delay * 1000)) ms (attempt \(attempt), \(r.signalled ? "killed" : "finished"))")
        }
        // Timing decides how many runs the kill reaches; at least one should be cut short.
        #expect(killed > 0, "no run was killed before it finished")
    }
}
