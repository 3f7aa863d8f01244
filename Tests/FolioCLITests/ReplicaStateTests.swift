import FolioCore
import FolioTestSupport
import Foundation
import Testing

/// Each replica holds what its job needs, and keeps up with what happens at the office: a classroom kiosk
/// sees every student's items as they stand (certified, returned with the reason, selected, uploaded
/// elsewhere) without their files, and a teacher's laptop hears of its items decided elsewhere. Separate
/// workspaces joined only by a folder standing for the stick, driven through the built binary.
@Suite struct ReplicaStateTests {
    func status(_ ws: SampleCopy, in dir: String, _ student: String, now: String) throws -> [[String: Any]] {
        let r = expectSuccess(try ws.folio(in: dir, ["status", student, "--json"], now: now))
        return ((try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])?["items"] as? [[String: Any]]) ?? []
    }

    /// The kiosk, started from the office's school update, as a classroom would start it: the IT section
    /// writes the first update, the registration section's syncs the later ones.
    func kiosk(_ ws: SampleCopy, usb: String) throws -> String {
        let kiosk = ws.scratch("kiosk")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        expectSuccess(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", usb]))
        let update = try #require(SampleCopy.listing(usb).first { $0.hasPrefix("update-") })
        expectSuccess(try ws.folio(in: kiosk, as: "KIOSK1", ["init", "--dir", kiosk, "--join", "\(usb)/\(update)"], now: ws.now))
        return kiosk
    }

    @Test func theKioskRoundTripEndsWithTheStudentSelectingTheCertifiedItemAtTheKiosk() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let usb = ws.scratch("usb")
        let kiosk = try kiosk(ws, usb: usb)
        // Items uploaded at the office are on the kiosk as they stand, without their files.
        let atOffice = try #require(try status(ws, in: kiosk, "112020", now: "2025-01-08T13:00").first { $0["id"] as? String == "abf0f468ae" })
        #expect(atOffice["status"] as? String == "uploaded")
        #expect(!FileManager.default.fileExists(atPath: "\(kiosk)/students/112020/files"), "the kiosk holds files it does not need")
        expectSuccess(try ws.folio(in: kiosk, ["verify"], now: "2025-01-08T13:00"))

        // A student uploads at the kiosk; the evening sync takes it to the office.
        let added = try ws.folio(in: kiosk, as: "112002", SampleCopy.addArguments(
            student: "112002", term: "113-1", course: "PHY-11A", description: "擺錘實驗", files: [ws.asset("physics-lab-report.pdf")]),
            now: "2025-01-08T13:10")
        expectSuccess(added)
        let id = try #require((try JSONSerialization.jsonObject(with: added.stdoutData) as? [String: Any])?["id"] as? String)
        expectSuccess(try ws.folio(in: kiosk, as: "KIOSK1", ["sync", usb], now: "2025-01-08T17:00"))
        expectSuccess(try ws.folio(as: "R01", ["sync", usb], now: "2025-01-08T18:00"))
        // The teacher certifies it at the office and returns another; the office returns a third with a reason.
        expectSuccess(try ws.folio(as: "T001", ["certify", "112002", id], now: "2025-01-09T10:00"))
        expectSuccess(try ws.folio(as: "T001", ["reject", "112020", "abf0f468ae", "--reason", "請補上實驗數據表"], now: "2025-01-09T10:05"))
        expectSuccess(try ws.folio(as: "R01", ["sync", usb], now: "2025-01-09T18:00"))
        // Next morning the kiosk takes the update: the item is certified there, and the return reason shows.
        expectSuccess(try ws.folio(in: kiosk, as: "KIOSK1", ["sync", usb], now: "2025-01-10T08:00"))
        let mine = try #require(try status(ws, in: kiosk, "112002", now: "2025-01-10T08:00").first { $0["id"] as? String == id })
        #expect(mine["status"] as? String == "certified", "\(mine)")
        let returned = try #require(try status(ws, in: kiosk, "112020", now: "2025-01-10T08:00").first { $0["id"] as? String == "abf0f468ae" })
        #expect(returned["status"] as? String == "rejected" && "\(returned)".contains("請補上實驗數據表"), "\(returned)")
        let selected = try ws.folio(in: kiosk, as: "112002", ["select", "112002", id], now: "2025-01-10T08:05")
        #expect(selected.succeeded && selected.stdout.contains("Selected item \(id)"), "\(selected)")
        expectSuccess(try ws.folio(in: kiosk, ["verify"], now: "2025-01-10T08:05"))

        // The selection reaches the office; the kiosk's bundle carries only the selection, nothing it was sent.
        let before = SampleCopy.listing(usb)
        expectSuccess(try ws.folio(in: kiosk, as: "KIOSK1", ["sync", usb], now: "2025-01-10T17:00"))
        let uploads = try #require(Set(SampleCopy.listing(usb)).subtracting(before).first, "the kiosk wrote no bundle")
        // Sealed for the office: opened with a clerk's key, then listed by tar.
        let contents = try SealedBundleReader.listing("\(usb)/\(uploads)", as: "R01", keys: ws.path("keys"))
        #expect(contents.filter { $0.hasPrefix("students/") }.count == 1, "\(contents)")
        expectSuccess(try ws.folio(as: "R01", ["sync", usb], now: "2025-01-10T18:00"))
        #expect(try ws.item("112002", id)["selected"] as? Bool == true)
        try expectVerifies(ws, "after the kiosk's selection")
        // And nothing more moves: both sides hold everything, and every bundle on the stick counts as imported.
        let quiet = expectSuccess(try ws.folio(in: kiosk, as: "KIOSK1", ["sync", usb], now: "2025-01-11T08:00"))
        #expect(quiet.stdout.contains("Nothing new") && !quiet.stdout.contains("already holds all of it"), "\(quiet)")
        let office = expectSuccess(try ws.folio(as: "R01", ["sync", usb], now: "2025-01-11T18:00"))
        #expect(office.stdout.contains("Nothing new"), "\(office)")
    }

    @Test func aTeachersLaptopHearsOfItsItemsDecidedElsewhere() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let usb = ws.scratch("usb"), laptop = ws.scratch("laptop")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        let a = try ws.upload(student: "112001", course: "PHY-11A", description: "光學實驗紀錄", assets: ["math-graph.png"])
        expectSuccess(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", usb]))
        let request = try #require(SampleCopy.listing(usb).first { $0.hasPrefix("request-") })
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["init", "--dir", laptop, "--join", "\(usb)/\(request)"], now: "2025-01-08T20:00"))
        #expect(try status(ws, in: laptop, "112001", now: "2025-01-08T20:00").first { $0["id"] as? String == a }?["status"] as? String == "uploaded")
        // At the office the same item is returned (the teacher was there) and another is certified.
        expectSuccess(try ws.folio(as: "T001", ["reject", "112001", a, "--reason", "圖表缺少單位"], now: "2025-01-09T10:00"))
        expectSuccess(try ws.folio(as: "T001", ["certify", "112020", "abf0f468ae"], now: "2025-01-09T10:01"))
        // The next request carries the news; the laptop shows both decided and waits for nothing.
        expectSuccess(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", usb], now: "2025-01-09T12:00"))
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["sync", usb], now: "2025-01-09T20:00"))
        let items = try status(ws, in: laptop, "112001", now: "2025-01-09T20:00")
        #expect(items.first { $0["id"] as? String == a }?["status"] as? String == "rejected", "\(items)")
        #expect(try status(ws, in: laptop, "112020", now: "2025-01-09T20:00").first { $0["id"] as? String == "abf0f468ae" }?["status"] as? String == "certified")
        let school = expectSuccess(try ws.folio(in: laptop, ["status"], now: "2025-01-09T20:05"))
        #expect(school.stdout.contains("0 item(s) wait for certification"), "\(school)")
        expectSuccess(try ws.folio(in: laptop, ["verify"], now: "2025-01-09T20:05"))
    }

    /// A laptop follows an item through every version the office holds, so a re-upload of files it has seen
    /// before counts as it does at the office: one is certified at the office on a version the laptop never
    /// held, then uploaded again with the same files (the certification holds); another, returned on the
    /// laptop, is replaced and then uploaded again with its first file (it waits for the teacher again).
    @Test func aTeachersLaptopFollowsAnItemThroughEveryUploadOfIt() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let usb = ws.scratch("usb"), laptop = ws.scratch("laptop")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        let a = try ws.upload(student: "112021", course: "PHY-11A", description: "光學實驗", assets: ["math-graph.png"])
        let b = try ws.upload(student: "112001", course: "PHY-11A", description: "力學實驗", assets: ["self-study-plan.pdf"])
        expectSuccess(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", usb]))
        let request = try #require(SampleCopy.listing(usb).first { $0.hasPrefix("request-") })
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["init", "--dir", laptop, "--join", "\(usb)/\(request)"], now: "2025-01-08T20:00"))
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["reject", "112001", b, "--reason", "缺少數據"], now: "2025-01-08T20:05"))
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["sync", usb], now: "2025-01-08T20:10"))
        expectSuccess(try ws.folio(as: "R01", ["sync", usb], now: "2025-01-09T08:00"))

        func again(_ student: String, _ item: String, _ description: String, _ asset: String, at now: String) throws {
            expectSuccess(try ws.folio(as: student, SampleCopy.addArguments(student: student, term: "113-1", course: "PHY-11A",
                                                                           description: description, files: [ws.asset(asset)],
                                                                           replace: item), now: now))
        }
        try again("112021", a, "光學實驗（改）", "physics-lab-report.pdf", at: "2025-01-09T09:00")
        expectSuccess(try ws.folio(as: "T001", ["certify", "112021", a], now: "2025-01-09T09:10"))
        try again("112021", a, "光學實驗（更正說明）", "physics-lab-report.pdf", at: "2025-01-09T09:20")
        try again("112001", b, "力學實驗（改）", "history-essay.pdf", at: "2025-01-09T09:30")
        try again("112001", b, "力學實驗（原檔）", "self-study-plan.pdf", at: "2025-01-09T09:40")
        #expect(try ws.item("112021", a).string("status") == "certified")
        #expect(try ws.item("112001", b).string("status") == "uploaded")

        expectSuccess(try ws.folio(as: "R01", ["sync", usb], now: "2025-01-09T12:00"))
        expectSuccess(try ws.folio(in: laptop, as: "T001", ["sync", usb], now: "2025-01-09T20:00"))
        for (student, item) in [("112021", a), ("112001", b)] {
            let office = try ws.item(student, item)
            let mine = try #require(try status(ws, in: laptop, student, now: "2025-01-09T20:00").first { $0["id"] as? String == item })
            for field in ["status", "version", "uploadedAt", "description"] {
                #expect(mine[field] as? String == office.string(field), "\(student) \(item) \(field): laptop \(mine), office \(office)")
            }
        }
        expectSuccess(try ws.folio(in: laptop, ["verify"], now: "2025-01-09T20:05"))
    }
}

