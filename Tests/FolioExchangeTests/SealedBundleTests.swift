import FolioCore
import FolioTar
import FolioTestSupport
import Foundation
import Testing

/// Every bundle on a stick is sealed to its readers: a stick that is lost or picked up shows where its bundles
/// go and nothing of what they hold, and only a reader's key opens one. Separate workspaces joined by a folder
/// standing for the stick, driven through the built binary; forgeries are made with the tar layer.
@Suite struct SealedBundleTests {
    /// The sample's students as a finder of a stick would search for them: numbers, names, national IDs.
    static func studentWords(_ ws: SampleCopy) throws -> [String] {
        let roster = try String(contentsOfFile: ws.path("roster/students.csv"), encoding: .utf8)
        return roster.split(whereSeparator: \.isNewline).dropFirst().flatMap { line in
            line.split(separator: ",").prefix(3).map { $0.trimmingCharacters(in: .whitespaces) }
        }.filter { !$0.isEmpty }
    }

    /// The sample's students' personal data, as the roster gives it: national IDs and addresses.
    static func personalWords(_ ws: SampleCopy) throws -> [String] {
        let roster = try String(contentsOfFile: ws.path("roster/students.csv"), encoding: .utf8)
        return roster.split(whereSeparator: \.isNewline).dropFirst().flatMap { line -> [String] in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return [cells[2], cells[6]]
        }.filter { !$0.isEmpty }
    }

    /// Every file under `dir`, at any depth, that holds one of `words`.
    static func holding(_ words: [String], under dir: String) throws -> [String] {
        var found: [String] = []
        let e = FileManager.default.enumerator(atPath: dir)
        while let name = e?.nextObject() as? String {
            let path = dir + "/" + name
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
                  let bytes = FileManager.default.contents(atPath: path) else { continue }
            for w in words where bytes.range(of: Data(w.utf8)) != nil { found.append("\(w) in \(name)") }
        }
        return found
    }

