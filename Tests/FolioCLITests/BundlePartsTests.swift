import FolioTestSupport
import Foundation
import Testing

/// An export too large for one bundle is written as parts, each a complete bundle that imports on its own
/// (`BundleParts`). The part size is lowered with `FOLIO_BUNDLE_PART_ENTRIES` so that a small generated
/// school splits; real parts hold 10,000 entries.
@Suite struct BundlePartsTests {
    /// A generated school of 12 students (with 3 items each, a student's uploads share is 6–9 entries),
    /// its keys, and a stick with the school update a kiosk joins from.
    struct School {
        let base: URL
        let hub: String
        let usb: String

        init(items: Int = 3) throws {
            base = FileManager.default.temporaryDirectory.appendingPathComponent("folio-parts-\(UUID().uuidString)")
            hub = base.appendingPathComponent("hub").path
            usb = base.appendingPathComponent("usb").path
            try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
            let made = try FolioRunner.run(["sample", "generate", "--students", "12", "--items", String(items), "--mean-kb", "4", "--out", hub])
            #expect(made.succeeded, "\(made)")
            expectSuccess(try folio(["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", usb], as: "IT1"))
        }

        func path(_ name: String) -> String { base.appendingPathComponent(name).path }

        func folio(_ args: [String], as who: String? = nil, in workspace: String? = nil, env: [String: String] = [:]) throws -> FolioResult {
            let signing = who.map { DemoSigner.signing($0, keys: hub + "/keys") } ?? (arguments: [], env: [:])
            var environment = ["FOLIO_NOW": "2025-07-01T09:00"].merging(signing.env) { $1 }
            environment.merge(env) { $1 }
            return try FolioRunner.run(args + signing.arguments + ["--workspace", workspace ?? hub], env: environment)
        }

        /// `--as ID --key FILE` with the generated school's demo key of `id`: what opens a bundle sealed to them.
        func key(_ id: String) -> [String] { ["--as", id, "--key", hub + "/keys/\(id).key"] }

        /// The generated school's root fingerprint, as its IT section would give it.
        var rootFingerprint: String { DemoSigner.rootFingerprint(keys: hub + "/keys") }

