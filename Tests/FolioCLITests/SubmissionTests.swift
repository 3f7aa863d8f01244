import Crypto
import FolioTestSupport
import Foundation
import Testing

/// Submission, receipts and the confirmation period, through the built binary on a copy of the sample.
/// The sample's academic year 113 has selections; from 2025-08-01 it has ended, so every grade is submitted.
@Suite struct SubmissionTests {
    static let after = "2025-08-20T09:00"

    func sha256(_ path: String) throws -> String {
        SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).map { String(format: "%02x", $0) }.joined()
    }

    func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
    }

    func shell(_ command: String) throws -> (status: Int32, out: String) {
        let r = try ToolRunner.run("sh", ["-c", command])
        return (r.status, r.output)
    }

    @Test func packageListsEveryFileWithItsHashAndGNUTarReadsIt() throws {
        let ws = try SampleCopy(now: Self.after)
        let r = expectSuccess(try ws.folio(as: "D01", ["submit", "--office", "data", "--period", "113"]))
        #expect(r.stdout.contains("data-113-1"), "\(r)")
        let package = ws.path("submissions/data-113-1.tar")
        let out = ws.scratch("unpacked")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        #expect(try shell("tar -xf '\(package)' -C '\(out)'").status == 0)
        let index = try json(out + "/index.json")
        let files = try #require(index["files"] as? [[String: Any]])
        #expect(files.count >= 3, "two diverse items and the 名冊 workbook: \(files)")
        for f in files {
            let path = try #require(f["path"] as? String)
            #expect(try sha256(out + "/" + path) == f["sha256"] as? String, "\(path)")
        }
        let workbook = try Data(contentsOf: URL(fileURLWithPath: out + "/02_非學業表現上傳資料/2_學生自填多元表現名冊.xlsx"))
        #expect(Array(workbook.prefix(4)) == [0x50, 0x4B, 0x03, 0x04], "the 名冊 is an .xlsx (a zip container)")
        // The submission is recorded: a receipt per student in their manifest, and nothing to resubmit.
        let receipts = try ws.status("111002")["receipts"] as? [[String: Any]] ?? []
        #expect(receipts.count == 1)
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "D01", ["submit", "--office", "data", "--period", "113"]),
                          naming: ["Nothing changed"], workspace: ws, unchangedFrom: before)
        try expectVerifies(ws, "after the submission")
    }

    @Test func beforeTheYearEndsOnlyGradeTwelveIsSubmitted() throws {
        let ws = try SampleCopy(now: "2025-03-01T09:00")
        let r = try ws.folio(as: "IT1", ["submit", "--office", "it", "--period", "113", "--json"])
        // The sample's grade-12 students have no selected, certified course outcome: nothing to send yet.
        #expect(r.status == 1 && r.stderr.contains("only grade 12"), "\(r)")
    }

    @Test func printedReceiptMasksTheIDAndCheckFindsATamperedCopy() throws {
        let ws = try SampleCopy(now: Self.after)
        expectSuccess(try ws.folio(as: "IT1", ["submit", "--office", "it", "--period", "113"]))
        let out = ws.scratch("print")
        expectSuccess(try ws.folio(["receipt", "print", "--submission", "it-113-1", "--out", out]))
        let html = try String(contentsOfFile: out + "/112001-it-113-1.html", encoding: .utf8)
        let roster = try String(contentsOfFile: ws.path("roster/students.csv"), encoding: .utf8)
        let id = try #require(roster.split(whereSeparator: \.isNewline).first { $0.hasPrefix("112001,") }?.split(separator: ",")[2])
        #expect(!html.contains(id), "the full national ID must not be printed")
        #expect(html.contains(id.prefix(3) + "****" + id.suffix(3)), "the masked ID is printed")
        #expect(html.contains("收訖明細") && html.contains("@page"))

        // The student's own copy of the submitted file matches; a changed copy does not.
        let mine = ws.scratch("mine")
        try FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ws.asset("physics-lab-report.pdf"), toPath: mine + "/physics-lab-report.pdf")
        let receipt = out + "/112001-it-113-1.receipt.json"
        let ok = expectSuccess(try ws.folio(["receipt", "check", receipt, "--files", mine]))
        #expect(ok.stdout.contains("match"), "\(ok)")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: mine + "/physics-lab-report.pdf"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("x".utf8))
        try handle.close()
        let bad = try ws.folio(["receipt", "check", receipt, "--files", mine])
        #expect(bad.status == 1 && bad.stdout.contains("MISMATCH") && bad.stderr.contains("physics-lab-report.pdf"), "\(bad)")

        // A receipt whose lines were edited no longer matches its own code.
        var edited = try String(contentsOfFile: receipt, encoding: .utf8)
        edited = edited.replacingOccurrences(of: "\"size\" : 1627", with: "\"size\" : 1628")
        try edited.write(toFile: receipt, atomically: true, encoding: .utf8)
        let forged = try ws.folio(["receipt", "check", receipt, "--files", mine])
        #expect(forged.status == 1 && forged.stderr.contains("does not match its own code"), "\(forged)")
    }

    @Test func receiptCodeIsTheStartOfSha256sum() throws {
        let ws = try SampleCopy()
        let file = ws.asset("history-essay.pdf")
        let r = expectSuccess(try ws.folio(["receipt", "code", file]))
        let sum = try shell("sha256sum '\(file)'").out.prefix(12)
        let code = r.stdout.prefix(14).replacingOccurrences(of: " ", with: "")
        #expect(code == sum, "\(r.stdout) vs \(sum)")
    }

    @Test func lettersForStudentsWhoLeftCarryTheAddressAndAReplySlip() throws {
        let ws = try SampleCopy(now: Self.after)
        expectSuccess(try ws.folio(as: "R01", ["submit", "--office", "registration", "--period", "113-1"]))
        let out = ws.scratch("letters")
        expectSuccess(try ws.folio(["receipt", "print", "--submission", "registration-113-1-1", "--left", "--out", out]))
        let pages = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".html") }
        #expect(pages == ["111015-registration-113-1-1.html"], "only the student who left: \(pages)")
        let html = try String(contentsOfFile: out + "/" + pages[0], encoding: .utf8)
        #expect(html.contains("回條") && html.contains("臺北市範例區測試大道88號") && html.contains("資料組"))
        let labels = try csvRows(out + "/addresses.csv")
        #expect(labels.count == 2 && labels[1].first == "111015", "\(labels)")
    }

    @Test func confirmationPeriodConfirmDisputeAndDeemedConfirmation() throws {
        let ws = try SampleCopy(now: Self.after)
        expectSuccess(try ws.folio(as: "D01", ["submit", "--office", "data", "--period", "113"]))
        expectSuccess(try ws.folio(as: "IT1", ["submit", "--office", "it", "--period", "113"]))
        var before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "D01", ["confirmation", "open", "--id", "C1", "--from", "2025-08-22", "--to", "2025-08-23",
                                                   "--submission", "data-113-1"]),
                          naming: ["at least 3 days"], workspace: ws, unchangedFrom: before)
        expectSuccess(try ws.folio(as: "D01", ["confirmation", "open", "--id", "C1", "--from", "2025-08-22", "--to", "2025-08-25",
                                               "--submission", "data-113-1", "--submission", "it-113-1"]))
        let during = "2025-08-23T10:00"
        expectSuccess(try ws.folio(as: "111002", ["confirm", "111002"], now: during))
        before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "112001", ["dispute", "112001", "ffffffff", "--submission", "it-113-1", "--reason", "不對"], now: during),
                          naming: ["not part of submission"], workspace: ws, unchangedFrom: before)
        let item = try #require((try ws.status("112001")["receipts"] as? [[String: Any]])?
            .first { ($0["receipt"] as? [String: Any])?["submission"] as? String == "it-113-1" }
            .flatMap { (($0["receipt"] as? [String: Any])?["lines"] as? [[String: Any]])?.first?["item"] as? String })
        let disputed = expectSuccess(try ws.folio(as: "112001", ["dispute", "112001", item, "--submission", "it-113-1",
                                                                "--reason", "不是最後上傳的版本"], now: during))
        #expect(disputed.stdout.contains("it office"), "routed to the office that submitted it: \(disputed)")
        // Only the submitting office answers the doubt.
        before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "R01", ["answer-dispute", "112001", "--finding", "無誤"], now: during),
                          naming: ["R01"], workspace: ws, unchangedFrom: before)
        expectSuccess(try ws.folio(as: "IT1", ["answer-dispute", "112001", "--finding", "經查檔案無誤"], now: during))

        before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "D01", ["confirmation", "close", "C1"], now: "2025-08-25T17:00"),
                          naming: ["cannot be closed before it ends"], workspace: ws, unchangedFrom: before)
        let closed = expectSuccess(try ws.folio(as: "D01", ["confirmation", "close", "C1"], now: "2025-08-26T09:00"))
        #expect(closed.stdout.contains("1 student(s)") && closed.stdout.contains("112001"), "112001's data receipt had no answer: \(closed)")
        before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "D01", ["confirm", "111002", "--post"], now: "2025-08-27T09:00"),
                          naming: ["closed"], workspace: ws, unchangedFrom: before)
        let status = try JSONSerialization.jsonObject(with: try ws.folio(["status", "--json"]).stdoutData) as? [String: Any]
        let counts = status?["receipts"] as? [String: Int] ?? [:]
        #expect(counts == ["confirmed": 1, "disputed": 1, "deemed": 1], "\(counts)")
        let csv = ws.scratch("confirmations.csv")
        expectSuccess(try ws.folio(["report", "confirmations", "--csv", csv]))
        let rows = try csvRows(csv)
        #expect(rows.first?.contains("確認情形") == true, "\(rows)")
        let answers = Dictionary(rows.dropFirst().map { ($0[0] + " " + $0[3], $0[5]) }, uniquingKeysWith: { a, _ in a })
        #expect(answers == ["111002 data-113-1": "已確認", "112001 data-113-1": "視為確認", "112001 it-113-1": "提出異議"], "\(answers)")
        try expectVerifies(ws, "after the confirmation period")
    }

    @Test func receiptDetailsFromTheCentralDatabaseAreComparedLineByLine() throws {
        let ws = try SampleCopy(now: Self.after)
        expectSuccess(try ws.folio(as: "D01", ["submit", "--office", "data", "--period", "113"]))
        let index = ws.scratch("index")
        try FileManager.default.createDirectory(atPath: index, withIntermediateDirectories: true)
        _ = try shell("tar -xf '\(ws.path("submissions/data-113-1.tar"))' -C '\(index)' index.json")
        var rows = ["學號,類別,學期,檔名,檔案大小,SHA-256"]
        for r in try json(index + "/index.json")["receipts"] as? [[String: Any]] ?? [] {
            for l in r["lines"] as? [[String: Any]] ?? [] {
                rows.append("\(r["student"]!),\(l["category"]!),\(l["term"]!),\(l["file"]!),\(l["size"]!),\(l["sha256"]!)")
            }
        }
        #expect(rows.count == 3, "\(rows)")
        let good = ws.scratch("good.csv")
        try Data(("\u{FEFF}" + rows.joined(separator: "\r\n") + "\r\n").utf8).write(to: URL(fileURLWithPath: good))
        let bad = ws.scratch("bad.csv")
        var changed = rows
        changed[1] = changed[1].replacingOccurrences(of: ",1", with: ",9")   // a size that was never submitted
        changed.append("112002,works,113-1,extra.pdf,10,\(String(repeating: "0", count: 64))")
        try Data(changed.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: bad))

        let before = try ws.snapshot()
        let r = try ws.folio(["receipt", "import", bad, "--submission", "data-113-1"])
        try expectRefused(r, naming: ["differ"], workspace: ws, unchangedFrom: before)
        #expect(r.stdout.contains("changed:") && r.stdout.contains("not-submitted: 112002"), "\(r)")
        let ok = expectSuccess(try ws.folio(["receipt", "import", good, "--submission", "data-113-1"]))
        #expect(ok.stdout.contains("2 line(s) match"), "\(ok)")
        #expect(FileManager.default.fileExists(atPath: ws.path("submissions/data-113-1.received.csv")))
    }

    @Test func aResubmissionAfterACorrectionSupersedesTheEarlierOne() throws {
        let ws = try SampleCopy(now: Self.after)
        expectSuccess(try ws.folio(as: "R01", ["submit", "--office", "registration", "--period", "113-1"]))
        expectSuccess(try ws.folio(as: "R01", ["record", "grade", "112002", "--term", "113-1", "--field", "subject=物理",
                                               "--field", "credits=2", "--field", "score=88"], now: "2025-08-21T09:00"))
        let again = expectSuccess(try ws.folio(as: "R01", ["submit", "--office", "registration", "--period", "113-1"], now: "2025-08-21T10:00"))
        #expect(again.stdout.contains("registration-113-1-2") && again.stdout.contains("corrects registration-113-1-1"), "\(again)")
        // Both packages stay; the earlier receipt is kept and marked superseded.
        #expect(FileManager.default.fileExists(atPath: ws.path("submissions/registration-113-1-1.tar")))
        #expect(FileManager.default.fileExists(atPath: ws.path("submissions/registration-113-1-2.tar")))
        let receipts = try ws.status("112002")["receipts"] as? [[String: Any]] ?? []
        let superseded = Dictionary(receipts.map { (($0["receipt"] as? [String: Any])?["submission"] as? String ?? "", $0["superseded"] as? Bool) },
                                    uniquingKeysWith: { a, _ in a })
        #expect(superseded == ["registration-113-1-1": true, "registration-113-1-2": false], "\(superseded)")
        let lines = receipts.map { (($0["receipt"] as? [String: Any])?["lines"] as? [Any])?.count ?? 0 }
        #expect(lines.count == 2 && lines[1] == lines[0] + 1, "the correction adds the new grade: \(lines)")
        try expectVerifies(ws, "after the resubmission")
    }

    @Test func aDoubtAboutAGradeNeedsNoItemAndOpenReceiptsBlockSealing() throws {
        let ws = try SampleCopy(now: Self.after)
        expectSuccess(try ws.folio(as: "R01", ["submit", "--office", "registration", "--period", "113-1"]))
        expectSuccess(try ws.folio(as: "D01", ["confirmation", "open", "--id", "C1", "--from", "2025-08-22", "--to", "2025-08-26",
                                               "--submission", "registration-113-1-1"]))
        let d = expectSuccess(try ws.folio(as: "111001", ["dispute", "111001", "--reason", "成績登錄錯誤"], now: "2025-08-23T10:00"))
        #expect(d.stdout.contains("registration office"), "\(d)")
        // A staff member cannot answer for a student at the kiosk.
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "T001", ["confirm", "111002"], now: "2025-08-23T10:00"),
                          naming: ["cannot answer for student 111002"], workspace: ws, unchangedFrom: before)
        expectSuccess(try ws.folio(as: "R01", ["graduate", "111001", "--date", "2025-06-30"], now: "2025-08-23T11:00"))
        let sealing = try ws.snapshot()
        try expectRefused(try ws.folio(as: "R01", ["archive", "seal", "111001"], now: "2025-08-23T11:05"),
                          naming: ["still has receipt", "registration-113-1-1"], workspace: ws, unchangedFrom: sealing)
    }
}
