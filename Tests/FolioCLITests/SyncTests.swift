import FolioTar
import FolioTestSupport
import Foundation
import Testing

/// USB exchanges between the office hub and its replicas, driven through the built binary: a folder in the
/// scratch area stands for the stick, another for the teacher's laptop or the kiosk.
@Suite struct SyncTests {
    func manifestItem(_ dir: String, _ student: String, _ id: String) throws -> [String: Any]? {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/students/\(student)/manifest.json"))
        let items = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["items"] as? [[String: Any]] ?? []
        return items.first { $0["id"] as? String == id }
    }

    @Test func certificationRoundTripThroughAStickAndSyncIsIdempotent() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let a = try ws.upload(student: "112001", course: "PHY-11A", description: "光學實驗紀錄", assets: ["math-graph.png"])
        let b = try ws.upload(student: "112021", course: "PHY-11A", description: "聲波錄音", assets: ["tone-a440.mp3"])
        let c = try ws.upload(student: "112021", course: "HIS-11A", description: "史料整理", assets: ["history-essay.pdf"])
        let usb = ws.scratch("usb"), laptop = ws.scratch("laptop")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        expectSuccess(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", usb]))
        let request = try #require(SampleCopy.listing(usb).first)
        #expect(SampleCopy.listing(usb).count == 1 && request.hasPrefix("request-hub-") && request.hasSuffix(".tar"), "\(SampleCopy.listing(usb))")
        // FAT32/exFAT-safe: short ASCII.
        #expect(request.count <= 64 && request.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") })

        let joined = try ws.folio(in: laptop, as: "T001", ["init", "--dir", laptop, "--join", "\(usb)/\(request)"], now: "2025-01-09T20:00")
        expectSuccess(joined)
        #expect(joined.stdout.contains("fingerprint"), "\(joined)")
        // Only T001's items travel: the history item (T002's course) stays at the office.
        #expect(try manifestItem(laptop, "112001", a) != nil)
        #expect(try manifestItem(laptop, "112021", b) != nil)
        #expect(try manifestItem(laptop, "112021", c) == nil, "another teacher's item reached T001's laptop")
        #expect(FileManager.default.fileExists(atPath: "\(laptop)/students/112001/files/\(a)"))

        expectSuccess(try ws.folio(in: laptop, as: "T001", ["certify", "112001", a], now: "2025-01-09T20:05"))
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["reject", "112021", b, "--reason", "請重新錄製"], now: "2025-01-09T20:06"))
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["sync", usb], now: "2025-01-09T20:10"))
        #expect(SampleCopy.listing(usb).filter { $0.hasPrefix("certs-teacher-") }.count == 1, "\(SampleCopy.listing(usb))")
        // A second sync on the laptop writes nothing new while the answer waits on the stick.
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["sync", usb], now: "2025-01-09T20:11"))
        #expect(SampleCopy.listing(usb).count == 2, "\(SampleCopy.listing(usb))")

        let synced = expectSuccess(try ws.folio(as: "R01", ["sync", usb], now: "2025-01-10T08:00"))
        #expect(synced.stdout.contains("Added 2 record(s)"), "\(synced)")
        #expect(try ws.item("112001", a).string("status") == "certified")
        #expect(try ws.item("112021", b).string("status") == "rejected")
        #expect(try ws.item("112021", b).object("decision")?.string("reason") == "請重新錄製")
        #expect(try ws.item("112021", c).string("status") == "uploaded")
        try expectVerifies(ws, "after the import")

        // Again: nothing imported, nothing written, the workspace unchanged. An imported bundle is known by
        // its header alone, so one whose copy on the stick has since lost its tail is passed over too.
        let answer = try #require(SampleCopy.listing(usb).first { $0.hasPrefix("certs-teacher-") })
        let answerBytes = try Data(contentsOf: URL(fileURLWithPath: "\(usb)/\(answer)"))
        let (header, _) = try #require(try TarReader().firstEntry(.memory(answerBytes), upTo: 0))
        // One byte into the tar header of the entry after bundle.json.
        try answerBytes.prefix(512 + (Int(header.size) + 511) / 512 * 512 + 1).write(to: URL(fileURLWithPath: "\(usb)/\(answer)"))
        let damaged = try ws.folio(as: "R01", ["bundle", "verify", "\(usb)/\(answer)"])
        #expect(!damaged.succeeded, "the cut copy should be refused: \(damaged)")
        let before = try ws.snapshot()
        let stick = SampleCopy.listing(usb)
        let again = expectSuccess(try ws.folio(as: "R01", ["sync", usb], now: "2025-01-10T08:05"))
        #expect(again.stdout.contains("Skipped \(answer): already imported"), "\(again)")
        #expect(SampleCopy.listing(usb) == stick)
        let after = try ws.snapshot()
        #expect(after == before, "\(after.differences(from: before))")
    }

    @Test func kioskUploadsReachTheOfficeWithTheirFiles() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let usb = ws.scratch("usb"), kiosk = ws.scratch("kiosk")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        expectSuccess(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", usb]))
        let update = try #require(SampleCopy.listing(usb).first { $0.hasPrefix("update-") })
        expectSuccess(try ws.folio(in: kiosk, as: "KIOSK1", ["init", "--dir", kiosk, "--join", "\(usb)/\(update)"], now: "2025-01-08T14:00"))
        let config = try String(contentsOfFile: "\(kiosk)/folio.json", encoding: .utf8)
        #expect(config.contains("\"role\" : \"kiosk\"") && config.contains("\"owner\" : \"KIOSK1\""), "\(config)")

        let added = try ws.folio(in: kiosk, as: "113002",
                              SampleCopy.addArguments(student: "113002", term: "113-1", course: "MAT-10A",
                                                      description: "函數圖形", files: [ws.asset("math-graph.png")]),
                              now: "2025-01-08T15:00")
        expectSuccess(added)
        let id = try #require((try JSONSerialization.jsonObject(with: added.stdoutData) as? [String: Any])?["id"] as? String)
        // A student who left cannot upload at the kiosk either: it knows the registrations.
        let left = try ws.folio(in: kiosk, as: "111015",
                             SampleCopy.addArguments(student: "111015", term: "113-1", course: "MAT-10A",
                                                     description: "函數圖形", files: [ws.asset("math-graph.png")]),
                             now: "2025-01-08T15:01")
        #expect(left.status == 1 && left.stderr.contains("no longer enrolled"), "\(left)")

        let verify = expectSuccess(try ws.folio(in: kiosk, as: "KIOSK1", ["sync", usb], now: "2025-01-08T17:00"))
        let uploads = try #require(SampleCopy.listing(usb).first { $0.hasPrefix("uploads-kiosk-") }, "\(verify)")
        let preview = expectSuccess(try ws.folio(as: "R01", ["bundle", "verify", "\(usb)/\(uploads)"], now: "2025-01-09T08:00"))
        #expect(preview.stdout.contains("would add 1 record(s) and 1 file(s)"), "\(preview)")
        expectSuccess(try ws.folio(as: "R01", ["sync", usb], now: "2025-01-09T08:00"))
        let item = try ws.item("113002", id)
        #expect(item.string("status") == "uploaded" && item.string("uploadedBy") == "113002")
        try expectVerifies(ws, "after importing the kiosk's uploads")
        // The kiosk already holds every school record the office has: no new update is due.
        #expect(SampleCopy.listing(usb).filter { $0.hasPrefix("update-") }.count == 1, "\(SampleCopy.listing(usb))")
    }

    @Test func aCopiedTeacherWorkspaceIsNoticedWhenBothCopiesSendBundles() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let a = try ws.upload(student: "112001", course: "PHY-11A", description: "光學實驗紀錄", assets: ["math-graph.png"])
        let b = try ws.upload(student: "112021", course: "PHY-11A", description: "牛頓定律報告", assets: ["physics-lab-report.pdf"])
        let usb = ws.scratch("usb"), laptop = ws.scratch("laptop"), copy = ws.scratch("copy")
        let usb2 = ws.scratch("usb2")
        for dir in [usb, usb2] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        expectSuccess(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", usb]))
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["init", "--dir", laptop, "--join", "\(usb)/\(SampleCopy.listing(usb)[0])"],
                                   now: "2025-01-09T20:00"))
        try FileManager.default.copyItem(atPath: laptop, toPath: copy)
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["certify", "112001", a], now: "2025-01-09T20:05"))
        expectSuccess(try ws.folio(in: copy, as: "T001", ["certify", "112021", b], now: "2025-01-09T20:06"))
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["bundle", "export", "--kind", "certifications", "--out", usb], now: "2025-01-09T20:10"))
        expectSuccess(try ws.folio(in: copy, as: "T001", ["bundle", "export", "--kind", "certifications", "--out", usb2], now: "2025-01-09T20:10"))
        let first = try #require(SampleCopy.listing(usb).first { $0.hasPrefix("certs-") })
        let second = try #require(SampleCopy.listing(usb2).first { $0.hasPrefix("certs-") })
        #expect(first == second, "both copies have the same id and number, so the same file name")

        let one = expectSuccess(try ws.folio(as: "R01", ["bundle", "import", "\(usb)/\(first)"], now: "2025-01-10T08:00"))
        #expect(!one.stdout.contains("copied"), "\(one)")
        let two = expectSuccess(try ws.folio(as: "R01", ["bundle", "import", "\(usb2)/\(second)"], now: "2025-01-10T08:01"))
        #expect(two.stdout.contains("warning:") && two.stdout.contains("copied"), "\(two)")
        // Both copies' decisions are kept: they are signed and valid.
        #expect(try ws.item("112001", a).string("status") == "certified")
        #expect(try ws.item("112021", b).string("status") == "certified")
    }

    @Test func bundleVerifyChangesNothingAndImportIsIdempotent() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let id = try ws.upload(student: "112001", course: "PHY-11A", description: "光學實驗紀錄", assets: ["math-graph.png"])
        let usb = ws.scratch("usb"), laptop = ws.scratch("laptop")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        expectSuccess(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", usb]))
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["init", "--dir", laptop, "--join", "\(usb)/\(SampleCopy.listing(usb)[0])"],
                                   now: "2025-01-09T20:00"))
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["certify", "112001", id], now: "2025-01-09T20:05"))
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["bundle", "export", "--kind", "certifications", "--out", usb], now: "2025-01-09T20:10"))
        let certs = "\(usb)/" + (try #require(SampleCopy.listing(usb).first { $0.hasPrefix("certs-") }))
        // Back at school the next morning: the office's clock is past the laptop's records.
        ws.now = "2025-01-10T08:00"

        let before = try ws.snapshot()
        let preview = expectSuccess(try ws.folio(as: "R01", ["bundle", "verify", certs]))
        #expect(preview.stdout.contains("would add 1 record(s)"), "\(preview)")
        #expect(try ws.snapshot() == before, "bundle verify changed the workspace")

        expectSuccess(try ws.folio(as: "R01", ["bundle", "import", certs, certs]))
        let once = try ws.snapshot()
        let again = expectSuccess(try ws.folio(as: "R01", ["bundle", "import", certs]))
        #expect(again.stdout.contains("already holds all of it"), "\(again)")
        let twice = try ws.snapshot()
        #expect(twice == once, "\(twice.differences(from: once))")
    }

    @Test func aStudentConfirmsAReceiptAtAnOfflineKiosk() throws {
        let ws = try SampleCopy(now: "2025-08-20T09:00")
        expectSuccess(try ws.folio(as: "D01", ["submit", "--office", "data", "--period", "113"]))
        expectSuccess(try ws.folio(as: "D01", ["confirmation", "open", "--id", "C1", "--from", "2025-08-22", "--to", "2025-08-26",
                                               "--submission", "data-113-1"]))
        let usb = ws.scratch("usb"), kiosk = ws.scratch("kiosk")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        expectSuccess(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", usb]))
        let update = try #require(SampleCopy.listing(usb).first { $0.hasPrefix("update-") })
        expectSuccess(try ws.folio(in: kiosk, as: "KIOSK1", ["init", "--dir", kiosk, "--join", "\(usb)/\(update)"], now: "2025-08-21T08:00"))
        expectSuccess(try ws.folio(in: kiosk, as: "111002", ["confirm", "111002", "--submission", "data-113-1"], now: "2025-08-23T10:00"))
        expectSuccess(try ws.folio(in: kiosk, as: "KIOSK1", ["sync", usb], now: "2025-08-23T17:00"))
        expectSuccess(try ws.folio(as: "D01", ["sync", usb], now: "2025-08-24T08:00"))
        let receipts = try ws.status("111002")["receipts"] as? [[String: Any]] ?? []
        #expect(receipts.first?["answer"] as? String == "confirmed", "\(receipts)")
    }

    @Test func theOfficesSyncWritesANewRequestForATeacherItKnows() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let a = try ws.upload(student: "112001", course: "PHY-11A", description: "光學實驗紀錄", assets: ["math-graph.png"])
        let usb = ws.scratch("usb"), laptop = ws.scratch("laptop")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        expectSuccess(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", usb]))
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["init", "--dir", laptop, "--join", "\(usb)/\(SampleCopy.listing(usb)[0])"],
                                   now: "2025-01-09T20:00"))
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["certify", "112001", a], now: "2025-01-09T20:05"))
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["sync", usb], now: "2025-01-09T20:10"))
        expectSuccess(try ws.folio(as: "R01", ["sync", usb], now: "2025-01-10T08:00"))
        #expect(SampleCopy.listing(usb).filter { $0.hasPrefix("request-") }.count == 1, "nothing new waits for T001 yet: \(SampleCopy.listing(usb))")

        // A new item for T001's course: the next office sync writes T001's laptop a request, and only that item travels.
        let b = try ws.upload(student: "112021", course: "PHY-11A", description: "牛頓定律報告", assets: ["physics-lab-report.pdf"],
                              now: "2025-01-10T09:00")
        let wrote = expectSuccess(try ws.folio(as: "R01", ["sync", usb], now: "2025-01-10T17:00"))
        let requests = SampleCopy.listing(usb).filter { $0.hasPrefix("request-") }
        #expect(requests.count == 2 && wrote.stdout.contains("workspace teacher-"), "\(wrote)")
        let laptopSync = expectSuccess(try ws.folio(in: laptop, as: "T001", ["sync", usb], now: "2025-01-10T20:00"))
        #expect(laptopSync.stdout.contains("Added"), "\(laptopSync)")
        #expect(try manifestItem(laptop, "112021", b)?["status"] as? String == "uploaded")
    }
}