/// The office's workspace id is signed for by any of its clerks, but not by a teacher's or a kiosk's key:
/// one stolen from a laptop must not make a kiosk believe the office holds uploads it never received.
@Suite struct ReplicaBookkeepingTests {
    @Test func aTeachersKeyCannotTellAKioskThatTheOfficeHoldsItsUploads() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let usb = ws.scratch("usb"), kiosk = ws.scratch("kiosk"), stolen = ws.scratch("stolen")
        for dir in [usb, stolen] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        expectSuccess(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", usb]))
        let update = try #require(SampleCopy.listing(usb).first { $0.hasPrefix("update-") })
        expectSuccess(try ws.folio(in: kiosk, as: "KIOSK1", ["init", "--dir", kiosk, "--join", "\(usb)/\(update)"], now: ws.now))
        expectSuccess(try ws.folio(in: kiosk, as: "112002", SampleCopy.addArguments(
            student: "112002", term: "113-1", course: "PHY-11A", description: "擺錘實驗", files: [ws.asset("physics-lab-report.pdf")]),
            now: "2025-01-08T13:10"))
        // The kiosk writes its uploads onto a stick that is then lost on the way to the office.
        expectSuccess(try ws.folio(in: kiosk, as: "KIOSK1", ["sync", stolen], now: "2025-01-08T17:00"))
        let uploads = try #require(SampleCopy.listing(stolen).first { $0.hasPrefix("uploads-") })
        let uploadsID = try #require((try JSONSerialization.jsonObject(with: expectSuccess(
            try ws.folio(as: "R01", ["bundle", "verify", "\(stolen)/\(uploads)", "--json"])).stdoutData) as? [String: Any])?["bundle"] as? String)
        // Whoever found it forges, with T001's stolen laptop key, a school update "from the office" that
        // claims the office imported it.
        let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(kiosk)/folio.json"))) as? [String: Any])
        let hub = try #require(config["hub"] as? String), replica = try #require(config["replica"] as? String)
        var forged = BundleForge(kind: .schoolUpdate, school: "999901", sender: BundleParty(replica: hub, person: "T001"),
                                 signer: try SampleHubForgery(ws).identity("T001"),
                                 recipient: BundleParty(replica: replica, person: "KIOSK1"), sequence: 90,
                                 created: try #require(Instant(iso: "2025-01-08T18:00:00Z")))
        forged.header.holds = [uploadsID]
        forged.seal()
        try Data(try forged.archive()).write(to: URL(fileURLWithPath: "\(usb)/\(forged.fileName)"))
        expectSuccess(try ws.folio(in: kiosk, as: "KIOSK1", ["sync", usb], now: "2025-01-09T08:00"))
        // The kiosk still owes the office the upload: a fresh stick gets it again.
        let fresh = ws.scratch("fresh")
        try FileManager.default.createDirectory(atPath: fresh, withIntermediateDirectories: true)
        let again = expectSuccess(try ws.folio(in: kiosk, as: "KIOSK1", ["sync", fresh], now: "2025-01-09T17:00"))
        #expect(SampleCopy.listing(fresh).contains { $0.hasPrefix("uploads-") }, "\(again)")
    }
}
