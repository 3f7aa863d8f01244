import FolioCore
import FolioTestSupport
import Foundation
import Testing

/// The attacks of the threat model (Docs/architecture.md), each tried with nothing but folio itself, as a
/// person holding a found USB stick, a stolen key or a kiosk would. Each must be refused with a clear
/// message and a non-zero exit, and leave the workspace byte for byte as it was.
@Suite struct TrustAttackTests {
    /// A refusal (exit 1, `error:` and `hint:`, every word named) that changed nothing.
    func expectRefused(_ r: FolioResult, naming words: [String], before: TreeSnapshot, after: TreeSnapshot,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!r.signalled && r.status == 1, "expected exit 1: \(r)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains("error: ") && r.stderr.contains("\nhint: "), "no error and hint: \(r)", sourceLocation: sourceLocation)
        for word in words {
            #expect(r.stderr.localizedCaseInsensitiveContains(word), "the message should say \(word): \(r.stderr)", sourceLocation: sourceLocation)
        }
        #expect(after == before, "the refused command changed the workspace:\n\(after.differences(from: before))",
                sourceLocation: sourceLocation)
    }

    func only(_ dir: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        guard names.count == 1 else { throw FolioHarnessError("expected one file in \(dir): \(names)") }
        return dir + "/" + names[0]
    }

    func mkdir(_ path: String) throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }

    // MARK: a pinned root

    /// Someone founds "the same school" (999901) under a root key of their own, with a clock set to 2020,
    /// and writes a school update: neither `bundle import`, `sync`, nor a replica joining from it takes it.
    @Test func aSchoolFoundedUnderAnotherRootIsRefusedByImportSyncAndJoin() throws {
        let ws = try SampleCopy()
        let attacker = ws.scratch("attacker"), key = ws.scratch("attacker-root.key"), stick = ws.scratch("stick")
        try mkdir(stick)
        let old = ["FOLIO_NOW": "2020-01-01T09:00"]
        expectSuccess(try FolioRunner.run(["key", "new", "--id", "root", "--out", key, "--demo-only"]))
        expectSuccess(try FolioRunner.run(["init", "--dir", attacker, "--school", "999901", "--name", "假冒高中", "--key", key, "--demo"], env: old))
        // The update is sealed to the school's registration clerk, whose public keys anyone who saw them can register.
        expectSuccess(try FolioRunner.run(["staff", "add", "R01", "--name", "周文華", "--office", "registration", "--public-key", ws.key("R01"),
                                           "--as", "root", "--key", key, "--workspace", attacker], env: old))
        expectSuccess(try FolioRunner.run(["bundle", "export", "--kind", "school-update", "--out", stick, "--as", "root", "--key", key,
                                           "--workspace", attacker], env: old))
        let forged = try only(stick)
        let before = try ws.snapshot()
        for args in [["bundle", "import", forged], ["bundle", "verify", forged], ["sync", stick]] {
            expectRefused(try ws.folio(as: "R01", args), naming: ["another root", ws.rootFingerprint], before: before, after: try ws.snapshot())
        }
        // A replica told the school's real fingerprint does not start from it, and leaves no folder behind.
        let replica = ws.scratch("replica")
        let joined = try FolioRunner.run(["init", "--dir", replica, "--join", forged, "--as", "R01", "--key", ws.key("R01"),
                                          "--root-fingerprint", ws.rootFingerprint])
        #expect(joined.status == 1 && joined.stderr.contains("not confirmed"), "\(joined)")
        #expect(!FileManager.default.fileExists(atPath: replica))
    }

    /// The forged founding record copied straight into school/events: the fold keeps it out and
    /// `folio verify` fails, naming it, instead of saying "all consistent".
    @Test func aForeignFoundingRecordOnDiskIsHeldOutAndVerifyFails() throws {
        let ws = try SampleCopy()
        let attacker = ws.scratch("attacker"), key = ws.scratch("attacker-root.key")
        expectSuccess(try FolioRunner.run(["key", "new", "--id", "root", "--out", key, "--demo-only"]))
        expectSuccess(try FolioRunner.run(["init", "--dir", attacker, "--school", "999901", "--name", "假冒高中", "--key", key, "--demo"],
                                          env: ["FOLIO_NOW": "2020-01-01T09:00"]))
        let record = try only(attacker + "/school/events")
        try FileManager.default.copyItem(atPath: record, toPath: ws.path("school/events/" + (record as NSString).lastPathComponent))
        let status = expectSuccess(try ws.folio(["staff", "list"]))
        #expect(status.stdout.contains("王建國"), "the school's own people are still there: \(status)")
        let verify = try ws.folio(["verify"])
        #expect(verify.status == 1 && verify.stdout.contains("another root"), "\(verify)")
    }

    /// Someone who kept the old root key, after the school replaced it, signs a replacement of their own
    /// dated before the school's: neither the office nor a kiosk that already follows the new root takes it.
    @Test func anOldRootCannotTakeTheSchoolBackAfterItWasReplaced() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let thief = try ws.sibling()
        let stick = ws.scratch("stick"), kiosk = ws.scratch("kiosk"), theirs = ws.scratch("theirs")
        try mkdir(stick)
        try mkdir(theirs)
        expectSuccess(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", stick]))
        expectSuccess(try FolioRunner.run(["init", "--dir", kiosk, "--join", try only(stick), "--as", "KIOSK1", "--key", ws.key("KIOSK1"),
                                           "--root-fingerprint", ws.rootFingerprint], env: ["FOLIO_NOW": "2025-01-08T13:00"]))
        try FileManager.default.removeItem(atPath: try only(stick))
        let newRoot = ws.scratch("new-root.key"), theirRoot = ws.scratch("their-root.key")
        expectSuccess(try FolioRunner.run(["key", "new", "--id", "root", "--out", newRoot, "--demo-only"]))
        expectSuccess(try FolioRunner.run(["key", "new", "--id", "root", "--out", theirRoot, "--demo-only"]))
        expectSuccess(try ws.folio(as: "root", ["root", "replace", "--new-public-key", newRoot + ".pub", "--reason", "更換", "--yes"],
                                   now: "2025-01-08T14:00"))
        expectSuccess(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", stick], now: "2025-01-08T14:00"))
        expectSuccess(try FolioRunner.run(["sync", stick, "--workspace", kiosk, "--as", "KIOSK1", "--key", ws.key("KIOSK1")],
                                          env: ["FOLIO_NOW": "2025-01-08T14:05"]))
        // The thief's copy: a replacement of their own, dated half an hour before the school's.
        expectSuccess(try thief.folio(as: "root", ["root", "replace", "--new-public-key", theirRoot + ".pub", "--reason", "偽造", "--yes"],
                                      now: "2025-01-08T13:30"))
        expectSuccess(try thief.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", theirs],
                                      now: "2025-01-08T13:30"))
        let forged = try only(theirs)
        let kioskBefore = try TreeSnapshot(of: URL(fileURLWithPath: kiosk))
        let r = try FolioRunner.run(["bundle", "import", forged, "--workspace", kiosk, "--as", "KIOSK1", "--key", ws.key("KIOSK1")],
                                    env: ["FOLIO_NOW": "2025-01-08T15:00"])
        expectRefused(r, naming: ["move the school root away"], before: kioskBefore, after: try TreeSnapshot(of: URL(fileURLWithPath: kiosk)))
        // The kiosk still follows the school's new root.
        let pub = try #require(KeyFile.publicKey(in: Array(try Data(contentsOf: URL(fileURLWithPath: newRoot + ".pub")))))
        let shown = try FolioRunner.run(["root", "show", "--workspace", kiosk])
        #expect(shown.stdout.contains("Current school root") && shown.stdout.contains(RootFingerprint.of(pub)), "\(shown)")
    }

    // MARK: time a signer cannot forge

    /// After the revocation, T001's key signs nothing on the office machine, whatever date the clock claims.
    @Test func aRevokedKeySignsNothingEvenWithTheClockTurnedBack() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        expectSuccess(try ws.folio(as: "root", ["key", "revoke", "--public-key", ws.key("T001"), "--reason", "筆電遺失", "--yes"]))
        let before = try ws.snapshot()
        let r = try ws.folio(as: "T001", ["certify", "112020", "abf0f468ae"], now: "2025-01-02T09:00")
        expectRefused(r, naming: ["revoked", "T001"], before: before, after: try ws.snapshot())
    }

    /// The sample office at 2025-01-08 12:00, and T001's laptop started from the certification request it
    /// wrote on the stick.
    func t001sLaptop() throws -> (office: SampleCopy, stick: String, laptop: String) {
        let ws = try SampleCopy(now: "2025-01-08T12:00")
        let stick = ws.scratch("stick"), laptop = ws.scratch("laptop")
        try mkdir(stick)
        expectSuccess(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", stick]))
        expectSuccess(try FolioRunner.run(["init", "--dir", laptop, "--join", try only(stick), "--as", "T001", "--key", ws.key("T001"),
                                           "--root-fingerprint", ws.rootFingerprint], env: ["FOLIO_NOW": "2025-01-08T12:00"]))
        return (ws, stick, laptop)
    }

    /// A laptop stolen with T001's key: the thief certifies on it with its clock before the revocation and
    /// brings the stick to the office. The office never held those records before the revocation, so the
    /// bundle is refused, by import and by sync.
    @Test func aBackdatedBundleFromARevokedKeyIsRefusedAtTheOffice() throws {
        let (ws, stick, laptop) = try t001sLaptop()
        expectSuccess(try ws.folio(as: "root", ["key", "revoke", "--public-key", ws.key("T001"), "--reason", "筆電被竊", "--yes"],
                                   now: "2025-01-08T13:00"))
        let thief = ["FOLIO_NOW": "2025-01-08T12:30"]
        expectSuccess(try FolioRunner.run(["certify", "112020", "abf0f468ae", "--workspace", laptop, "--as", "T001", "--key", ws.key("T001")], env: thief))
        expectSuccess(try FolioRunner.run(["sync", stick, "--workspace", laptop, "--as", "T001", "--key", ws.key("T001")], env: thief))
        let certs = try #require(try FileManager.default.contentsOfDirectory(atPath: stick).first { $0.hasPrefix("certs-") })
        let before = try ws.snapshot()
        for args in [["bundle", "import", stick + "/" + certs], ["sync", stick]] {
            expectRefused(try ws.folio(as: "R01", args, now: "2025-01-08T14:00"), naming: ["revoked", "whatever date"], before: before,
                          after: try ws.snapshot())
        }
        #expect(try ws.item("112020", "abf0f468ae").string("status") == "uploaded")
    }

    /// A laptop whose clock is turned back into the certification window (it closed on 2025-02-10): the
    /// office judges the window on when it received the record, with two weeks' grace, so a certification
    /// dated 02-09 is taken in on 02-20 and held back on 03-01.
    @Test func aCertificationBackdatedIntoAClosedWindowIsJudgedOnItsArrival() throws {
        let (ws, stick, laptop) = try t001sLaptop()
        let onLaptop = ["FOLIO_NOW": "2025-02-09T20:00"]
        expectSuccess(try FolioRunner.run(["certify", "112020", "abf0f468ae", "--workspace", laptop, "--as", "T001", "--key", ws.key("T001")], env: onLaptop))
        expectSuccess(try FolioRunner.run(["sync", stick, "--workspace", laptop, "--as", "T001", "--key", ws.key("T001")], env: onLaptop))
        // The same office, as a second copy: once on time, once too late.
        let late = try ws.sibling()
        // On time (11 days later): taken in.
        expectSuccess(try ws.folio(as: "R01", ["sync", stick], now: "2025-02-20T09:00"))
        #expect(try ws.item("112020", "abf0f468ae").string("status") == "certified")
        // Too late (20 days later, long after the window closed): held back, said why, and nothing of it landed.
        let r = expectSuccess(try late.folio(as: "R01", ["sync", stick], now: "2025-03-01T09:00"))
        #expect(r.stdout.contains("reached the office only on"), "\(r)")
        #expect(try late.item("112020", "abf0f468ae").string("status") == "uploaded")
        try expectVerifies(late, "after holding a late record back")
    }

    /// A grade recorded on a machine whose clock said 2030 no longer drags the student's next records to
    /// 2030: the upload made today is dated today, and accepted.
    @Test func aRecordFrom2030DoesNotDragTheNextRecordsThere() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        expectSuccess(try ws.folio(as: "R01", ["record", "grade", "112002", "--term", "113-1", "--field", "subject=物理",
                                               "--field", "credits=2", "--field", "score=90"], now: "2030-01-01T09:00"))
        let id = try ws.upload(student: "112002", course: "PHY-11A", description: "光學實驗", assets: ["physics-lab-report.pdf"])
        #expect(try ws.item("112002", id).string("uploadedAt") == "2025-01-08T05:00:00Z")
    }

    /// A kiosk whose clock runs an hour ahead: the office holds its upload back (the report says why) rather
    /// than take a record dated in its future.
    @Test func aRecordDatedInTheFutureIsHeldBackWhenItArrives() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let stick = ws.scratch("stick"), kiosk = ws.scratch("kiosk")
        try mkdir(stick)
        expectSuccess(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", stick]))
        expectSuccess(try FolioRunner.run(["init", "--dir", kiosk, "--join", try only(stick), "--as", "KIOSK1", "--key", ws.key("KIOSK1"),
                                           "--root-fingerprint", ws.rootFingerprint], env: ["FOLIO_NOW": "2025-01-08T13:00"]))
        let ahead = ["FOLIO_NOW": "2025-01-08T14:00"]
        let add = try FolioRunner.run(SampleCopy.addArguments(student: "112002", term: "113-1", course: "PHY-11A", description: "未來的報告",
                                                              files: [ws.asset("physics-lab-report.pdf")]) + ["--workspace", kiosk],
                                      env: ahead.merging(["FOLIO_STUDENT_SECRET": ws.secret("112002")]) { $1 })
        expectSuccess(add)
        expectSuccess(try FolioRunner.run(["sync", stick, "--workspace", kiosk, "--as", "KIOSK1", "--key", ws.key("KIOSK1")], env: ahead))
        let r = expectSuccess(try ws.folio(as: "R01", ["sync", stick], now: "2025-01-08T13:00"))
        #expect(r.stdout.contains("after this computer's clock"), "\(r)")
        #expect(try ws.items("112002").allSatisfy { $0.string("description") != "未來的報告" })
        try expectVerifies(ws, "after holding a record back")
    }

    /// In a real school, a clock turned back before the signer's own newest record, or run half a year past
    /// the school's newest record, signs nothing: no record silently takes another date, and none is dated
    /// in 2030 for everyone after it to follow.
    @Test func aRealSchoolsClockTurnedBackOrFarAheadSignsNothing() throws {
        let school = try RealSchool()
        expectSuccess(try school.folio(["student", "secret", RealSchool.student], as: "R01"))
        let before = try school.snapshot()
        expectRefused(try school.folio(["student", "secret", RealSchool.student], as: "R01", faketime: ["-f", "-30d"]),
                      naming: ["turned back"], before: before, after: try school.snapshot())
        expectRefused(try school.folio(["course", "add", "CHE-A", "--name", "化學", "--term", "115-1", "--teacher", "T001"], as: "I01",
                                       faketime: ["-f", "+400d"]),
                      naming: ["newest record the school holds"], before: before, after: try school.snapshot())
    }

    /// A signer who turns the clock back cannot date a record before their own earlier ones, even in another
    /// student's folder: the machine remembers the newest moment each key signed there.
    @Test func aSignerCannotDateARecordBeforeTheirOwnEarlierOnes() throws {
        let school = try RealSchool()
        let roster = school.path("more.csv")
        try "學號,姓名,身分證號,出生日期,班級,年級,通訊地址,狀態\n115002,另一生,F131104093,0980202,101,10,臺北市虛構區,在學\n"
            .write(toFile: roster, atomically: true, encoding: .utf8)
        expectSuccess(try school.folio(["roster", "import", "students", roster, "--apply"], as: "R01", faketime: ["-f", "+3h"]))
        let before = try school.snapshot()
        // Now, three hours earlier than R01's last record, in 115001's folder where R01's newest is older.
        expectRefused(try school.folio(["student", "secret", RealSchool.student], as: "R01"), naming: ["turned back"],
                      before: before, after: try school.snapshot())
    }

    /// A clock turned back a couple of days, in a real school, cannot sign behind the school's own records: a
    /// seal or graduation dated years back would end a five-year retention years early.
    @Test func aRealSchoolsClockBehindItsRecordsSignsNothing() throws {
        let school = try RealSchool()
        let before = try school.snapshot()
        // IT1 has signed nothing yet, so only the school's other records show the clock is wrong.
        expectRefused(try school.folio(["staff", "away", "T001", "--status", "on-leave", "--from", "2026-01-05"], as: "IT1",
                                       faketime: ["-f", "-2d"]),
                      naming: ["clock is behind"], before: before, after: try school.snapshot())
    }

    /// `"demo": true` typed into a real school's folio.json changes nothing: FOLIO_NOW is still refused and
    /// students' secrets are still random and dear, because the school's signed founding record says it is
    /// not a demo school.
    @Test func aDemoMarkWrittenIntoFolioJsonChangesNothing() throws {
        let school = try RealSchool()
        let config = school.root + "/folio.json"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try text.replacingOccurrences(of: "{\n", with: "{\n  \"demo\" : true,\n").write(toFile: config, atomically: true, encoding: .utf8)
        let before = try school.snapshot()
        expectRefused(try school.folio(["status"], env: ["FOLIO_NOW": "2030-01-01T09:00"]), naming: ["FOLIO_NOW", "real school"],
                      before: before, after: try school.snapshot())
        let issued = expectSuccess(try school.folio(["student", "secret", RealSchool.student, "--json"], as: "R01"))
        let secret = try #require((try JSONSerialization.jsonObject(with: issued.stdoutData) as? [[String: Any]])?.first?["secret"] as? String)
        #expect(secret != StudentSecret.demo(school: RealSchool.code, student: RealSchool.student))
        let events = try FileManager.default.contentsOfDirectory(atPath: school.root + "/students/\(RealSchool.student)/events")
        let keys = try events.map { try String(contentsOfFile: school.root + "/students/\(RealSchool.student)/events/" + $0, encoding: .utf8) }
            .filter { $0.contains("\"student.key\"") }
        #expect(keys.count == 1 && keys[0].contains("\"logN\":16"), "\(keys)")
    }

    /// A kiosk that has not yet heard of a reset still takes the old secret; the office does not.
    @Test func aRecordSignedWithAResetSecretIsRefusedAtTheOffice() throws {
        let school = try RealSchool()
        let stick = school.path("stick"), kiosk = school.path("kiosk")
        try mkdir(stick)
        func secret(_ r: FolioResult) throws -> String {
            try #require((try JSONSerialization.jsonObject(with: r.stdoutData) as? [[String: Any]])?.first?["secret"] as? String)
        }
        let old = try secret(expectSuccess(try school.folio(["student", "secret", RealSchool.student, "--json"], as: "R01")))
        expectSuccess(try school.folio(["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", stick], as: "IT1"))
        expectSuccess(try school.folio(["init", "--dir", kiosk, "--join", try only(stick),
                                        "--root-fingerprint", try school.rootFingerprint()], as: "KIOSK1", workspace: false))
        _ = try secret(expectSuccess(try school.folio(["student", "secret", RealSchool.student, "--json"], as: "R01")))
        let add = SampleCopy.addArguments(student: RealSchool.student, term: "115-1", course: "PHY-A", description: "舊密碼的報告",
                                          files: [SampleCopy.sampleURL().appendingPathComponent("assets/physics-lab-report.pdf").path])
        expectSuccess(try school.folio(add + ["--workspace", kiosk], env: ["FOLIO_STUDENT_SECRET": old], workspace: false))
        expectSuccess(try school.folio(["sync", stick, "--workspace", kiosk, "--as", "KIOSK1", "--key", school.key("KIOSK1")], workspace: false))
        let before = try school.snapshot()
        expectRefused(try school.folio(["sync", stick], as: "R01"), naming: ["reset"], before: before, after: try school.snapshot())
    }

    // MARK: revocation

    @Test func revokingAnythingButARegisteredKeyIsRefused() throws {
        let ws = try SampleCopy()
        let stranger = ws.scratch("stranger.key")
        expectSuccess(try FolioRunner.run(["key", "new", "--id", "T009", "--out", stranger, "--demo-only"]))
        let before = try ws.snapshot()
        let cases: [([String], [String])] = [
            (["--public-key", "not-a-key"], ["neither a key file nor a public key"]),
            (["--public-key", ws.scratch("no-such.key")], ["neither a key file nor a public key"]),
            (["--public-key", stranger + ".pub"], ["no person or device"]),
            (["--public-key", ws.key("root"), "--yes"], ["root key"]),
            (["--public-key", ws.key("T001")], ["T001", "not confirmed"]),
        ]
        for (args, words) in cases {
            let r = try ws.folio(as: "root", ["key", "revoke", "--reason", "test"] + args)
            expectRefused(r, naming: words, before: before, after: try ws.snapshot())
        }
    }

    // MARK: students prove who they are

    /// At a kiosk, a classmate's secret or the kiosk's own key cannot upload, select or confirm for 112002.
    @Test func oneStudentCannotActForAnotherAtAKiosk() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let mine = try ws.upload(student: "112001", course: "PHY-11A", description: "我的報告", assets: ["physics-lab-report.pdf"])
        let upload = SampleCopy.addArguments(student: "112002", term: "113-1", course: "PHY-11A", description: "代傳",
                                             files: [ws.asset("physics-lab-report.pdf")])
        let before = try ws.snapshot()
        let classmate = ["FOLIO_STUDENT_SECRET": ws.secret("112001")]
        expectRefused(try ws.folio(upload, env: classmate), naming: ["not 112002's"], before: before, after: try ws.snapshot())
        expectRefused(try ws.folio(as: "KIOSK1", upload), naming: ["only the student"], before: before, after: try ws.snapshot())
        expectRefused(try ws.folio(as: "KIOSK1", ["select", "112001", "fcddaa8f53"]), naming: ["only the student"],
                      before: before, after: try ws.snapshot())
        expectRefused(try ws.folio(["unselect", "112001", "fcddaa8f53"], env: ["FOLIO_STUDENT_SECRET": ws.secret("112002")]),
                      naming: ["not 112001's"], before: before, after: try ws.snapshot())
        expectRefused(try ws.folio(["unselect", "112001", mine], env: ["FOLIO_STUDENT_SECRET": "ABCDE-FGHJK"]),
                      naming: ["not 112001's"], before: before, after: try ws.snapshot())
    }

    /// The registration section resets a forgotten secret: the new one works, the old one no longer does.
    @Test func aResetSecretReplacesTheOldOneInARealSchool() throws {
        let school = try RealSchool()
        let issued = expectSuccess(try school.folio(["student", "secret", RealSchool.student, "--json"], as: "R01"))
        let first = try #require((try JSONSerialization.jsonObject(with: issued.stdoutData) as? [[String: Any]])?.first?["secret"] as? String)
        let add = SampleCopy.addArguments(student: RealSchool.student, term: "115-1", course: "PHY-A", description: "物理報告",
                                          files: [SampleCopy.sampleURL().appendingPathComponent("assets/physics-lab-report.pdf").path])
        expectSuccess(try school.folio(add, env: ["FOLIO_STUDENT_SECRET": first]))
        let slips = school.path("slips.txt")
        expectSuccess(try school.folio(["student", "secret", RealSchool.student, "--out", slips], as: "R01"))
        let text = try String(contentsOfFile: slips, encoding: .utf8)
        #expect(text.contains("重新設定") && !text.contains(first), "\(text)")
        var st = stat()
        #expect(stat(slips, &st) == 0 && st.st_mode & 0o077 == 0, "the slips are readable by the clerk alone")
        let before = try school.snapshot()
        let again = SampleCopy.addArguments(student: RealSchool.student, term: "115-1", course: "PHY-A", description: "第二份",
                                            files: [SampleCopy.sampleURL().appendingPathComponent("assets/history-essay.pdf").path])
        expectRefused(try school.folio(again, env: ["FOLIO_STUDENT_SECRET": first]), naming: ["not \(RealSchool.student)'s"],
                      before: before, after: try school.snapshot())
    }

    /// In the demo school too, a reset issues another secret (published, like the first) and the first stops working.
    @Test func aResetInTheDemoSchoolIssuesANewSecret() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let published = ws.secret("112001")
        let r = expectSuccess(try ws.folio(as: "R01", ["student", "secret", "112001", "--json"]))
        let fresh = try #require((try JSONSerialization.jsonObject(with: r.stdoutData) as? [[String: Any]])?.first?["secret"] as? String)
        #expect(fresh != published && fresh == StudentSecret.demo(school: "999901", student: "112001", issue: 1))
        let before = try ws.snapshot()
        let add = SampleCopy.addArguments(student: "112001", term: "113-1", course: "PHY-11A", description: "舊密碼",
                                          files: [ws.asset("physics-lab-report.pdf")])
        expectRefused(try ws.folio(add, env: ["FOLIO_STUDENT_SECRET": published]), naming: ["not 112001's"], before: before,
                      after: try ws.snapshot())
    }

    // MARK: keys at rest, demo keys, FOLIO_NOW and test hooks

    @Test func aKeyFileOthersCanReadIsRefused() throws {
        let school = try RealSchool()
        chmod(school.key("R01"), 0o644)
        let before = try school.snapshot()
        expectRefused(try school.folio(["student", "secret", RealSchool.student], as: "R01"), naming: ["other users", "chmod 600"],
                      before: before, after: try school.snapshot())
    }

    @Test func newKeyFilesAreSealedAndPrivateFromTheirFirstByte() throws {
        let school = try RealSchool()
        // Without the debug build's cost hook, a key file costs 2^17 rounds of scrypt to open.
        let strong = school.path("strong.key")
        expectSuccess(try school.folio(["key", "new", "--id", "T002", "--out", strong], workspace: false))
        #expect(try String(contentsOfFile: strong, encoding: .utf8).contains("\"logN\" : 17"))
        let text = try String(contentsOfFile: school.key("T001"), encoding: .utf8)
        #expect(text.contains("folio-key/2") && !text.contains("privateKey"), "\(text)")
        var st = stat()
        #expect(stat(school.key("T001"), &st) == 0 && st.st_mode & 0o777 == 0o600)
        // A wrong passphrase opens nothing.
        let before = try school.snapshot()
        expectRefused(try school.folio(["student", "secret", RealSchool.student], as: "R01", env: ["FOLIO_PASSPHRASE": "wrong passphrase"]),
                      naming: ["passphrase", "wrong"], before: before, after: try school.snapshot())
    }

    /// A key kept in plain text (folio-key/1) is refused until `folio key protect` seals it.
    @Test func aPlainTextKeyIsRefusedUntilProtected() throws {
        let school = try RealSchool()
        let plain = school.path("R01-plain.key")
        try Data(try school.plainKeyFile("R01")).write(to: URL(fileURLWithPath: plain))
        chmod(plain, 0o600)
        let before = try school.snapshot()
        let r = try school.folio(["student", "secret", RealSchool.student, "--as", "R01", "--key", plain])
        expectRefused(r, naming: ["plain text", "key protect"], before: before, after: try school.snapshot())
        expectSuccess(try school.folio(["key", "protect", plain], workspace: false))
        expectSuccess(try school.folio(["student", "secret", RealSchool.student, "--as", "R01", "--key", plain]))
    }

    /// The sample's keys are published: no real school is founded with one, registers one, or signs with one
    /// (even a copy with its demo mark taken out).
    @Test func aPublishedDemoKeyIsRefusedByARealSchool() throws {
        let school = try RealSchool()
        let sampleKeys = SampleCopy.sampleURL().appendingPathComponent("keys").path
        let other = school.path("other")
        let founded = try school.folio(["init", "--dir", other, "--school", "999904", "--name", "別校", "--key", sampleKeys + "/root.key"],
                                       env: ["FOLIO_PASSPHRASE": DemoKeys.passphrase], workspace: false)
        #expect(founded.status == 1 && founded.stderr.contains("published demo key"), "\(founded)")
        #expect(!FileManager.default.fileExists(atPath: other + "/folio.json"))
        let before = try school.snapshot()
        expectRefused(try school.folio(["staff", "add", "T002", "--name", "王老師", "--office", "course-teacher",
                                        "--public-key", sampleKeys + "/T002.key"], as: "root"),
                      naming: ["published demo key"], before: before, after: try school.snapshot())
        let stripped = school.path("R01-stripped.key")
        let sample = try String(contentsOfFile: sampleKeys + "/R01.key", encoding: .utf8)
        try sample.replacingOccurrences(of: "\"demoOnly\" : true,\n", with: "").write(toFile: stripped, atomically: true, encoding: .utf8)
        chmod(stripped, 0o600)
        expectRefused(try school.folio(["student", "secret", RealSchool.student, "--as", "R01", "--key", stripped],
                                       env: ["FOLIO_PASSPHRASE": DemoKeys.passphrase]),
                      naming: ["published demo key"], before: before, after: try school.snapshot())
    }

    /// A real school's clock is the computer's: FOLIO_NOW is refused, and the test hooks do nothing.
    @Test func FOLIO_NOWAndTheTestHooksDoNothingInARealSchool() throws {
        let school = try RealSchool()
        let before = try school.snapshot()
        expectRefused(try school.folio(["status"], env: ["FOLIO_NOW": "2030-01-01T09:00"]), naming: ["FOLIO_NOW", "real school"],
                      before: before, after: try school.snapshot())
        let r = try school.folio(["course", "add", "CHE-A", "--name", "化學", "--term", "115-1", "--teacher", "T001"], as: "I01",
                                 env: ["FOLIO_CRASH_AT": "1"])
        #expect(r.succeeded, "the crash hook must not work in a real school: \(r)")
        #expect(try school.snapshot() != before)
    }

    /// Five years are not shortened by any clock: FOLIO_NOW is refused, and a computer clock set years
    /// ahead is caught against the school's own newest records.
    @Test func anArchiveCannotBePurgedEarlyByAnyClock() throws {
        let school = try RealSchool()
        let before = try school.snapshot()
        expectRefused(try school.folio(["archive", "purge"], as: "R01", env: ["FOLIO_NOW": "2033-01-01T09:00"]),
                      naming: ["FOLIO_NOW"], before: before, after: try school.snapshot())
        expectRefused(try school.folio(["archive", "purge"], as: "R01", faketime: ["-f", "+2500d"]),
                      naming: ["clock", "newest record"], before: before, after: try school.snapshot())
    }

    // MARK: transfers

    /// A transfer rewritten with a second school's founding record (and a person registered under it) is
    /// refused whole, even under the sending school's right fingerprint.
    @Test func aTransferCarryingTwoFoundingRecordsIsRefused() throws {
        let ws = try SampleCopy(now: "2025-08-20T09:00")
        let usb = ws.scratch("usb"), forgedDir = ws.scratch("forged")
        try mkdir(usb)
        try mkdir(forgedDir)
        // Sealed for the sending clerk's own key here, so that the forger (who holds it) can read it; the forgery
        // itself travels as a plain bundle.
        expectSuccess(try ws.folio(as: "R01", ["transfer", "out", "112001", "--out", usb, "--for-key", ws.key("R01")]))
        let plain = ws.scratch("plain-transfer.tar")
        try SealedBundleReader.writePlainBundle(try only(usb), as: "R01", keys: ws.path("keys"), to: plain)
        let clerk = try SampleHubForgery(ws).identity("R01")
        let bytes = try TransferForgery.withSecondFounding(transfer: plain, school: "999901",
                                                           sender: BundleParty(replica: "hub-d3668f7e", person: "R01"), signer: clerk,
                                                           at: Instant(iso: "2025-08-20T09:00")!)
        let forged = forgedDir + "/transfer-hub-d3668f7e-20250820-0009.tar"
        try Data(bytes).write(to: URL(fileURLWithPath: forged))
        let school = try RealSchool()
        let before = try school.snapshot()
        expectRefused(try school.folio(["transfer", "in", forged, "--student", RealSchool.student, "--root-fingerprint", ws.rootFingerprint],
                                       as: "R01"),
                      naming: ["different school roots"], before: before, after: try school.snapshot())
    }

    /// A portfolio from another school is taken in only under the root fingerprint that school gave.
    @Test func aTransferUnderAnUnknownRootIsRefused() throws {
        let ws = try SampleCopy(now: "2025-08-20T09:00")
        let usb = ws.scratch("usb")
        try mkdir(usb)
        let school = try RealSchool()
        expectSuccess(try ws.folio(as: "R01", ["transfer", "out", "112001", "--out", usb, "--for-key", school.key("R01") + ".pub"]))
        let bundle = try only(usb)
        let before = try school.snapshot()
        expectRefused(try school.folio(["transfer", "in", bundle, "--student", RealSchool.student], as: "R01"),
                      naming: ["root fingerprint"], before: before, after: try school.snapshot())
        expectRefused(try school.folio(["transfer", "in", bundle, "--student", RealSchool.student, "--root-fingerprint", "0000 1111 2222 3333"],
                                       as: "R01"),
                      naming: ["forged", ws.rootFingerprint], before: before, after: try school.snapshot())
    }
}
