import FolioTestSupport
import Foundation
import Testing

/// A student moves from the sample school (999901) to a second school made from scratch in the test.
@Suite struct TransferTests {
    /// School 999902 with a registration clerk RB1, and 112001 registered there as 114051.
    func secondSchool(_ ws: SampleCopy) throws -> (dir: String, key: String) {
        let dir = ws.scratch("school-b"), root = ws.scratch("rootB.key"), key = ws.scratch("RB1.key")
        let env = ["FOLIO_NOW": ws.now]
        // Another demo school: its clock follows FOLIO_NOW like the sample's.
        expectSuccess(try FolioRunner.run(["key", "new", "--id", "root", "--out", root, "--demo-only"], env: env))
        expectSuccess(try FolioRunner.run(["key", "new", "--id", "RB1", "--out", key, "--demo-only"], env: env))
        expectSuccess(try FolioRunner.run(["init", "--dir", dir, "--school", "999902", "--name", "範例第二高中", "--key", root, "--demo"], env: env))
        expectSuccess(try FolioRunner.run(["staff", "add", "RB1", "--name", "註冊組長", "--office", "registration", "--public-key", key,
                                           "--workspace", dir, "--as", "root", "--key", root], env: env))
        let roster = try String(contentsOfFile: ws.path("roster/students.csv"), encoding: .utf8)
        let row = try #require(roster.split(whereSeparator: \.isNewline).first { $0.hasPrefix("112001,") })
        let fields = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let csv = ws.scratch("roster-b.csv")
        try ("學號,姓名,身分證號,出生日期,班級,年級,原就讀學校\n114051,\(fields[1]),\(fields[2]),\(fields[3]),201,11,999901\n")
            .write(toFile: csv, atomically: true, encoding: .utf8)
        expectSuccess(try FolioRunner.run(["roster", "import", "students", csv, "--apply", "--workspace", dir, "--as", "RB1", "--key", key], env: env))
        return (dir, key)
    }

