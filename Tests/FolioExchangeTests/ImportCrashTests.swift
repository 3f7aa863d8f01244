import FolioCore
import FolioTestSupport
import Foundation
import Testing

/// A `folio bundle import` killed at any point leaves the hub with whole bundles imported: as it was, fully
/// imported, or (given several) with the first few in and the rest not. Directly, or once the next writing
/// session has finished a committed transaction (`Transaction.recover`).
@Suite struct ImportCrashTests {
    static let now = "2025-01-08T09:00"

    /// True when `.folio/txn` holds a committed plan that the next writing session will finish.
    private func committedPlanWaits(_ ws: SampleCopy) -> Bool {
        let txn = ws.path(".folio/txn")
        let dirs = (try? FileManager.default.contentsOfDirectory(atPath: txn)) ?? []
        return dirs.contains { FileManager.default.fileExists(atPath: txn + "/" + $0 + "/plan.json") }
    }

    /// Whatever a killed import left under `.folio/` for recovery to clear: staged bundles, transactions.
    private func leftovers(_ ws: SampleCopy) -> [String] {
        ["incoming", "txn"].flatMap { dir in
            ((try? FileManager.default.contentsOfDirectory(atPath: ws.path(".folio/" + dir))) ?? []).map { ".folio/\(dir)/\($0)" }
        }
    }

