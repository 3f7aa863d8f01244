import FolioTestSupport
import Foundation
import Testing

/// Graduates sealed for five years, checked by folio and by bagit-python, then purged.
/// The sample's grade 12 (111001, 111002, 111016 enrolled; 111015 left) graduates on 2025-06-30.
@Suite struct ArchiveTests {
    static let sealDay = "2025-07-01T09:00"

    func sealedHub() throws -> SampleCopy {
        let ws = try SampleCopy(now: Self.sealDay)
        expectSuccess(try ws.folio(as: "R01", ["graduate", "--grade", "12", "--date", "2025-06-30"]))
        expectSuccess(try ws.folio(as: "R01", ["archive", "seal"]))
        return ws
    }

    func run(_ executable: String, _ args: [String]) throws -> (status: Int32, output: String) {
        try ToolRunner.run(executable, args, mergingErrors: true)
    }

    @Test func sealingTakesGraduatesOutOfTheLiveWorkspaceAndAccountsForThem() throws {
        let ws = try sealedHub()
        for n in ["111001", "111002", "111016"] {
            #expect(!FileManager.default.fileExists(atPath: ws.path("students/\(n)")), "\(n) is still live")
            #expect(FileManager.default.fileExists(atPath: ws.path("archive/999901-\(n).tar")))
        }
        #expect(FileManager.default.fileExists(atPath: ws.path("students/112001")), "a grade-11 student was sealed")
        let verify = expectSuccess(try ws.folio(["verify"]))
        #expect(verify.stdout.contains("(3 sealed)") && verify.stdout.contains("all consistent"), "\(verify)")
        let archive = expectSuccess(try ws.folio(["archive", "verify"]))
        #expect(archive.stdout.components(separatedBy: "ok ").count - 1 == 3, "\(archive)")
        let list = expectSuccess(try ws.folio(["archive", "list"]))
        #expect(list.stdout.contains("2030-07-01"), "five years after sealing, which came after graduation: \(list)")
    }

    @Test func sealingTheSameStudentTwiceGivesTheSameBytes() throws {
        let a = try sealedHub()
        let b = try sealedHub()
        for n in ["111001", "111002"] {
            let x = try Data(contentsOf: URL(fileURLWithPath: a.path("archive/999901-\(n).tar")))
            let y = try Data(contentsOf: URL(fileURLWithPath: b.path("archive/999901-\(n).tar")))
            #expect(x == y, "\(n)'s archive differs between two seals")
        }
    }

    @Test func anExtractedBagIsValidForBagitPythonAndForFolio() throws {
        let ws = try sealedHub()
        let out = ws.scratch("lookup")
        expectSuccess(try ws.folio(["archive", "open", "111001", "--to", out]))
        let bag = out + "/999901-111001"
        let info = try String(contentsOfFile: bag + "/bag-info.txt", encoding: .utf8)
        #expect(info.contains("Retain-Until: 2030-07-01") && info.contains("Payload-Oxum: ") && info.contains("School-Code: 999901"))
        let python = try run("python3", ["-m", "bagit", "--validate", bag])
        #expect(python.status == 0 && python.output.contains("is valid"), "bagit-python: \(python.output)")
        expectSuccess(try ws.folio(["archive", "verify", "--bag", bag]))

        // An extra file and a missing file: both validators refuse.
        try Data("x".utf8).write(to: URL(fileURLWithPath: bag + "/data/extra.txt"))
        #expect(try run("python3", ["-m", "bagit", "--validate", bag]).status != 0)
        let extra = try ws.folio(["archive", "verify", "--bag", bag])
        #expect(extra.status == 1 && extra.stderr.contains("extra.txt"), "\(extra)")
        try FileManager.default.removeItem(atPath: bag + "/data/extra.txt")
        try FileManager.default.removeItem(atPath: bag + "/data/manifest.json")
        #expect(try run("python3", ["-m", "bagit", "--validate", bag]).status != 0)
        let missing = try ws.folio(["archive", "verify", "--bag", bag])
        #expect(missing.status == 1 && missing.stderr.contains("manifest.json is missing"), "\(missing)")
    }

