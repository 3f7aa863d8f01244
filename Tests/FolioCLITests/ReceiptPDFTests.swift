import FolioTestSupport
import Foundation
import Testing

/// `folio receipt print`'s one PDF for a whole submission, read back by poppler (`pdfinfo`, `pdftotext`, `pdftoppm`)
/// and zbar (`zbarimg`), tools folio has no part in: one page per student in class and seat order, each page's QR
/// code holding that student's receipt; letters for a window envelope with the postal code, letterhead and phone.
@Suite struct ReceiptPDFTests {
    static let after = "2025-08-20T09:00"

    /// The sample with seat numbers and postal codes from the school system's Excel roster, and the office's phone.
    func school() throws -> SampleCopy {
        let ws = try SampleCopy(now: Self.after)
        expectSuccess(try ws.folio(as: "R01", ["roster", "import", "students", ws.path("roster/students.xlsx"), "--apply"]))
        expectSuccess(try ws.folio(as: "D01", ["settings", "set", "--phone", "(02)2345-6789 轉 123"]))
        expectSuccess(try ws.folio(as: "R01", ["record", "grade", "112002", "--term", "113-1", "--field", "subject=歷史",
                                               "--field", "credits=2", "--field", "score=59", "--field", "course=HIS-11A"]))
        expectSuccess(try ws.folio(as: "R01", ["submit", "--office", "registration", "--period", "113-1"]))
        return ws
    }

    func tool(_ name: String, _ arguments: [String]) throws -> String {
        let r = try ToolRunner.run(name, arguments)
        guard r.status == 0 else { throw FolioHarnessError("\(name) failed (\(r.status)): \(r.output)") }
        return r.output
    }

    func pageCount(_ pdf: String) throws -> Int {
        let info = try tool("pdfinfo", [pdf])
        let line = try #require(info.split(separator: "\n").first { $0.hasPrefix("Pages:") })
        return Int(line.split(separator: " ").last!)!
    }

    /// A page's text, each run of white space made one space (the layout's gaps are not what is compared).
    func text(_ pdf: String, page: Int) throws -> String {
        try tool("pdftotext", ["-f", String(page), "-l", String(page), pdf, "-"])
            .split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
    }

    /// The QR codes zbarimg finds on one page rendered at 150 dpi.
    func qrCodes(_ pdf: String, page: Int, in folder: String) throws -> [String] {
        let prefix = folder + "/page-\(page)"
        _ = try tool("pdftoppm", ["-r", "150", "-png", "-f", String(page), "-l", String(page), "-singlefile", pdf, prefix])
        let r = try ToolRunner.run("zbarimg", ["-q", "--raw", prefix + ".png"])
        return r.output.split(separator: "\n").map(String.init).filter { !$0.isEmpty && !$0.contains("Connection") }
    }

    func receiptFile(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
    }