    /// After an interrupted import: the tree is one of `states` (the hub with the first k bundles imported,
    /// k = 0…all) or a committed plan waits. A harmless writing session (`folio sync` of an empty folder, no
    /// key: it imports and writes nothing) runs recovery; then the tree is one of `states`, nothing is left
    /// staged, and verify passes. Importing again gives exactly the clean result. Returns k.
    private func checkAfterInterruption(_ ws: SampleCopy, files: [String], states: [TreeSnapshot],
                                        _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int? {
        let (before, after) = (states[0], states[states.count - 1])
        let raw = try ws.snapshot()
        #expect(states.contains(raw) || committedPlanWaits(ws),
                "\(what): not whole bundles, and no committed plan to finish:\n\(raw.differences(from: before))",
                sourceLocation: sourceLocation)
        // Until then the readers say what was interrupted and what finishes it, and never point at a backup.
        let complaints = try ReaderCheck.complaints(ws, interrupted: committedPlanWaits(ws), command: "bundle import")
        #expect(complaints.isEmpty, "\(what): \(complaints.joined(separator: "\n"))", sourceLocation: sourceLocation)
        let emptyStick = ws.scratch("empty-stick")
        try FileManager.default.createDirectory(atPath: emptyStick, withIntermediateDirectories: true)
        let recovery = try ws.folio(["sync", emptyStick], now: Self.now)
        #expect(recovery.succeeded, "\(what): \(recovery)", sourceLocation: sourceLocation)
        let recovered = try ws.snapshot()
        let outcome = states.firstIndex(of: recovered)
        #expect(outcome != nil, "\(what): after recovery not whole bundles:\n\(recovered.differences(from: before))",
                sourceLocation: sourceLocation)
        #expect(leftovers(ws).isEmpty, "\(what): recovery left \(leftovers(ws))", sourceLocation: sourceLocation)
        try expectVerifies(ws, "\(what), after recovery", sourceLocation: sourceLocation)
        let again = try ws.folio(as: "R01", ["bundle", "import"] + files, now: Self.now)
        #expect(again.succeeded, "\(what): importing again failed: \(again)", sourceLocation: sourceLocation)
        let final = try ws.snapshot()
        #expect(final == after, "\(what): importing again did not give the clean result:\n\(final.differences(from: after))",
                sourceLocation: sourceLocation)
        try expectVerifies(ws, "\(what), after importing again", sourceLocation: sourceLocation)
        return outcome
    }

    /// The hub before a clean import of `files` and after each of its bundles, imported one by one in a copy
    /// of its own; and how long importing them in one command took, in another copy (which must end the same).
    private func reference(_ files: [String]) throws -> (states: [TreeSnapshot], seconds: Double) {
        let ws = try SampleCopy(now: Self.now)
        let before = try ws.snapshot()
        let start = Date()
        let r = try ws.folio(as: "R01", ["bundle", "import"] + files, now: Self.now)
        let seconds = Date().timeIntervalSince(start)
        try #require(r.succeeded, "\(r)")
        let after = try ws.snapshot()
        try #require(after != before)
        var states = [before]
        let oneByOne = try SampleCopy(now: Self.now)
        for file in files.dropLast() {
            try #require(try oneByOne.folio(as: "R01", ["bundle", "import", file], now: Self.now).succeeded)
            states.append(try oneByOne.snapshot())
        }
        return (states + [after], seconds)
    }

    /// The office's update (a new course, so school.json changes), the kiosk's uploads (three files, two
    /// items) and T001's certifications, in one run: `FOLIO_CRASH_AT=N` ends it at its N-th durable step.
    @Test func crashAtEveryDurableStepOfAnImport() throws {
        let week = try ExchangeWeek()
        let files = [ExchangeWeek.Bundle.officeUpdate, .kioskUploads, .t001Second].map(week.file)
        let (states, _) = try reference(files)
        let after = states[3]
        #expect(zip(states, states.dropFirst()).allSatisfy { $0 != $1 }, "each bundle should change the hub")
        var crashes = 0
        var outcomes: [Int] = []
        var completed = false
        for n in 1...300 {
            let ws = try SampleCopy(now: Self.now)
            let r = try ws.folio(as: "R01", ["bundle", "import"] + files, now: Self.now, env: ["FOLIO_CRASH_AT": String(n)])
            if r.succeeded {
                let snapshot = try ws.snapshot()
                #expect(snapshot == after, "FOLIO_CRASH_AT=\(n) finished but differs:\n\(snapshot.differences(from: after))")
                completed = true
                break
            }
            try #require(!r.signalled && r.status == 99, "FOLIO_CRASH_AT=\(n): expected the crash exit 99: \(r)")
            crashes += 1
            if let outcome = try checkAfterInterruption(ws, files: files, states: states, "FOLIO_CRASH_AT=\(n)") {
                outcomes.append(outcome)
            }
        }
        #expect(completed, "the import never completed within 300 crash points")
        // Three files, seven records, school.json and two manifests are each staged, then moved: well over
        // twenty steps. The bundles land one after another, so a crash leaves none, one, two or all three in.
        #expect(crashes >= 20, "the crash hook fired only \(crashes) times")
        #expect(Set(outcomes) == [0, 1, 2, 3], "outcomes: \(outcomes)")
        print("ImportCrashTests: \(crashes) crash points; bundles in after recovery: "
              + (0...3).map { k in "\(k): \(outcomes.filter { $0 == k }.count)" }.joined(separator: ", "))
    }

    /// SIGKILL at random moments (seeded) while the hub imports a kiosk bundle of about 40 MB.
    @Test func sigkillDuringALargeImport() throws {
        let big = try LargeUploads()
        let files = [big.bundle]
        let (states, seconds) = try reference(files)
        let seed = SplitMix64.seed()
        var rng = SplitMix64(seed: seed)
        var killed = 0
        var outcomes: [Int] = []
        let attempts = 12
        for attempt in 0..<attempts {
            let ws = try SampleCopy(now: Self.now)
            // The first kill comes at once; the others at random moments, one in each twelfth of the clean run.
            let delay = attempt == 0 ? 0 : seconds * (Double(attempt) + Double.random(in: 0..<1, using: &rng)) / Double(attempts)
            let process = try FolioRunner.start(["bundle", "import"] + files
                                                + ["--workspace", ws.root.path, "--as", "R01", "--key", ws.key("R01")],
                                                env: ["FOLIO_NOW": Self.now])
            Thread.sleep(forTimeInterval: delay)
            process.kill()
            let r = process.wait()
            let what = "seed \(seed) (FOLIO_TEST_SEED), attempt \(attempt), SIGKILL after \(Int(delay * 1000)) ms "
                + "(\(r.signalled ? "killed" : "finished"))"
            if r.signalled { killed += 1 } else { #expect(r.succeeded, "\(what): \(r)") }
            if let outcome = try checkAfterInterruption(ws, files: files, states: states, what),
               r.signalled {
                outcomes.append(outcome)
            }
        }
        #expect(killed > 0, "no run was killed before it finished")
        print("ImportCrashTests: \(killed) of \(attempts) imports killed (seed \(seed), clean import \(Int(seconds * 1000)) ms); "
              + "\(outcomes.filter { $0 == 0 }.count) left the old hub, \(outcomes.filter { $0 == 1 }.count) the new one")
    }
}