    /// 112001's transfer, sealed for the holder of `readerKey` (a key file or its .pub), in the folder `stick`.
    func transferBundle(_ ws: SampleCopy, for readerKey: String, stick: String = "usb") throws -> String {
        let usb = ws.scratch(stick)
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        expectSuccess(try ws.folio(as: "R01", ["transfer", "out", "112001", "--out", usb, "--for-key", readerKey]))
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: usb).first { $0.hasPrefix("transfer-") })
        return usb + "/" + name
    }

    /// The new school reads out the fingerprint `folio key new` printed; the sending clerk hears the same one
    /// from `transfer out`, and a .pub swapped on the way would show another.
    @Test func theSendingClerkSeesTheFingerprintTheNewSchoolReadsOut() throws {
        let ws = try SampleCopy()
        let key = ws.scratch("RB1.key"), other = ws.scratch("EVIL.key")
        let made = expectSuccess(try FolioRunner.run(["key", "new", "--id", "RB1", "--out", key, "--demo-only"], env: ["FOLIO_NOW": ws.now]))
        expectSuccess(try FolioRunner.run(["key", "new", "--id", "RB1", "--out", other, "--demo-only"], env: ["FOLIO_NOW": ws.now]))
        let line = try #require(made.stdout.split(separator: "\n").first { $0.hasPrefix("Encryption key fingerprint: ") })
        let fingerprint = String(line.dropFirst("Encryption key fingerprint: ".count))
        #expect(fingerprint.count == 19, "\(fingerprint)")
        let usb = ws.scratch("usb")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        let sent = expectSuccess(try ws.folio(as: "R01", ["transfer", "out", "112001", "--out", usb, "--for-key", key + ".pub"]))
        #expect(sent.stderr.contains("fingerprint \(fingerprint)"), "\(sent)")
        try FileManager.default.createDirectory(atPath: ws.scratch("usb2"), withIntermediateDirectories: true)
        let swapped = expectSuccess(try ws.folio(as: "R01", ["transfer", "out", "112001", "--out", ws.scratch("usb2"), "--for-key", other + ".pub"]))
        #expect(!swapped.stderr.contains(fingerprint), "\(swapped)")
    }

    func status(_ dir: String, _ student: String) throws -> [String: Any] {
        let r = try FolioRunner.run(["status", student, "--json", "--workspace", dir])
        return try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any] ?? [:]
    }

    @Test func earlierItemsArriveTaggedWithTheirSchoolTermAndCourse() throws {
        let ws = try SampleCopy(now: "2025-08-20T09:00")
        let before = try ws.items("112001")
        let b = try secondSchool(ws)
        let bundle = try transferBundle(ws, for: b.key + ".pub")
        let r = expectSuccess(try FolioRunner.run(["transfer", "in", bundle, "--student", "114051", "--workspace", b.dir,
                                                   "--root-fingerprint", ws.rootFingerprint, "--as", "RB1", "--key", b.key],
                                                  env: ["FOLIO_NOW": ws.now]))
        #expect(r.stdout.contains("Took in \(before.count) item(s)"), "\(r)")
        let earlier = try status(b.dir, "114051")["earlier"] as? [[String: Any]] ?? []
        #expect(earlier.count == before.count)
        for item in before {
            let moved = try #require(earlier.first { $0["item"] as? String == item.string("id") })
            #expect(moved["school"] as? String == "999901")
            #expect(moved["term"] as? String == item.string("term"))
            #expect(moved["course"] as? String == item.string("course"))
            #expect(moved["status"] as? String == item.string("status"))
            for f in moved["files"] as? [[String: Any]] ?? [] {
                let path = b.dir + "/students/114051/" + (f["path"] as? String ?? "")
                #expect(FileManager.default.fileExists(atPath: path), "\(path)")
            }
        }
        let verify = try FolioRunner.run(["verify", "--workspace", b.dir])
        #expect(verify.succeeded && verify.stdout.contains("all consistent"), "\(verify)")
        // The sending school keeps its own copy: a transfer does not delete anything there.
        #expect(try ws.items("112001").count == before.count)
    }

    @Test func aTransferWithABadHashOrSignatureIsRefusedAndChangesNothing() throws {
        let ws = try SampleCopy(now: "2025-08-20T09:00")
        let b = try secondSchool(ws)
        let bundle = try transferBundle(ws, for: b.key + ".pub")
        let original = try Data(contentsOf: URL(fileURLWithPath: bundle))
        let before = try TreeSnapshot(of: URL(fileURLWithPath: b.dir))
        // A byte in the middle of the archive (in its sealed content) and a byte in its signed envelope.
        for (offset, words) in [(original.count / 2, "sealed content"), (700, "envelope")] {
            var bytes = original
            bytes[offset] ^= 0x20
            let bad = ws.scratch("bad-\(offset).tar")
            try bytes.write(to: URL(fileURLWithPath: bad))
            let r = try FolioRunner.run(["transfer", "in", bad, "--student", "114051", "--workspace", b.dir,
                                         "--root-fingerprint", ws.rootFingerprint, "--as", "RB1", "--key", b.key],
                                        env: ["FOLIO_NOW": ws.now])
            #expect(r.status == 1 && r.stderr.contains("bad-\(offset).tar") && r.stderr.localizedCaseInsensitiveContains(words), "\(r)")
            let after = try TreeSnapshot(of: URL(fileURLWithPath: b.dir))
            #expect(after == before, "\(after.differences(from: before))")
        }
        // Taken in by the sending school itself (a transfer sealed for its own clerk), or as an ordinary bundle: refused.
        let ownBundle = try transferBundle(ws, for: ws.key("R01"), stick: "usb-own")
        let own = try ws.folio(as: "R01", ["transfer", "in", ownBundle, "--student", "112001", "--root-fingerprint", ws.rootFingerprint])
        #expect(own.status == 1 && own.stderr.contains("this school itself"), "\(own)")
        let plain = try FolioRunner.run(["bundle", "import", bundle, "--workspace", b.dir, "--as", "RB1", "--key", b.key])
        #expect(plain.status == 1 && plain.stderr.contains("transfer in"), "\(plain)")
    }
}