    @Test func onePagePerStudentInClassAndSeatOrderEachWithItsOwnQRCode() throws {
        let ws = try school()
        let out = ws.scratch("print")
        let r = expectSuccess(try ws.folio(["receipt", "print", "--submission", "registration-113-1-1", "--out", out]))
        let pdf = out + "/registration-113-1-1.pdf"
        #expect(r.stdout.contains(pdf), "\(r)")
        #expect(try pageCount(pdf) == 12)
        // Class, then seat (座號) — not student number: in 201, 112002 has seat 1 and 112001 seat 3.
        let expected = ["113002", "113001", "113025", "113026", "112002", "112001", "112020", "112021",
                        "111001", "111002", "111015", "111016"]
        var seen: [String] = []
        for page in 1...12 {
            let words = try text(pdf, page: page)
            seen.append(expected.first { words.contains($0) } ?? "?")
            #expect(words.contains("收訖明細") && words.contains("學習歷程檔案"), "page \(page)")
        }
        #expect(seen == expected)
        // Each page's QR code holds that student's receipt: its full digest and each line's file code.
        let scratch = ws.scratch("qr")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        for (page, number) in expected.enumerated().map({ ($0.offset + 1, $0.element) }) {
            let file = try receiptFile(out + "/\(number)-registration-113-1-1.receipt.json")
            let digest = try #require(file["digest"] as? String)
            let lines = (file["receipt"] as? [String: Any])?["lines"] as? [[String: Any]] ?? []
            let codes = lines.compactMap { ($0["sha256"] as? String)?.prefix(12) }.joined(separator: ",")
            #expect(try qrCodes(pdf, page: page, in: scratch) == ["folio-receipt/1;999901;\(number);registration-113-1-1;\(digest);\(codes)"],
                    "page \(page)")
        }
        // Office data shows its values as submitted: the student's class, seat and birth date; the grade's subject,
        // credits, score and whether it passed.
        let page5 = try text(pdf, page: 5)
        for words in ["班級名稱：201", "座號：1", "出生日期：0970128", "科目名稱：歷史", "修課學分：2", "學期學業成績：59", "成績及格：0"] {
            #expect(page5.contains(words), "\(words) is not on 112002's page:\n\(page5)")
        }
    }

    @Test func aLongDocumentIsPrintedInPiecesAndJoinedInOrder() throws {
        let ws = try school()
        let out = ws.scratch("pieces")
        // Five students a piece: three Chromiums, two at a time, joined by pdfunite.
        expectSuccess(try ws.folio(["receipt", "print", "--submission", "registration-113-1-1", "--out", out],
                                   env: ["FOLIO_PRINT_PIECE": "5"]))
        let pdf = out + "/registration-113-1-1.pdf"
        #expect(try pageCount(pdf) == 12)
        for (page, number) in [(1, "113002"), (5, "112002"), (6, "112001"), (11, "111015"), (12, "111016")] {
            #expect(try text(pdf, page: page).contains(number), "page \(page) is \(number)'s")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".pdf") } == ["registration-113-1-1.pdf"])
    }

    @Test func lettersForAWindowEnvelopeWithPostalCodeLetterheadAndPhone() throws {
        let ws = try school()
        expectSuccess(try ws.folio(as: "D01", ["confirmation", "open", "--id", "C1", "--from", "2025-08-22", "--to", "2025-08-26",
                                               "--submission", "registration-113-1-1"]))
        let out = ws.scratch("letters")
        expectSuccess(try ws.folio(["receipt", "print", "--submission", "registration-113-1-1", "--left", "--out", out]))
        let pdf = out + "/registration-113-1-1-letters.pdf"
        // One student who has left: the letter on the front of the sheet, the receipt on its back.
        #expect(try pageCount(pdf) == 2)
        let letter = try text(pdf, page: 1)
        for words in ["10876", "臺北市範例區測試大道88號", "張家瑋", "臺北市立範例高級中學", "(02)2345-6789",
                      "中華民國114年8月20日", "以郵戳為憑", "certutil -hashfile", "shasum -a 256", "sha256sum", "114/08/26"] {
            #expect(letter.contains(words), "\(words) is not on the letter:\n\(letter)")
        }
        #expect(try text(pdf, page: 2).contains("111015"))
        // The postal code sits where a DL window envelope's window is: 20–110 mm from the left edge and 45–80 mm
        // from the top of the sheet (A4 is 595 × 842 points; a millimetre is 2.835 points).
        let box = try tool("pdftotext", ["-f", "1", "-l", "1", "-bbox", pdf, "-"])
        let word = try #require(box.split(separator: "\n").first { $0.contains(">10876<") }, "\(box)")
        func attribute(_ name: String) -> Double {
            let part = word.components(separatedBy: name + "=\"")[1]
            return Double(part.prefix { $0 != "\"" })!
        }
        let (left, top) = (attribute("xMin") / 2.835, attribute("yMin") / 2.835)
        #expect((20...110).contains(left) && (45...80).contains(top), "postal code at \(left) mm, \(top) mm")
        let labels = try String(contentsOfFile: out + "/addresses.csv", encoding: .utf8)
        #expect(labels.contains("111015,張家瑋,10876,臺北市範例區測試大道88號"), "\(labels)")
    }

    @Test func withoutABrowserNothingIsWrittenAndTheClerkIsToldWhatToInstall() throws {
        let ws = try school()
        let out = ws.scratch("nothing")
        let before = try ws.snapshot()
        let r = try ws.folio(["receipt", "print", "--submission", "registration-113-1-1", "--out", out],
                             env: ["FOLIO_CHROMIUM": "/nonexistent/chromium", "LANG": ""])
        #expect(r.status != 0 && r.stderr.contains("找不到 Chromium") && r.stderr.contains("--no-pdf"), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try ws.snapshot() == before)
        // A document in pieces needs pdfunite to join them: without it, refused the same way.
        let noUnite = try ws.folio(["receipt", "print", "--submission", "registration-113-1-1", "--out", out],
                                   env: ["FOLIO_CHROMIUM": "/usr/bin/chromium", "PATH": "/nonexistent", "FOLIO_PRINT_PIECE": "5",
                                         "LANG": ""])
        #expect(noUnite.status != 0 && noUnite.stderr.contains("找不到 pdfunite") && noUnite.stderr.contains("poppler-utils"), "\(noUnite)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try ws.snapshot() == before)
        // --no-pdf still writes each student's page.
        expectSuccess(try ws.folio(["receipt", "print", "--submission", "registration-113-1-1", "--out", out, "--no-pdf"],
                                   env: ["FOLIO_CHROMIUM": "/nonexistent/chromium"]))
        #expect(FileManager.default.fileExists(atPath: out + "/112002-registration-113-1-1.html"))
        #expect(!FileManager.default.fileExists(atPath: out + "/registration-113-1-1.pdf"))
    }

    @Test func aBadSeatPostalCodeOrPhoneIsRefusedAndChangesNothing() throws {
        let ws = try SampleCopy(now: Self.after)
        let file = ws.scratch("bad.csv")
        try "學號,姓名,身分證號,出生日期,班級,年級,座號,郵遞區號\n112001,吳柏翰,A133906723,0961012,201,11,3,1006\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "R01", ["roster", "import", "students", file, "--apply"]),
                          naming: ["postal code \"1006\" is not 3, 5 or 6 digits"], workspace: ws, unchangedFrom: before)
        try "學號,姓名,身分證號,出生日期,班級,年級,座號\n112001,吳柏翰,A133906723,0961012,201,11,三\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        try expectRefused(try ws.folio(as: "R01", ["roster", "import", "students", file, "--apply"]),
                          naming: ["seat number \"三\" is not a number from 1 to 99"], workspace: ws, unchangedFrom: before)
        try expectRefused(try ws.folio(as: "D01", ["settings", "set", "--phone", "<b>call me</b>"]),
                          naming: ["The telephone number \"<b>call me</b>\" is not one"], workspace: ws, unchangedFrom: before)
    }
}