    @Test func aChangedTarballOrRegisterIsReported() throws {
        let ws = try sealedHub()
        let tar = ws.path("archive/999901-111002.tar")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: tar))
        bytes[700] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: tar))
        let archive = try ws.folio(["archive", "verify"])
        #expect(archive.status == 1 && archive.stdout.contains("PROBLEM archive/999901-111002.tar"), "\(archive)")
        #expect(try ws.folio(["verify"]).status == 1)

        let other = try sealedHub()
        let events = other.path("school/events")
        let sealed = try FileManager.default.contentsOfDirectory(atPath: events).first { name in
            (try? String(contentsOfFile: events + "/" + name, encoding: .utf8))?.contains("\"archive.sealed\"") == true
        }
        let file = events + "/" + (try #require(sealed))
        var text = try String(contentsOfFile: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "2030-07-01", with: "2030-06-30")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let register = try other.folio(["archive", "verify"])
        #expect(register.status == 1 && register.stdout.contains("unregistered") && register.stdout.contains("damaged"), "\(register)")
    }

    @Test func refusalsChangeNothing() throws {
        let ws = try sealedHub()
        var before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "R01", ["archive", "seal", "112001"]), naming: ["has not graduated"],
                          workspace: ws, unchangedFrom: before)
        before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "R01", ["archive", "purge", "111001"], now: "2030-06-30T09:00"),
                          naming: ["must be kept until 2030-07-01"], workspace: ws, unchangedFrom: before)
        // A teacher may not purge, even after retention.
        before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "T001", ["archive", "purge"], now: "2030-07-01T09:00"),
                          naming: ["T001"], workspace: ws, unchangedFrom: before)
    }

    @Test func purgeAfterRetentionLeavesTombstones() throws {
        let ws = try sealedHub()
        let dry = expectSuccess(try ws.folio(["archive", "purge", "--dry-run"], now: "2030-07-01T09:00"))
        #expect(dry.stdout.contains("Would delete archive/999901-111001.tar"), "\(dry)")
        #expect(FileManager.default.fileExists(atPath: ws.path("archive/999901-111001.tar")), "--dry-run deleted something")
        expectSuccess(try ws.folio(as: "R01", ["archive", "purge"], now: "2030-07-01T09:00"))
        #expect(!FileManager.default.fileExists(atPath: ws.path("archive/999901-111001.tar")))
        let list = expectSuccess(try ws.folio(["archive", "list"]))
        #expect(list.stdout.components(separatedBy: "purged 2030-07-01 by R01").count - 1 == 3, "\(list)")
        let verify = expectSuccess(try ws.folio(["verify"]))
        #expect(verify.stdout.contains("(0 sealed)"), "\(verify)")
    }

    @Test func retentionCountsFromTheLaterOfGraduationAndSealing() throws {
        let ws = try SampleCopy(now: Self.sealDay)
        var before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "R01", ["graduate", "111001", "--date", "2015-06-30"]),
                          naming: ["cannot be this year's graduation day"], workspace: ws, unchangedFrom: before)
        before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "R01", ["graduate", "111001", "--date", "2025-07-02"]),
                          naming: ["cannot be this year's graduation day"], workspace: ws, unchangedFrom: before)
        expectSuccess(try ws.folio(as: "R01", ["graduate", "111001", "111001", "--date", "2024-09-01"]))
        let sealed = expectSuccess(try ws.folio(as: "R01", ["archive", "seal", "111001"]))
        #expect(sealed.stdout.contains("kept until 2030-07-01"), "five years from sealing, the later day: \(sealed)")
    }

    /// Sealing lands in batches; when the disk fails part way, the message says how many graduates were
    /// sealed, those stay sealed, the rest stay live, and once the cause is gone sealing again finishes.
    @Test func aSealStoppedPartWaySaysHowManyAreSealed() throws {
        let ws = try SampleCopy(now: Self.sealDay)
        expectSuccess(try ws.folio(as: "R01", ["graduate", "--grade", "12", "--date", "2025-06-30"]))
        // A folder where the second graduate's tarball must go: moving the tarball into place fails.
        let blocker = ws.path("archive/999901-111002.tar")
        try FileManager.default.createDirectory(atPath: blocker + "/in-the-way", withIntermediateDirectories: true)
        let r = try ws.folio(as: "R01", ["archive", "seal"], env: ["FOLIO_SEAL_BATCH": "1"])
        // The second batch was committed when its tarball could not be moved into place: the message says the
        // next command finishes it.
        #expect(r.status == 1 && r.stderr.contains("Sealing stopped after 1 of 3 graduates")
                && r.stderr.contains("archive/999901-111002.tar") && r.stderr.contains("The next 1 graduate(s) are recorded as sealed; the next folio command you run")
                && r.stderr.contains("`folio archive seal` again seals the rest"), "\(r)")
        #expect(FileManager.default.fileExists(atPath: ws.path("archive/999901-111001.tar")))
        #expect(!FileManager.default.fileExists(atPath: ws.path("students/111001")), "the first batch was not sealed")
        #expect(FileManager.default.fileExists(atPath: ws.path("students/111016")), "the third batch was sealed after the failure")

        try FileManager.default.removeItem(atPath: blocker)
        expectSuccess(try ws.folio(as: "R01", ["archive", "seal"], env: ["FOLIO_SEAL_BATCH": "1"]))
        for n in ["111001", "111002", "111016"] {
            #expect(!FileManager.default.fileExists(atPath: ws.path("students/\(n)")), "\(n) is still live")
        }
        let verify = expectSuccess(try ws.folio(["verify"]))
        #expect(verify.stdout.contains("(3 sealed)") && verify.stdout.contains("all consistent"), "\(verify)")
        expectSuccess(try ws.folio(["archive", "verify"]))
    }

    /// A file damaged on disk is never sealed as if it were the upload (the bag would be valid and the live
    /// folder gone): the graduate is refused, and in one batch nothing changes at all.
    @Test func aDamagedFileIsNotSealed() throws {
        let ws = try SampleCopy(now: Self.sealDay)
        expectSuccess(try ws.folio(as: "R01", ["graduate", "--grade", "12", "--date", "2025-06-30"]))
        let folder = ws.path("students/111002/files")
        let file = try #require(FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String }
            .first { path in var dir: ObjCBool = false
                     return FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &dir) && !dir.boolValue })
        var bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: folder + "/" + file))
        let before = try ws.snapshot()

        let r = try ws.folio(as: "R01", ["archive", "seal"])
        #expect(r.status == 1 && r.stderr.contains("111002's file files/\(file) is not the file that was uploaded")
                && r.stderr.contains("Restore that file from a backup"), "\(r)")
        let after = try ws.snapshot()
        #expect(after == before, "a refused seal changed the workspace:\n\(after.differences(from: before))")

        // In batches of one, the graduate before it is sealed; it and the one after it stay live.
        let batched = try ws.folio(as: "R01", ["archive", "seal"], env: ["FOLIO_SEAL_BATCH": "1"])
        #expect(batched.status == 1 && batched.stderr.contains("Sealing stopped after 1 of 3 graduates: 111002's file"), "\(batched)")
        #expect(!FileManager.default.fileExists(atPath: ws.path("students/111001")))
        #expect(FileManager.default.fileExists(atPath: ws.path("students/111002/files/" + file)))
        #expect(FileManager.default.fileExists(atPath: ws.path("students/111016")))
    }

    /// A seal after `folio verify` takes what that check found valid and unchanged since on trust (signatures,
    /// files' hashes) and checks the rest: a file changed after the check is still found, and a seal that
    /// trusted the check writes the same bytes as one that checked everything.
    @Test func aSealAfterVerifyTrustsOnlyWhatIsUnchangedSince() throws {
        let ws = try SampleCopy(now: Self.sealDay)
        expectSuccess(try ws.folio(as: "R01", ["graduate", "--grade", "12", "--date", "2025-06-30"]))
        // Files changed in the last two seconds are not cached; let the fresh copy settle, then check it.
        Thread.sleep(forTimeInterval: 2.2)
        expectSuccess(try ws.folio(["verify"]))
        #expect(FileManager.default.fileExists(atPath: ws.path(".folio/cache/verify/111002")))

        let folder = ws.path("students/111002/files")
        let file = try #require(FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String }
            .first { path in var dir: ObjCBool = false
                     return FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &dir) && !dir.boolValue })
        let original = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))
        var changed = original
        changed[changed.count / 2] ^= 0x01
        try changed.write(to: URL(fileURLWithPath: folder + "/" + file))
        let before = try ws.snapshot()
        let r = try ws.folio(as: "R01", ["archive", "seal"])
        #expect(r.status == 1 && r.stderr.contains("111002's file files/\(file) is not the file that was uploaded"), "\(r)")
        #expect(try ws.snapshot() == before)

        try original.write(to: URL(fileURLWithPath: folder + "/" + file))
        expectSuccess(try ws.folio(as: "R01", ["archive", "seal"]))
        let checkedAll = try sealedHub()
        for n in ["111001", "111002", "111016"] {
            let trusted = try Data(contentsOf: URL(fileURLWithPath: ws.path("archive/999901-\(n).tar")))
            let checked = try Data(contentsOf: URL(fileURLWithPath: checkedAll.path("archive/999901-\(n).tar")))
            #expect(trusted == checked, "\(n)'s archive differs when the verify cache was trusted")
        }
        let full = expectSuccess(try ws.folio(["verify", "--full"]))
        #expect(full.stdout.contains("(3 sealed)") && full.stdout.contains("all consistent"), "\(full)")
        // The register's SHA-256, taken from the read-back, is sha256sum's for the file.
        let sum = try run("sha256sum", [ws.path("archive/999901-111002.tar")]).output.prefix(64)
        let list = expectSuccess(try ws.folio(["archive", "list", "--json"]))
        #expect(list.stdout.contains(String(sum)), "\(list)")
    }

    @Test func recordsArrivingAfterSealingAreRefused() throws {
        let ws = try SampleCopy(now: "2025-06-20T09:00")
        let usb = ws.scratch("usb"), kiosk = ws.scratch("kiosk")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        expectSuccess(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", usb]))
        let update = try #require(try FileManager.default.contentsOfDirectory(atPath: usb).first)
        expectSuccess(try FolioRunner.run(["init", "--dir", kiosk, "--join", usb + "/" + update, "--as", "KIOSK1", "--key", ws.key("KIOSK1"),
                                           "--root-fingerprint", ws.rootFingerprint], env: ["FOLIO_NOW": ws.now]))
        // An upload made at the kiosk before graduation, brought to the office after sealing.
        let upload = try FolioRunner.run(SampleCopy.addArguments(student: "111002", category: "works", term: "113-2", description: "畢業作品",
                                                                 files: [ws.asset("art-poster.png")], fields: ["name": "畢業作品"])
                                         + ["--workspace", kiosk], env: ["FOLIO_NOW": ws.now, "FOLIO_STUDENT_SECRET": ws.secret("111002")])
        #expect(upload.succeeded, "\(upload)")
        expectSuccess(try FolioRunner.run(["bundle", "export", "--kind", "uploads", "--out", usb, "--workspace", kiosk,
                                           "--as", "KIOSK1", "--key", ws.key("KIOSK1")], env: ["FOLIO_NOW": ws.now]))
        expectSuccess(try ws.folio(as: "R01", ["graduate", "--grade", "12", "--date", "2025-06-30"], now: Self.sealDay))
        expectSuccess(try ws.folio(as: "R01", ["archive", "seal"], now: Self.sealDay))
        let uploads = try #require(try FileManager.default.contentsOfDirectory(atPath: usb).first { $0.hasPrefix("uploads-") })
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "R01", ["bundle", "import", usb + "/" + uploads], now: "2025-07-02T09:00"),
                          naming: ["111002", "sealed"], workspace: ws, unchangedFrom: before)
        // A replica that hears of the sealing keeps verifying: only the hub holds archive/.
        expectSuccess(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", usb], now: "2025-07-02T09:00"))
        let later = try #require(try FileManager.default.contentsOfDirectory(atPath: usb).filter { $0.hasPrefix("update-") }.sorted().last)
        expectSuccess(try FolioRunner.run(["bundle", "import", usb + "/" + later, "--workspace", kiosk, "--as", "KIOSK1", "--key", ws.key("KIOSK1")],
                                          env: ["FOLIO_NOW": "2025-07-02T10:00"]))
        let verify = try FolioRunner.run(["verify", "--workspace", kiosk])
        #expect(verify.succeeded, "\(verify)")
    }
}
