import FolioCore
import FolioTestSupport
import FolioWorkspace
import Foundation
import Testing

/// Importing is a set union: whatever order the week's bundles reach the hub in, repeated or not, one
/// per `folio bundle import` or several at once, the hub ends byte-identical outside `.folio/`.
///
/// The reference import goes through the library (`WorkspaceSession.importBundles`); the many sequences
/// run the binary, several processes side by side. In this debug build that measured faster (about 40 s
/// against 65 s on two cores): the processes overlap their fsync waits, and inside the test process
/// swift-testing records a backtrace for every error thrown, which the import's `try?` probes do often.
@Suite struct ImportOrderTests {
    typealias Bundle = ExchangeWeek.Bundle

    /// Random orders tried after the two fixed ones.
    static let randomSequences = 26

    /// Imports `calls` into a fresh copy of the sample hub, one run of `folio bundle import` per call, and
    /// returns the copy with, for every bundle imported, the events its report held back and why.
    private func importing(_ calls: [[Bundle]], _ week: ExchangeWeek) throws -> (SampleCopy, [String]) {
        let ws = try SampleCopy(now: "2025-01-08T09:00")
        var problems: [String] = []
        for call in calls {
            let r = try ws.folio(as: "R01", ["bundle", "import"] + call.map(week.file) + ["--json"])
            guard r.succeeded, let reports = try JSONSerialization.jsonObject(with: r.stdoutData) as? [[String: Any]] else {
                throw FolioHarnessError("import of \(call.map(\.rawValue)) refused: \(r)")
            }
            for report in reports {
                for p in report["problems"] as? [[String: Any]] ?? [] {
                    problems.append("\(p["event"] as? String ?? "?") \(p["code"] as? String ?? "?")")
                }
            }
        }
        return (ws, problems)
    }

    private func describe(_ calls: [[Bundle]]) -> String {
        calls.map { "[" + $0.map(\.rawValue).joined(separator: ", ") + "]" }.joined(separator: " ")
    }

    /// A random permutation of all bundles with up to four repeats inserted anywhere (a repeat may land in
    /// the same call as its first copy), cut into calls of one to four bundles.
    static func randomCalls(_ rng: inout SplitMix64) -> [[Bundle]] {
        var order = Bundle.allCases.shuffled(using: &rng)
        for _ in 0..<Int.random(in: 0...4, using: &rng) {
            order.insert(Bundle.allCases.randomElement(using: &rng)!, at: Int.random(in: 0...order.count, using: &rng))
        }
        var calls: [[Bundle]] = []
        var rest = order[...]
        while !rest.isEmpty {
            let n = min(rest.count, Int.random(in: 1...4, using: &rng))
            calls.append(Array(rest.prefix(n)))
            rest = rest.dropFirst(n)
        }
        return calls
    }