        /// Exports every upload for KIOSK1 into `dir`, in parts of at most `entries` entries when given.
        func exportUploads(into dir: String, entries: Int? = nil) throws -> [String: Any] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let env = entries.map { ["FOLIO_BUNDLE_PART_ENTRIES": String($0)] } ?? [:]
            let r = expectSuccess(try folio(["bundle", "export", "--kind", "uploads", "--to", "KIOSK1", "--out", dir, "--json"],
                                            as: "IT1", env: env))
            return try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any] ?? [:]
        }

        /// A new kiosk replica joined from the school update.
        func kiosk(_ name: String) throws -> String {
            let dir = path(name)
            let update = try #require(try FileManager.default.contentsOfDirectory(atPath: usb).first { $0.hasPrefix("update-") })
            expectSuccess(try FolioRunner.run(["init", "--dir", dir, "--join", usb + "/" + update] + key("KIOSK1")
                                              + ["--root-fingerprint", rootFingerprint],
                                              env: ["FOLIO_NOW": "2025-07-01T09:00"]))
            return dir
        }

        func snapshot(_ dir: String) throws -> TreeSnapshot {
            // folio.json holds each replica's own random id.
            try TreeSnapshot(of: URL(fileURLWithPath: dir), ignoring: [".folio", "folio.json"])
        }
    }

    static func entries(_ part: [String: Any]) -> Int { (part["events"] as? Int ?? 0) + (part["files"] as? Int ?? 0) }

    @Test func aLargeExportIsWrittenInPartsThatEachImportOnTheirOwn() throws {
        let school = try School()
        defer { try? FileManager.default.removeItem(at: school.base) }
        let whole = try school.exportUploads(into: school.path("one"))
        let wholeBundles = try FileManager.default.contentsOfDirectory(atPath: school.path("one"))
        #expect(wholeBundles.count == 1 && (whole["parts"] as? [Any])?.count == 1, "\(whole)")
        let total = Self.entries(whole)
        #expect(total > 60, "\(whole)")

        // Another copy of the hub, so that its export is not recognised as the one already written.
        try FileManager.default.copyItem(atPath: school.hub, toPath: school.path("hub2"))
        let hub2 = school.path("hub2")
        let split = try JSONSerialization.jsonObject(with: expectSuccess(try school.folio(
            ["bundle", "export", "--kind", "uploads", "--to", "KIOSK1", "--out", school.usb, "--json"], as: "IT1", in: hub2,
            env: ["FOLIO_BUNDLE_PART_ENTRIES": "20"])).stdoutData) as? [String: Any] ?? [:]
        let parts = try #require(split["parts"] as? [[String: Any]])
        #expect(parts.count >= 4, "\(split)")
        // No part is larger than asked (no student's share is above 20 entries), nothing is lost or doubled.
        #expect(parts.allSatisfy { Self.entries($0) <= 20 && Self.entries($0) > 0 }, "\(parts)")
        #expect(parts.reduce(0) { $0 + Self.entries($1) } == total, "\(parts) vs \(total)")
        #expect(Self.entries(split) == total && split["path"] as? String == parts[0]["path"] as? String, "\(split)")
        let names = parts.compactMap { ($0["path"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } }
        #expect(Set(names).count == parts.count && names.allSatisfy { $0.hasPrefix("uploads-") }, "\(names)")

        // The whole bundle on one kiosk; the parts one at a time, last first, on a second; all together
        // on a third; and by `folio sync` on a fourth. Every part is accepted alone, and all four end equal.
        let one = try school.kiosk("k1")
        expectSuccess(try FolioRunner.run(["bundle", "import", school.path("one") + "/" + wholeBundles[0], "--workspace", one]
                                          + school.key("KIOSK1")))
        let apart = try school.kiosk("k2")
        for part in parts.reversed() {
            let file = try #require(part["path"] as? String)
            let r = expectSuccess(try FolioRunner.run(["bundle", "import", file, "--workspace", apart] + school.key("KIOSK1")))
            #expect(r.stdout.contains("Added"), "\(r)")
        }
        // Again: nothing changes, and what the kiosk is known to hold gains no repeats (checked below).
        let again = expectSuccess(try FolioRunner.run(["bundle", "import", try #require(parts[1]["path"] as? String), "--workspace", apart]
                                                      + school.key("KIOSK1")))
        #expect(again.stdout.contains("already holds all of it"), "\(again)")
        let together = try school.kiosk("k3")
        expectSuccess(try FolioRunner.run(["bundle", "import"] + parts.compactMap { $0["path"] as? String } + ["--workspace", together]
                                          + school.key("KIOSK1")))
        let synced = try school.kiosk("k4")
        let s = expectSuccess(try FolioRunner.run(["sync", school.usb, "--workspace", synced] + school.key("KIOSK1")))
        #expect(s.stdout.components(separatedBy: "Added").count - 1 == parts.count, "\(s)")
        // The staging folders, kept until the end of the sync, are gone with it.
        #expect(!FileManager.default.fileExists(atPath: synced + "/.folio/incoming"))

        let expected = try school.snapshot(one)
        #expect(try FileManager.default.contentsOfDirectory(atPath: one + "/students").count == 12)
        for dir in [apart, together, synced] {
            let got = try school.snapshot(dir)
            #expect(got == expected, "\(dir): \(got.differences(from: expected))")
        }
        for dir in [one, apart, together, synced] {
            let v = try FolioRunner.run(["verify", "--workspace", dir])
            #expect(v.succeeded, "\(v)")
        }

        // What a kiosk is known to hold is kept as one sorted list without repeats, however the parts came.
        let held = try #require(try FileManager.default.contentsOfDirectory(atPath: apart + "/.folio/peers").first { $0.hasSuffix(".held") })
        let lines = try String(contentsOfFile: apart + "/.folio/peers/" + held, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == lines.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } && Set(lines).count == lines.count)
        let all = try String(contentsOfFile: synced + "/.folio/peers/" + held, encoding: .utf8)
        #expect(lines.joined(separator: "\n") + "\n" == all)
        // Exactly every entry of every bundle the hub sent it (the school update and the parts), by `tar`'s own listing.
        var sent = Set<String>()
        for bundle in try FileManager.default.contentsOfDirectory(atPath: school.usb) {
            sent.formUnion(try Self.listing(school.usb + "/" + bundle, keys: school.hub + "/keys").filter { $0 != "bundle.json" })
        }
        #expect(Set(lines) == sent && lines.count > total, "\(lines.count) held, \(sent.count) sent")
    }

    @Test func whatTheRecipientHoldsIsLeftOutOfEveryPartEvenPastAMisfiledRecord() throws {
        let school = try School()
        defer { try? FileManager.default.removeItem(at: school.base) }
        let day = ["FOLIO_NOW": "2025-01-08T12:00"]
        let parts = try #require(try school.exportUploads(into: school.usb, entries: 20)["parts"] as? [[String: Any]])
        #expect(parts.count >= 4)
        // The kiosk takes every part, then sends back one upload of its own; the hub imports it, and with it
        // learns that the kiosk holds everything in the parts (its bundle lists them under `holds`).
        let kiosk = try school.kiosk("k")
        expectSuccess(try FolioRunner.run(["sync", school.usb, "--workspace", kiosk] + school.key("KIOSK1"), env: day))
        let students = try FileManager.default.contentsOfDirectory(atPath: school.hub + "/students").sorted()
        let asset = SampleCopy.sampleURL().appendingPathComponent("assets/physics-lab-report.pdf").path
        let add = SampleCopy.addArguments(student: students[3], term: "113-1", course: "SUB-001", description: "實驗報告", files: [asset])
        expectSuccess(try school.folio(add, as: students[3], in: kiosk, env: day))
        let back = school.path("back")
        try FileManager.default.createDirectory(atPath: back, withIntermediateDirectories: true)
        expectSuccess(try school.folio(["sync", back], as: "KIOSK1", in: kiosk, env: day))
        expectSuccess(try school.folio(["bundle", "import"] + (try FileManager.default.contentsOfDirectory(atPath: back)).map { back + "/" + $0 },
                                       as: "R01", env: day))
        // At the hub: one new upload for a student in the middle, and a copy of the last student's first
        // record misfiled in the first student's folder (it travels under its own student, and is held).
        expectSuccess(try school.folio(SampleCopy.addArguments(student: students[6], term: "113-1", course: "SUB-001",
                                                               description: "新作品", files: [asset]), as: students[6], env: day))
        let lastEvents = school.hub + "/students/\(students.last!)/events"
        let stray = try #require(try FileManager.default.contentsOfDirectory(atPath: lastEvents).sorted().first)
        try FileManager.default.copyItem(atPath: lastEvents + "/" + stray, toPath: school.hub + "/students/\(students[0])/events/" + stray)

        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: kiosk + "/folio.json"))) as? [String: Any]
        let replica = try #require(config?["replica"] as? String)
        let out = school.path("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let r = expectSuccess(try school.folio(["bundle", "export", "--kind", "uploads", "--to", replica, "--out", out, "--json"],
                                               as: "IT1", env: day.merging(["FOLIO_BUNDLE_PART_ENTRIES": "20"]) { $1 }))
        let report = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any] ?? [:]
        // Only the new upload and its file: nothing the kiosk holds, the students after the stray included.
        #expect(report["events"] as? Int == 1 && report["files"] as? Int == 1, "\(report)")
        #expect((report["parts"] as? [Any])?.count == 1 && report["scope"] as? [String] == ["1 students"], "\(report)")
    }

    @Test func partsStillWaitingOnTheStickAreNotWrittenAgain() throws {
        let school = try School()
        defer { try? FileManager.default.removeItem(at: school.base) }
        let first = try school.exportUploads(into: school.usb, entries: 20)
        let parts = try #require(first["parts"] as? [[String: Any]])
        #expect(parts.count >= 4)
        let before = try FileManager.default.contentsOfDirectory(atPath: school.usb).sorted()
        let again = try school.exportUploads(into: school.usb, entries: 20)
        #expect(again["waiting"] as? String == parts[0]["path"] as? String, "\(again)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: school.usb).sorted() == before)
        // One part taken off the stick: what it held is no longer waiting, so everything is written again.
        try FileManager.default.removeItem(atPath: try #require(parts[1]["path"] as? String))
        let third = try school.exportUploads(into: school.usb, entries: 20)
        #expect(third["waiting"] == nil && (third["parts"] as? [Any])?.count == parts.count, "\(third)")
    }

    @Test func aPartThatCannotBeWrittenNamesThePartsAlreadyWritten() throws {
        let school = try School()
        defer { try? FileManager.default.removeItem(at: school.base) }
        // The school update was the hub's bundle number 1, so the parts will be 2, 3, …: something already
        // named like part 2 (number 3) stops the export there.
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: school.hub + "/folio.json"))) as? [String: Any]
        let replica = try #require(config?["replica"] as? String)
        let blocker = school.usb + "/uploads-\(replica)-20250701-0003.tar"
        try Data("not a bundle".utf8).write(to: URL(fileURLWithPath: blocker))
        let r = try school.folio(["bundle", "export", "--kind", "uploads", "--to", "KIOSK1", "--out", school.usb], as: "IT1",
                                 env: ["FOLIO_BUNDLE_PART_ENTRIES": "20"])
        let first = "uploads-\(replica)-20250701-0002.tar"
        #expect(r.status == 1 && r.stderr.contains("already exists"), "\(r)")
        #expect(r.stderr.contains("already written 1 complete part(s): \(first)") && r.stderr.contains("Exporting again"), "\(r)")
        // Part 1 is a complete bundle: a kiosk takes it.
        let kiosk = try school.kiosk("k")
        let imported = try FolioRunner.run(["bundle", "import", school.usb + "/" + first, "--workspace", kiosk] + school.key("KIOSK1"))
        #expect(imported.succeeded && imported.stdout.contains("Added"), "\(imported)")
        // With the blocker gone, exporting again writes every part anew.
        try FileManager.default.removeItem(atPath: blocker)
        let again = try school.exportUploads(into: school.usb, entries: 20)
        #expect(again["waiting"] == nil && ((again["parts"] as? [Any])?.count ?? 0) >= 4, "\(again)")
    }

    @Test func aTeacherJoinsFromAnyPartOfASplitRequestAndGetsTheRestBySync() throws {
        let school = try School(items: 20)
        defer { try? FileManager.default.removeItem(at: school.base) }
        let window = ["FOLIO_NOW": "2025-01-08T12:00"]   // inside the certification window
        let pending = try FolioRunner.run(["report", "uncertified", "--json", "--workspace", school.hub], env: window)
        let rows = (try JSONSerialization.jsonObject(with: pending.stdoutData) as? [String: Any])?["rows"] as? [[String]] ?? []
        // The teacher with the most items waiting (columns: teacher, …, items waiting).
        var waitingFor: [String: Int] = [:]
        for row in rows { waitingFor[row[0], default: 0] += Int(row[6]) ?? 0 }
        let (teacher, waiting) = try #require(waitingFor.max { $0.value < $1.value })
        #expect(waiting >= 5, "\(rows)")
        let requests = school.path("requests")
        try FileManager.default.createDirectory(atPath: requests, withIntermediateDirectories: true)
        let out = expectSuccess(try school.folio(["bundle", "export", "--kind", "cert-request", "--to", teacher, "--out", requests, "--json"],
                                                 as: "R01", env: window.merging(["FOLIO_BUNDLE_PART_ENTRIES": "1"]) { $1 }))
        let report = try JSONSerialization.jsonObject(with: out.stdoutData) as? [String: Any] ?? [:]
        let parts = try #require(report["parts"] as? [[String: Any]])
        // One student per part (a part never splits a student), each with the school's records.
        #expect(parts.count >= 2, "\(report)")
        let laptop = school.path("laptop")
        let middle = try #require(parts[parts.count / 2]["path"] as? String)
        expectSuccess(try FolioRunner.run(["init", "--dir", laptop, "--join", middle] + school.key(teacher)
                                          + ["--root-fingerprint", school.rootFingerprint], env: window))
        let synced = expectSuccess(try FolioRunner.run(["sync", requests, "--workspace", laptop] + school.key(teacher), env: window))
        #expect(synced.stdout.components(separatedBy: "Added").count - 1 == parts.count - 1, "\(synced)")
        let queue = try FolioRunner.run(["report", "uncertified", "--json", "--workspace", laptop], env: window)
        let laptopRows = (try JSONSerialization.jsonObject(with: queue.stdoutData) as? [String: Any])?["rows"] as? [[String]] ?? []
        let atLaptop = laptopRows.filter { $0[0] == teacher }.reduce(0) { $0 + (Int($1[6]) ?? 0) }
        #expect(atLaptop == waiting, "\(laptopRows) vs \(teacher): \(waiting)")
    }

    /// A bundle's entries, by GNU `tar`'s own listing of the plain bundle sealed in it, opened with KIOSK1's
    /// demo key from `keys` (every bundle here is for the kiosk).
    static func listing(_ bundle: String, keys: String) throws -> [String] {
        try SealedBundleReader.listing(bundle, as: "KIOSK1", keys: keys)
    }

    /// The students whose records a bundle carries.
    static func students(in bundle: String, keys: String) throws -> Set<String> {
        Set(try listing(bundle, keys: keys).compactMap { line -> String? in
            let parts = line.split(separator: "/")
            return parts.count >= 3 && parts[0] == "students" ? String(parts[1]) : nil
        })
    }

    /// `folio bundle import` of several bundles checks them all, then lands them one after another. A
    /// failure while landing the second names it and the first, which went in; once the cause is gone,
    /// importing all of them again gives what a clean import gives.
    @Test func severalBundlesLandOneAfterAnotherAndAFailureSaysWhichWent() throws {
        let school = try School()
        defer { try? FileManager.default.removeItem(at: school.base) }
        let parts = try #require(try school.exportUploads(into: school.usb, entries: 20)["parts"] as? [[String: Any]])
            .compactMap { $0["path"] as? String }
        #expect(parts.count >= 4)
        let clean = try school.kiosk("clean")
        expectSuccess(try FolioRunner.run(["bundle", "import"] + parts + ["--workspace", clean] + school.key("KIOSK1")))

        // A file where a student of the second part needs a folder: the second part cannot land.
        let kiosk = try school.kiosk("k")
        let keys = school.hub + "/keys"
        let second = try #require(try Self.students(in: parts[1], keys: keys).sorted().first)
        #expect(try !Self.students(in: parts[0], keys: keys).contains(second))
        let blocker = kiosk + "/students/\(second)/files"
        try FileManager.default.createDirectory(atPath: kiosk + "/students/\(second)", withIntermediateDirectories: true)
        try Data("in the way".utf8).write(to: URL(fileURLWithPath: blocker))
        let failed = try FolioRunner.run(["bundle", "import"] + parts + ["--workspace", kiosk] + school.key("KIOSK1"))
        let name = { (path: String) in URL(fileURLWithPath: path).lastPathComponent }
        #expect(failed.status == 1, "\(failed)")
        #expect(failed.stderr.contains("While importing \(name(parts[1]))") && failed.stderr.contains("Not a directory"), "\(failed)")
        #expect(failed.stderr.contains("\(name(parts[0])) was imported before it."), "\(failed)")
        #expect(!failed.stderr.contains(name(parts[2])) && failed.stderr.contains("import the same bundles again"), "\(failed)")
        // The first part is in; nothing of the third.
        let third = try #require(try Self.students(in: parts[2], keys: keys).sorted().first)
        let first = try #require(try Self.students(in: parts[0], keys: keys).sorted().first)
        #expect(try FileManager.default.contentsOfDirectory(atPath: kiosk + "/students/" + first + "/files").count > 0)
        #expect(!FileManager.default.fileExists(atPath: kiosk + "/students/\(third)/files"))

        try FileManager.default.removeItem(atPath: blocker)
        expectSuccess(try FolioRunner.run(["bundle", "import"] + parts + ["--workspace", kiosk] + school.key("KIOSK1")))
        let got = try school.snapshot(kiosk), expected = try school.snapshot(clean)
        #expect(got == expected, "\(got.differences(from: expected))")
        let v = try FolioRunner.run(["verify", "--workspace", kiosk])
        #expect(v.succeeded, "\(v)")
    }
}
