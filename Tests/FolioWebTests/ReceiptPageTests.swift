import FolioCore
import FolioTestSupport
import FolioWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Receipts (收訖明細) through the pages: a student confirms at the kiosk, seeing each file's code; the office
/// prints every student's receipt for a submission in one document.
@Suite struct ReceiptPageTests {
    /// The IT section submits the course outcomes of 113 and opens the confirmation period, as in the demo.
    static func submit(_ school: SampleCopy) throws {
        try KioskFixture.require(try school.folio(as: "IT1", ["submit", "--office", "it", "--period", "113"], now: "2025-08-20T09:00"))
        try KioskFixture.require(try school.folio(as: "D01", ["confirmation", "open", "--id", "113-C1", "--from", "2025-08-22",
                                                              "--to", "2025-08-26", "--submission", "it-113-1"], now: "2025-08-20T09:05"))
    }

    @Test func aStudentConfirmsHerReceiptAtTheKioskSeeingEachFilesCode() async throws {
        let kiosk = try KioskFixture(now: "2025-08-21T09:00", prepare: Self.submit)
        let secret = kiosk.secret("112001")
        try await kiosk.application(now: "2025-08-23T10:00").test(.router) { client in
            let visitor = WebVisitor(client)
            try await visitor.signIn("112001", secret: secret)
            let home = try await visitor.get("/me")
            #expect(home.text.contains("收訖明細") && home.text.contains("it-113-1") && home.text.contains("等待學生確認"), "\(home.text)")
            // Each file's short code as printed on paper: three groups of four hex digits.
            #expect(home.body.range(of: #"<code>[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}</code>"#, options: .regularExpression) != nil)
            let confirmed = try await visitor.post("/me/receipt", form: [
                ("csrf", try #require(home.field("csrf"))), ("submission", "it-113-1"), ("answer", "confirm")])
            #expect(confirmed.status == .seeOther, "\(confirmed.text)")
            let after = try await visitor.get("/me")
            #expect(after.text.contains("已確認收訖明細") && after.text.contains("已確認"), "\(after.text)")
            #expect(!after.body.contains("name=\"answer\" value=\"confirm\""), "an answered receipt offers no second answer")
        }
        let r = try kiosk.school.folio(in: kiosk.kiosk, ["status", "112001", "--json"], now: "2025-08-23T11:00")
        let receipts = ((try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])?["receipts"] as? [[String: Any]]) ?? []
        #expect(receipts.first { ($0["receipt"] as? [String: Any])?["submission"] as? String == "it-113-1" }?["answer"] as? String == "confirmed",
                "\(receipts)")
    }

    @Test func theOfficePrintsEveryReceiptOfASubmissionInOneDocument() async throws {
        let school = try SampleCopy(now: "2025-08-21T09:00")
        // The registration section's submission has a receipt for every student, across the sample's classes.
        try KioskFixture.require(try school.folio(as: "R01", ["submit", "--office", "registration", "--period", "113-1"], now: "2025-08-20T09:00"))
        try await ReviewFixtureOffice(school).application(["R01"], now: "2025-08-21T10:00").test(.router) { client in
            let visitor = WebVisitor(client)
            try await visitor.signIn(staff: "R01", passphrase: "demo")
            let list = try await visitor.get("/office/receipts")
            #expect(list.text.contains("registration-113-1-1") && list.text.contains("學籍資料及學業成績"), "\(list.text)")
            let printable = try await visitor.get("/office/receipts/registration-113-1-1")
            #expect(printable.status == .ok)
            let csp = printable.headers[.contentSecurityPolicy] ?? ""
            #expect(csp.contains("default-src 'none'") && !csp.contains("script"), "\(csp)")
            let sheets = printable.body.components(separatedBy: "<section class=\"page receipt\">").dropFirst()
            #expect(sheets.count >= 2, "one sheet per student with a receipt: \(sheets.count)")
            // In class order, then by number, as a print shop or a duplex printer takes them.
            let order = try sheets.map { sheet -> (String, String) in
                let number = try #require(sheet.firstMatch(of: /<th>學號<\/th><td>(\d+)<\/td>/)).1
                let className = try #require(sheet.firstMatch(of: /<th>班級<\/th><td>([^<]*)<\/td>/)).1
                return (String(className), String(number))
            }
            #expect(order.map { "\($0.0)/\($0.1)" } == order.sorted { $0 < $1 }.map { "\($0.0)/\($0.1)" }, "\(order)")
            #expect(Set(order.map(\.0)).count > 1, "the sample's receipts span more than one class: \(order)")
            let unknown = try await visitor.get("/office/receipts/no-such-1")
            #expect(unknown.status.code >= 400 && unknown.text.contains("no-such-1"), "\(unknown.text)")
        }
    }

    @Test func lettersForStudentsWhoLeftTellHowToCheckACodeOnEveryComputerAndByWhenInTheROCCalendar() async throws {
        let school = try SampleCopy(now: "2025-08-21T09:00")
        try KioskFixture.require(try school.folio(as: "R01", ["submit", "--office", "registration", "--period", "113-1"], now: "2025-08-20T09:00"))
        try KioskFixture.require(try school.folio(as: "D01", ["confirmation", "open", "--id", "113-C1", "--from", "2025-08-22", "--to", "2025-08-26",
                                                              "--submission", "registration-113-1-1"], now: "2025-08-20T09:05"))
        try await ReviewFixtureOffice(school).application(["R01"], now: "2025-08-21T10:00").test(.router) { client in
            let visitor = WebVisitor(client)
            try await visitor.signIn(staff: "R01", passphrase: "demo")
            let letters = try await visitor.get("/office/receipts/registration-113-1-1?left=1")
            #expect(letters.body.contains("<section class=\"page letter\">"), "\(letters.body.prefix(400))")
            for needed in ["certutil -hashfile", "shasum -a 256", "sha256sum", "以郵戳為憑", "民國 114/08/22 至 114/08/26"] {
                #expect(letters.body.contains(needed), "the letter lacks \(needed)")
            }
        }
    }
}