/// A kiosk bundle of three PHY-11A uploads, each a 3.9 MB PDF and a 9.9 MB MP3 (under the 4 MiB and
/// 10 MiB limits), for 112002, 112021 and 113026, made with the real binary.
final class LargeUploads: @unchecked Sendable {
    let hub: SampleCopy
    let bundle: String

    init() throws {
        hub = try SampleCopy(now: "2025-01-06T09:00")
        let kiosk = Replica(root: hub.scratch("kiosk"), keys: hub)
        let toKiosk = hub.scratch("to-kiosk")
        let toHub = hub.scratch("to-hub")
        let media = hub.scratch("media")
        for dir in [toKiosk, toHub, media] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let now = "2025-01-06T09:00"
        let update = try exportedPath(hub.folio(as: "R01", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1",
                                                            "--out", toKiosk, "--json"], now: now))
        let students = try exportedPath(hub.folio(as: "R01", ["bundle", "export", "--kind", "office-records", "--to", "KIOSK1",
                                                              "--out", toKiosk, "--json"], now: now))
        try kiosk.join(update, as: "KIOSK1", now: now)
        try must(kiosk.folio(["bundle", "import", students], as: "KIOSK1", now: now))
        for (n, student) in ["112002", "112021", "113026"].enumerated() {
            let pdf = media + "/report-\(student).pdf"
            let mp3 = media + "/recording-\(student).mp3"
            try Self.write(pdf, header: Array("%PDF-1.4\n%".utf8), size: 3_900_000, seed: UInt64(2 * n + 1))
            try Self.write(mp3, header: Array("ID3".utf8) + [3, 0, 0, 0, 0, 0, 0], size: 9_900_000, seed: UInt64(2 * n + 2))
            _ = try kiosk.upload(SampleCopy.addArguments(student: student, term: "113-1", course: "PHY-11A",
                                                         description: "期末專題報告與口頭發表錄音", files: [pdf, mp3]),
                                 now: "2025-01-06T10:0\(n)")
        }
        bundle = try exportedPath(kiosk.folio(["bundle", "export", "--kind", "uploads", "--out", toHub, "--json"],
                                              as: "KIOSK1", now: "2025-01-06T10:30"))
    }

    /// `header` followed by pseudo-random bytes from `seed`, `size` bytes in all.
    static func write(_ path: String, header: [UInt8], size: Int, seed: UInt64) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else { throw FolioHarnessError("cannot create \(path)") }
        defer { try? handle.close() }
        var rng = SplitMix64(seed: seed)
        var block = [UInt8](repeating: 0, count: 1 << 16)
        for i in stride(from: 0, to: block.count, by: 8) { withUnsafeBytes(of: rng.next()) { block.replaceSubrange(i..<i + 8, with: $0) } }
        try handle.write(contentsOf: header)
        var written = header.count
        var counter: UInt64 = 0
        while written < size {
            // Every block differs from the others: its first eight bytes count.
            counter += 1
            withUnsafeBytes(of: counter ^ seed) { block.replaceSubrange(0..<8, with: $0) }
            let n = min(block.count, size - written)
            try handle.write(contentsOf: block[0..<n])
            written += n
        }
    }
}