    @Test func everyImportOrderGivesTheSameHub() throws {
        let week = try ExchangeWeek()
        let pristine = try SampleCopy().snapshot()
        // The reference: every bundle in one call of the library's import.
        let referenceWS = try SampleCopy(now: "2025-01-08T09:00")
        // The sealed bundles open with the key of any clerk of an office, as on the command line. The session
        // (and with it the workspace's lock) ends with the import.
        let referenceReports = try { () throws -> [ImportReport] in
            let session = try WorkspaceSession(Workspace.open(referenceWS.root.path))
            session.openingKeys = [try Actor.load(keyFile: referenceWS.key("R01"), as: "R01", onBehalfOf: nil, demo: true) {
                DemoKeys.passphrase
            }.identity]
            return try session.importBundles(Bundle.allCases.map(week.file), now: Instant(iso: referenceWS.now)!)
        }()
        let reference = try referenceWS.snapshot()
        try #require(reference != pristine)
        try checkTheWeekLanded(referenceWS, week, referenceReports)

        let seed = SplitMix64.seed()
        var rng = SplitMix64(seed: seed)
        // Two fixed orders first: newest first, one bundle per run (certifications before the uploads and the
        // course they need); then every bundle twice, the second copy in the same run as the first.
        let sequences: [[[Bundle]]] = [
            Bundle.allCases.reversed().map { [$0] },
            Bundle.allCases.map { [$0, $0] },
        ] + (0..<Self.randomSequences).map { _ in Self.randomCalls(&rng) }
        // Each sequence starts from its own copy of the hub, so several run side by side (imports wait on
        // fsync as much as they compute); the checks are made here, in order.
        let outcomes = inParallel(sequences.count, width: 4) { n in
            Result { () throws -> (TreeSnapshot, [String]) in
                let (ws, problems) = try importing(sequences[n], week)
                return (try ws.snapshot(), problems)
            }
        }
        for (n, outcome) in outcomes.enumerated() {
            let what = "seed \(seed) (FOLIO_TEST_SEED), sequence \(n): \(describe(sequences[n]))"
            switch outcome {
            case .failure(let error):
                Issue.record("\(what): an import was refused: \(error)")
            case .success(let (snapshot, problems)):
                #expect(snapshot == reference, "\(what): the hub differs from the all-at-once import:\n\(snapshot.differences(from: reference))")
                // The forged certification is reported by the import that first brings it, never refused.
                #expect(problems.contains("\(week.forgedEvent) notAuthorised"),
                        "\(what): no import reported the forged certification as not authorised: \(problems)")
            }
        }
    }

    /// A replica leaves out of its next bundle what the hub has acknowledged. After a re-upload of the same
    /// file with a corrected description, the kiosk's second bundle carries the new upload record but not
    /// the file, which its first bundle brought. A hub restored from before both gets them in one run, in
    /// either order: they land together, so the file is there.
    @Test func aBundleMayRelyOnAFileAnotherBundleOfTheSameRunBrings() throws {
        let hub = try SampleCopy(now: "2025-01-06T09:00")
        let kiosk = Replica(root: hub.scratch("kiosk"), keys: hub)
        let toKiosk = hub.scratch("to-kiosk")
        let toHub = hub.scratch("to-hub")
        for dir in [toKiosk, toHub] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let update = try exportedPath(hub.folio(as: "R01", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1",
                                                            "--out", toKiosk, "--json"]))
        let students = try exportedPath(hub.folio(as: "R01", ["bundle", "export", "--kind", "office-records", "--to", "KIOSK1",
                                                              "--out", toKiosk, "--json"]))
        try kiosk.join(update, as: "KIOSK1", now: hub.now)
        try must(kiosk.folio(["bundle", "import", students], as: "KIOSK1", now: hub.now))
        let file = hub.asset("physics-lab-report.pdf")
        let item = try kiosk.upload(SampleCopy.addArguments(student: "112002", term: "113-1", course: "PHY-11A",
                                                            description: "光學實驗", files: [file]), now: "2025-01-06T10:00")
        let first = try exportedPath(kiosk.folio(["bundle", "export", "--kind", "uploads", "--out", toHub, "--json"],
                                                 as: "KIOSK1", now: "2025-01-06T10:00"))
        try must(hub.folio(as: "R01", ["bundle", "import", first]))
        // The office's next bundle for the kiosk (a new activity record) says what the office now holds.
        try must(hub.folio(as: "C01", ["activity", "add", "--kind", "student-training", "--date", "2025-01-06",
                                       "--title", "學生系統操作訓練"], now: "2025-01-06T11:00"))
        let acknowledgement = try exportedPath(hub.folio(as: "R01", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1",
                                                                     "--out", toKiosk, "--json"], now: "2025-01-06T11:00"))
        try must(kiosk.folio(["bundle", "import", acknowledgement], as: "KIOSK1", now: "2025-01-06T11:00"))
        _ = try kiosk.upload(SampleCopy.addArguments(student: "112002", term: "113-1", course: "PHY-11A",
                                                     description: "光學實驗（補充說明）", files: [file], replace: item),
                             now: "2025-01-06T11:30")
        let second = try exportedPath(kiosk.folio(["bundle", "export", "--kind", "uploads", "--out", toHub, "--json"],
                                                  as: "KIOSK1", now: "2025-01-06T11:30"))

        // Alone, the second bundle cannot enter a hub that lacks the file: refused, nothing changed.
        let alone = try SampleCopy()
        let pristine = try alone.snapshot()
        let refused = try alone.folio(as: "R01", ["bundle", "import", second])
        #expect(!refused.succeeded && refused.stderr.contains("incomplete"), "\(refused)")
        #expect(try alone.snapshot() == pristine)

        var results: [String: TreeSnapshot] = [:]
        for (name, calls) in [("first, second in one run", [[first, second]]), ("second, first in one run", [[second, first]]),
                              ("first, then second", [[first], [second]])] {
            let ws = try SampleCopy()
            for call in calls {
                let r = try ws.folio(as: "R01", ["bundle", "import"] + call)
                #expect(r.succeeded, "\(name): \(r)")
            }
            results[name] = try ws.snapshot()
            let status = try #require(try json(ws, ["status", "112002"]) as? [String: Any])
            let landed = (status["items"] as? [[String: Any]])?.first { $0["id"] as? String == item }
            #expect(landed?["description"] as? String == "光學實驗（補充說明）", "\(name): \(status)")
            let path = ((landed?["files"] as? [[String: Any]])?.first?["path"] as? String).map { ws.path("students/112002/" + $0) }
            #expect(path.flatMap { try? Data(contentsOf: URL(fileURLWithPath: $0)) } == (try Data(contentsOf: URL(fileURLWithPath: file))),
                    "\(name): the file did not land")
        }
        let reference = try #require(results["first, then second"])
        for (name, snapshot) in results {
            #expect(snapshot == reference, "\(name):\n\(snapshot.differences(from: reference))")
        }
    }

    /// The union is not empty of meaning: one conflict, the items certified, the forged record held back.
    private func checkTheWeekLanded(_ ws: SampleCopy, _ week: ExchangeWeek, _ reports: [ImportReport]) throws {
        // The conflict: T001 certified, T003 returned, the same version of 112001's SCI-11A item.
        let conflicts = try #require(try json(ws, ["conflicts"]) as? [[String: Any]])
        #expect(conflicts.count == 1, "\(conflicts)")
        let conflict = try #require(conflicts.first)
        #expect(conflict["student"] as? String == "112001")
        #expect(conflict["item"] as? String == week.disputedItem)
        #expect(conflict["course"] as? String == "SCI-11A")
        let decisions = (conflict["decisions"] as? [[String: Any]] ?? []).map {
            "\($0["by"] as? String ?? "?") \($0["certified"] as? Bool ?? false) \($0["event"] as? String ?? "?") \($0["reason"] as? String ?? "-")"
        }.sorted()
        #expect(decisions == ["T001 true \(week.t001Certifies) -", "T003 false \(week.t003Rejects) \(ExchangeWeek.rejectReason)"])

        let items112001 = try items(ws, "112001")
        #expect(items112001[week.disputedItem]?["status"] as? String == "conflict")
        // The uploaded files arrived byte for byte.
        let disputedFiles = items112001[week.disputedItem]?["files"] as? [[String: Any]] ?? []
        #expect(Set(disputedFiles.compactMap { $0["name"] as? String }) == ["physics-lab-report.pdf", "tone-a440.mp3"])
        for f in disputedFiles {
            let name = try #require(f["name"] as? String)
            let path = try #require(f["path"] as? String)
            let landed = try Data(contentsOf: URL(fileURLWithPath: ws.path("students/112001/" + path)))
            #expect(landed == (try Data(contentsOf: URL(fileURLWithPath: ws.asset(name)))), "\(path) differs from the uploaded file")
        }

        // Certified by both; certified by its teacher despite the forged certification; certified by the delegate.
        let items112020 = try items(ws, "112020")
        #expect(items112020[week.agreedItem]?["status"] as? String == "certified")
        let physics = try #require(items112020[ExchangeWeek.physicsItem])
        #expect(physics["status"] as? String == "certified")
        #expect((physics["decision"] as? [String: Any])?["by"] as? String == "T001")
        #expect(!(physics["history"] as? [String] ?? []).contains(week.forgedEvent))
        let art = try #require(try items(ws, "113025")[ExchangeWeek.artItem])
        #expect(art["status"] as? String == "certified")
        #expect((art["decision"] as? [String: Any])?["by"] as? String == "L01")
        #expect((art["decision"] as? [String: Any])?["onBehalfOf"] as? String == "T004")

        // The forged certification is on disk, out of the view, listed as a problem, and shown by verify as held back.
        #expect(FileManager.default.fileExists(atPath: ws.path("students/112020/events/\(week.forgedEvent).json")))
        let status = try #require(try json(ws, ["status", "112020"]) as? [String: Any])
        let problems = status["problems"] as? [[String: Any]] ?? []
        #expect(problems.map { "\($0["event"] as? String ?? "?") \($0["code"] as? String ?? "?")" } == ["\(week.forgedEvent) notAuthorised"])
        #expect(!(status["events"] as? [String] ?? []).contains(week.forgedEvent))
        let school = try #require(try json(ws, ["status"]) as? [String: Any])
        #expect(school["problems"] as? Int == 1)
        #expect(school["conflicts"] as? Int == 1)
        let verify = try #require(try json(ws, ["verify"]) as? [String: Any])
        #expect((verify["issues"] as? [Any])?.isEmpty == true, "\(verify)")
        let held = (verify["heldBack"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        #expect(held == ["students/112020/events/\(week.forgedEvent).json"])
        #expect(reports.contains { $0.problems.contains { $0.event == week.forgedEvent } })
    }

    /// `folio status STUDENT --json` items by id.
    private func items(_ ws: SampleCopy, _ student: String) throws -> [String: [String: Any]] {
        let status = try #require(try json(ws, ["status", student]) as? [String: Any])
        var out: [String: [String: Any]] = [:]
        for item in status["items"] as? [[String: Any]] ?? [] {
            if let id = item["id"] as? String { out[id] = item }
        }
        return out
    }
}