    /// Which of `words` appear anywhere in the raw bytes of the files in `dir`.
    static func revealed(_ words: [String], in dir: String) throws -> [String] {
        var found: Set<String> = []
        for name in SampleCopy.listing(dir) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
            for w in words where bytes.range(of: Data(w.utf8)) != nil { found.insert("\(w) in \(name)") }
        }
        return found.sorted()
    }

    /// The outer archive's entries, read with the tar layer's allow-list.
    static func entries(_ file: String) throws -> [(String, [UInt8])] {
        let stream = try TarEntryStream(path: file)
        var out: [(String, [UInt8])] = []
        while let e = try stream.next() { out.append((e.path, try stream.read(max: Int(e.size)))) }
        return out
    }

    static func write(_ entries: [(String, [UInt8])], to file: String) throws {
        try? FileManager.default.removeItem(atPath: file)
        let w = try TarWriter(creatingFileAt: file)
        for (path, bytes) in entries { try w.appendFile(path, bytes: bytes) }
        try w.finish()
    }

    static func envelope(_ file: String) throws -> BundleEnvelope {
        let json = try #require(try entries(file).first { $0.0 == BundleEnvelope.entryName }?.1)
        return try #require(SignedBundleEnvelope.read(json)).envelope
    }

    func kiosk(_ ws: SampleCopy, usb: String) throws -> String {
        let kiosk = ws.scratch("kiosk")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        expectOK(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", usb]))
        let update = try #require(SampleCopy.listing(usb).first { $0.hasPrefix("update-") })
        expectOK(try ws.folio(in: kiosk, as: "KIOSK1", ["init", "--dir", kiosk, "--join", "\(usb)/\(update)"], now: ws.now))
        return kiosk
    }

    @discardableResult
    func expectOK(_ r: FolioResult, sourceLocation: SourceLocation = #_sourceLocation) -> FolioResult {
        #expect(r.succeeded, "\(r)", sourceLocation: sourceLocation)
        return r
    }

    func expectRefused(_ r: FolioResult, saying words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 1 && !r.signalled, "expected exit 1: \(r)", sourceLocation: sourceLocation)
        for w in words { #expect(r.stderr.contains(w), "no \"\(w)\" in: \(r.stderr)", sourceLocation: sourceLocation) }
    }

    @Test func aStickShowsOnlyWhereItsBundlesGoAndEachOpensOnlyForItsReaders() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let usb = ws.scratch("usb")
        let kiosk = try kiosk(ws, usb: usb)
        let update = usb + "/" + (try #require(SampleCopy.listing(usb).first))
        // The kiosk's update: a tar bsdtar lists, holding the envelope and the sealed pieces, sealed for KIOSK1.
        let listed = try ToolRunner.run("/usr/bin/bsdtar", ["tf", update])
        #expect(listed.status == 0 && listed.output.split(separator: "\n") == ["envelope.json", "payload/00000001"], "\(listed)")
        #expect(try Self.envelope(update).readers == ["KIOSK1"])
        // A student uploads at the kiosk; the uploads go to the office; the office writes T001 a request and
        // everyone an update. None of the stick's bytes name a student.
        expectOK(try ws.folio(in: kiosk, as: "112002", SampleCopy.addArguments(
            student: "112002", term: "113-1", course: "PHY-11A", description: "擺錘實驗", files: [ws.asset("physics-lab-report.pdf")]),
            now: "2025-01-08T13:10"))
        expectOK(try ws.folio(in: kiosk, as: "KIOSK1", ["sync", usb], now: "2025-01-08T17:00"))
        expectOK(try ws.folio(as: "R01", ["sync", usb], now: "2025-01-08T18:00"))
        expectOK(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", usb], now: "2025-01-08T18:05"))
        expectOK(try ws.folio(as: "R01", ["bundle", "export", "--kind", "school-update", "--out", usb], now: "2025-01-08T18:10"))
        let words = try Self.studentWords(ws)
        #expect(words.contains("112002") && words.contains("蔡佳穎") && words.count == 36, "\(words)")
        #expect(try Self.revealed(words, in: usb).isEmpty)
        // The same bundles in the clear would have named them: the check can fail.
        let plainCopy = ws.scratch("plain")
        try FileManager.default.createDirectory(atPath: plainCopy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ws.path("roster/students.csv"), toPath: plainCopy + "/students.csv")
        #expect(!(try Self.revealed(words, in: plainCopy)).isEmpty)

        let request = usb + "/" + (try #require(SampleCopy.listing(usb).first { $0.hasPrefix("request-") }))
        #expect(try Self.envelope(request).readers == ["T001"])
        let everyone = usb + "/" + (try #require(SampleCopy.listing(usb).last { $0.hasPrefix("update-") }))
        let readers = try Self.envelope(everyone).readers
        #expect(readers.contains("KIOSK1") && readers.contains("T001") && readers.contains("R01") && !readers.contains { $0.hasPrefix("11") }, "\(readers)")
        let uploads = usb + "/" + (try #require(SampleCopy.listing(usb).first { $0.hasPrefix("uploads-") }))
        let office = try Self.envelope(uploads).readers
        #expect(office.contains("R01") && office.contains("D01") && !office.contains("T001") && !office.contains("KIOSK1"), "\(office)")

        // Someone else's key, or none, opens nothing, and nothing is started.
        let other = ws.scratch("other")
        expectRefused(try ws.folio(in: other, as: "T002", ["init", "--dir", other, "--join", request], now: "2025-01-09T20:00"),
                      saying: ["sealed for T001, not for T002"])
        expectRefused(try ws.folio(in: other, ["init", "--dir", other, "--join", request], now: "2025-01-09T20:00"),
                      saying: ["is sealed: only T001 can open it", "--key"])
        #expect(!FileManager.default.fileExists(atPath: other))
        // The kiosk refuses T001's request on its envelope, before opening it; a teacher cannot open what goes to
        // the office. Neither workspace changes.
        let kioskBefore = try TreeSnapshot(of: URL(fileURLWithPath: kiosk), ignoring: [".folio/lock"])
        expectRefused(try ws.folio(in: kiosk, as: "KIOSK1", ["bundle", "import", request], now: "2025-01-09T08:00"),
                      saying: ["meant for T001"])
        #expect(try TreeSnapshot(of: URL(fileURLWithPath: kiosk), ignoring: [".folio/lock"]) == kioskBefore)
        let before = try ws.snapshotWithBookkeeping()
        let copy = ws.scratch("uploads-copy.tar")
        try FileManager.default.copyItem(atPath: uploads, toPath: copy)
        expectRefused(try ws.folio(as: "T001", ["bundle", "import", copy]), saying: ["sealed for", "not for T001"])
        #expect(try ws.snapshotWithBookkeeping() == before)
        // The teacher's own key opens the request.
        let laptop = ws.scratch("laptop")
        expectOK(try ws.folio(in: laptop, as: "T001", ["init", "--dir", laptop, "--join", request], now: "2025-01-09T20:00"))
        expectOK(try ws.folio(in: kiosk, as: "KIOSK1", ["sync", usb], now: "2025-01-09T08:00"))

        // Neither the kiosk nor the laptop holds a national ID, birth date or address: their jobs do not need them
        // (Docs/bundles.md, *What each replica holds*). The office does, so the check can fail.
        let personal = try Self.personalWords(ws)
        #expect(personal.contains("A104827366") && personal.count == 24, "\(personal)")
        #expect(try Self.holding(personal, under: kiosk).isEmpty)
        #expect(try Self.holding(personal, under: laptop).isEmpty)
        #expect(try Self.holding(["\"birthDate\""], under: kiosk + "/students").isEmpty)
        #expect(!(try Self.holding(personal, under: ws.path("students"))).isEmpty)
        // The kiosk still knows who is enrolled, and shows the student's name and class.
        let shown = expectOK(try ws.folio(in: kiosk, ["status", "112002"], now: "2025-01-09T08:05"))
        #expect(shown.stdout.contains("蔡佳穎") && shown.stdout.contains("201"), "\(shown)")
    }

    @Test func aDamagedSwappedForeignOrReplayedBundleIsRefusedAndChangesNothing() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let usb = ws.scratch("usb")
        let kiosk = try kiosk(ws, usb: usb)
        // Two uploads bundles from the kiosk, on two days.
        for (n, day) in ["2025-01-08", "2025-01-09"].enumerated() {
            expectOK(try ws.folio(in: kiosk, as: "112002", SampleCopy.addArguments(
                student: "112002", term: "113-1", course: "PHY-11A", description: "實驗 \(n)", files: [ws.asset("physics-lab-report.pdf")]),
                now: "\(day)T13:10"))
            expectOK(try ws.folio(in: kiosk, as: "KIOSK1", ["sync", usb], now: "\(day)T17:00"))
        }
        let bundles = SampleCopy.listing(usb).filter { $0.hasPrefix("uploads-") }.map { usb + "/" + $0 }
        #expect(bundles.count == 2)
        let first = try Self.entries(bundles[0]), second = try Self.entries(bundles[1])
        let forged = ws.scratch("forged")
        try FileManager.default.createDirectory(atPath: forged, withIntermediateDirectories: true)
        let before = try ws.snapshotWithBookkeeping()
        func refused(_ name: String, _ entries: [(String, [UInt8])], saying words: [String]) throws {
            let file = forged + "/" + name
            try Self.write(entries, to: file)
            for args in [["bundle", "verify", file], ["bundle", "import", file]] {
                expectRefused(try ws.folio(as: "R01", args, now: "2025-01-10T08:00"), saying: words)
            }
            #expect(try ws.snapshotWithBookkeeping() == before, "\(name) changed the workspace")
        }
        // One byte of the sealed content flipped.
        var flipped = first
        flipped[1].1[100] ^= 0x01
        try refused("flipped.tar", flipped, saying: ["does not open at chunk 1", "changed"])
        // The second bundle's content under the first one's envelope (both from the same kiosk, for the office).
        try refused("swapped.tar", [first[0], second[1]], saying: ["does not open at chunk 1"])
        // The envelope's recipient changed: its signature no longer holds.
        var text = String(decoding: first[0].1, as: UTF8.self)
        text = text.replacingOccurrences(of: "\"recipient\":{\"replica\":\"hub-", with: "\"recipient\":{\"replica\":\"hux-")
        #expect(text.contains("hux-"))
        try refused("readdressed.tar", [(first[0].0, Array(text.utf8)), first[1]], saying: ["signature on its envelope"])
        // The sealed content cut short.
        try refused("cut.tar", [first[0], (first[1].0, Array(first[1].1.prefix(first[1].1.count - 40)))], saying: ["does not open"])
        // Another school's bundle: refused on its envelope, before anything is opened.
        var envelope = try Self.envelope(bundles[0])
        envelope.school = "999902"
        let signer = try KeyFile.parse(Array(try Data(contentsOf: URL(fileURLWithPath: ws.key("KIOSK1")))))!.identity(passphrase: DemoKeys.passphrase)
        let foreign = try SignedBundleEnvelope.sign(envelope, with: signer).fileBytes()
        try refused("foreign.tar", [(BundleEnvelope.entryName, foreign), first[1]], saying: ["999902"])

        // The real bundles import; taken again, a replayed one changes nothing.
        expectOK(try ws.folio(as: "R01", ["bundle", "import"] + bundles, now: "2025-01-10T08:00"))
        let imported = try ws.snapshot()
        let again = expectOK(try ws.folio(as: "R01", ["sync", usb], now: "2025-01-10T08:05"))
        #expect(again.stdout.contains("Skipped \(URL(fileURLWithPath: bundles[0]).lastPathComponent): already imported"), "\(again)")
        #expect(try ws.snapshot() == imported)
    }

    @Test func aTruncatedLastChunkIsCaughtEvenAtAChunkBoundary() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let usb = ws.scratch("usb")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        expectOK(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", usb]))
        let update = usb + "/" + (try #require(SampleCopy.listing(usb).first))
        let entries = try Self.entries(update)
        let chunk = StreamCipher.chunkSize + StreamCipher.tagSize
        #expect(entries[1].1.count > chunk, "the update should span more than one chunk")
        let cut = ws.scratch("cut.tar")
        try Self.write([entries[0], (entries[1].0, Array(entries[1].1.prefix(chunk)))], to: cut)
        let kiosk = ws.scratch("kiosk")
        expectRefused(try ws.folio(in: kiosk, as: "KIOSK1", ["init", "--dir", kiosk, "--join", cut], now: ws.now),
                      saying: ["ends early", "not copied whole"])
        #expect(!FileManager.default.fileExists(atPath: kiosk))
    }

    @Test func personalDataGoesOnlyToTheMachinesOfThoseWhoKeepTheRegistrations() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let personal = try Self.personalWords(ws)
        for (clerk, keeps) in [("R02", true), ("L01", false)] {   // 註冊組幹事 (enrolment delegate); 讀服組
            let usb = ws.scratch("usb-\(clerk)"), dir = ws.scratch("office-\(clerk)")
            try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
            expectOK(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", clerk, "--out", usb]))
            let update = usb + "/" + (try #require(SampleCopy.listing(usb).first))
            expectOK(try ws.folio(in: dir, as: clerk, ["init", "--dir", dir, "--join", update, "--role", "office"], now: ws.now))
            let found = try Self.holding(personal, under: dir)
            #expect(keeps ? found.count >= 24 : found.isEmpty, "\(clerk): \(found.prefix(3))")
            let shown = expectOK(try ws.folio(in: dir, ["status", "112002"], now: ws.now))
            #expect(shown.stdout.contains("蔡佳穎"), "\(shown)")
        }
    }

    @Test func revokingAKeyStopsBundlesBeingSealedForItAndAReplacedKeySaysWhatToDo() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let usb = ws.scratch("usb")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        // T001 has a laptop, started from a request.
        expectOK(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", usb]))
        let laptop = ws.scratch("laptop")
        let first = usb + "/" + (try #require(SampleCopy.listing(usb).first))
        expectOK(try ws.folio(in: laptop, as: "T001", ["init", "--dir", laptop, "--join", first], now: "2025-01-08T20:00"))
        // T001's key is replaced: a new key file, registered by the root. The request still waiting on the stick
        // was sealed for the old key, so the next export writes a new one rather than call it "already waiting".
        let newKey = ws.scratch("T001-new.key")
        expectOK(try FolioRunner.run(["key", "new", "--id", "T001", "--out", newKey, "--demo-only"], env: ["FOLIO_KEY_COST": "1"]))
        expectOK(try ws.folio(as: "root", ["staff", "add", "T001", "--public-key", newKey + ".pub"], now: "2025-01-09T09:00"))
        expectOK(try ws.folio(as: "root", ["key", "revoke", "--public-key", ws.key("T001"), "--reason", "laptop stolen", "--yes"], now: "2025-01-09T09:05"))
        let again = expectOK(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", usb], now: "2025-01-09T09:10"))
        #expect(!again.stdout.contains("already waiting") && SampleCopy.listing(usb).filter { $0.hasPrefix("request-") }.count == 2, "\(again)")
        let resealed = usb + "/" + (try #require(SampleCopy.listing(usb).last { $0.hasPrefix("request-") }))
        #expect(try Self.envelope(resealed).sealed.wraps.map(\.recipient) == ["T001"])
        #expect(try Self.envelope(resealed).sealed != (try Self.envelope(first)).sealed)
        // The next request is sealed to the new key: the old one cannot open it, and says what to do.
        let newer = ws.scratch("usb2")
        try FileManager.default.createDirectory(atPath: newer, withIntermediateDirectories: true)
        expectOK(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", newer], now: "2025-01-09T10:00"))
        let request = newer + "/" + (try #require(SampleCopy.listing(newer).first))
        let laptopBefore = try TreeSnapshot(of: URL(fileURLWithPath: laptop), ignoring: [".folio/lock"])
        expectRefused(try ws.folio(in: laptop, as: "T001", ["bundle", "import", request], now: "2025-01-09T20:00"),
                      saying: ["not to this key of theirs", "IT section"])
        #expect(try TreeSnapshot(of: URL(fileURLWithPath: laptop), ignoring: [".folio/lock"]) == laptopBefore)
        // Updates for everyone leave the revoked key out; T001 is still a reader, with the new key.
        expectOK(try ws.folio(as: "R01", ["bundle", "export", "--kind", "school-update", "--out", newer], now: "2025-01-09T10:05"))
        let everyone = newer + "/" + (try #require(SampleCopy.listing(newer).first { $0.hasPrefix("update-") }))
        #expect(try Self.envelope(everyone).readers.contains("T001"))
        // A teacher whose only key is revoked is sent nothing: the export refuses, naming the reason.
        expectOK(try ws.folio(as: "root", ["key", "revoke", "--public-key", ws.key("T002"), "--reason", "lost", "--yes"], now: "2025-01-09T11:00"))
        let third = ws.scratch("usb3")
        try FileManager.default.createDirectory(atPath: third, withIntermediateDirectories: true)
        expectRefused(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T002", "--out", third], now: "2025-01-09T11:05"),
                      saying: ["T002's key is revoked"])
        #expect(SampleCopy.listing(third).isEmpty)
        expectOK(try ws.folio(as: "R01", ["bundle", "export", "--kind", "school-update", "--out", third], now: "2025-01-09T11:10"))
        #expect(!(try Self.envelope(third + "/" + SampleCopy.listing(third)[0]).readers.contains("T002")))
    }
}
