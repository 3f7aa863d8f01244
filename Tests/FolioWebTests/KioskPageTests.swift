import FolioCore
import FolioTestSupport
import FolioWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A student at a classroom kiosk, through the pages: sign in with number and secret, upload from lists,
/// see the item, select it, sign out. The kiosk is a workspace of its own, joined from the office's update.
@Suite struct KioskPageTests {
    static let pdf = { (try? Array(Data(contentsOf: URL(fileURLWithPath: SampleCopy.sampleURL().path + "/assets/physics-lab-report.pdf")))) ?? [] }()
    static let png = { (try? Array(Data(contentsOf: URL(fileURLWithPath: SampleCopy.sampleURL().path + "/assets/math-graph.png")))) ?? [] }()

    @Test func aStudentSignsInUploadsAPDFAndSeesItListedAtTheKiosk() async throws {
        let kiosk = try KioskFixture()
        let secret = kiosk.secret("112002")
        try await kiosk.application().test(.router) { client in
            let visitor = WebVisitor(client)
            let signIn = try await visitor.get("/signin")
            #expect(signIn.status == .ok && signIn.text.contains("學生登入") && signIn.text.contains("學生密碼"))
            let signedIn = try await visitor.signIn("112002", secret: secret)
            #expect(signedIn.status == .seeOther && signedIn.location == "/me", "\(signedIn.body)")
            #expect(visitor.cookies["folio_visit"] != nil)

            let home = try await visitor.get("/me")
            #expect(home.text.contains("蔡佳穎") && home.text.contains("還沒有上傳任何成果"), "\(home.text)")

            // The form offers the term's courses from a list and the category's own name.
            let form = try await visitor.get("/me/upload?category=course-outcome&term=113-1")
            #expect(form.body.contains("<option value=\"PHY-11A\">物理（PHY-11A）</option>"), "\(form.body)")
            #expect(form.body.contains("data-limit=\"100\""))
            let sent = try await visitor.upload("/me/upload", fields: [
                ("csrf", try #require(form.field("csrf"))), ("category", "course-outcome"), ("term", "113-1"),
                ("course", "PHY-11A"), ("description", "擺錘週期實驗報告"),
            ], file: ("擺錘實驗.pdf", Self.pdf))
            #expect(sent.status == .seeOther && sent.location == "/me", "\(sent.text)")

            let after = try await visitor.get("/me")
            #expect(after.text.contains("已上傳「擺錘週期實驗報告」，等待任課教師認證"), "\(after.text)")
            #expect(after.text.contains("擺錘實驗.pdf") && after.text.contains("已上傳") && after.text.contains("物理（PHY-11A）"))
            #expect(after.text.contains("已勾選 0/6"))
        }
        // The item is the kiosk's record, signed by the student herself, with the file's bytes as sent.
        let item = try #require(try kiosk.items("112002").first { $0["description"] as? String == "擺錘週期實驗報告" })
        #expect(item["uploadedBy"] as? String == "112002" && item["course"] as? String == "PHY-11A", "\(item)")
        let files = try #require(item["files"] as? [[String: Any]])
        let stored = try Data(contentsOf: URL(fileURLWithPath: kiosk.kiosk + "/students/112002/" + (files[0]["path"] as? String ?? "")))
        #expect(Array(stored) == Self.pdf)
    }

    @Test func filesKeptAtTheOfficeAreNamedWithoutALinkAndRefusedPlainly() async throws {
        let kiosk = try KioskFixture()
        let secret = kiosk.secret("112001")
        try await kiosk.application().test(.router) { client in
            let visitor = WebVisitor(client)
            try await visitor.signIn("112001", secret: secret)
            // 112001's items were uploaded at the office: the kiosk holds their records, not their files.
            let home = try await visitor.get("/me")
            let item = try #require(home.body.firstMatch(of: /data-item="(f186[0-9a-f]*)"/)?.1)
            #expect(home.text.contains("（檔案在學校主機）") && !home.body.contains("href=\"/me/files/\(item)/"), "\(home.body)")
            let file = try await visitor.get("/me/files/\(item)/0")
            #expect(file.status == .notFound && file.text.contains("檔案放在學校主機"), "\(file.text)")
            #expect(!file.body.contains("/students/") && !file.body.contains("No such file"), "no path or system words on the page")
        }
    }

    @Test func everyAnswerCarriesTheSecurityHeadersAndTheVisitCookieIsHttpOnlyAndStrict() async throws {
        let kiosk = try KioskFixture()
        let secret = kiosk.secret("112002")
        try await kiosk.application().test(.router) { client in
            let visitor = WebVisitor(client)
            for page in [try await visitor.get("/signin"), try await visitor.get("/nowhere"), try await visitor.get("/assets/folio.css")] {
                let csp = page.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "\(csp)")
                #expect(page.headers[.xContentTypeOptions] == "nosniff")
            }
            let missing = try await visitor.get("/nowhere")
            #expect(missing.status == .notFound && missing.text.contains("找不到這個頁面"), "\(missing.text)")
            let form = try await visitor.get("/signin")
            #expect(form.headers[.cacheControl] == "no-store")
            let signedIn = try await visitor.signIn("112002", secret: secret)
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("folio_visit=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"), "\(cookie)")
        }
    }

    @Test func aWrongSecretIsRefusedAndRepeatedFailuresAreSlowed() async throws {
        let kiosk = try KioskFixture()
        let before = try kiosk.snapshot()
        let classmate = kiosk.secret("112001")
        // A first wait of ten minutes: on a busy machine three sign-ins can take longer than the usual two seconds.
        try await kiosk.application(signInWait: 600).test(.router) { client in
            let visitor = WebVisitor(client)
            let wrong = try await visitor.signIn("112002", secret: classmate)
            #expect(wrong.status == .forbidden && wrong.text.contains("學號或學生密碼不對"), "\(wrong.text)")
            #expect(visitor.cookies["folio_visit"] == nil)
            _ = try await visitor.signIn("112002", secret: "AAAAA-AAAAA")
            _ = try await visitor.signIn("112002", secret: "BBBBB-BBBBB")
            // The fourth try waits, even with the right secret: guessing cannot go at page speed.
            let slowed = try await visitor.signIn("112002", secret: kiosk.secret("112002"))
            #expect(slowed.status == .tooManyRequests && slowed.text.contains("秒再試"), "\(slowed.text)")
            #expect(visitor.cookies["folio_visit"] == nil)
            let me = try await visitor.get("/me")
            #expect(me.status == .found || me.status == .seeOther, "not signed in, so back to the sign-in page")
        }
        #expect(try kiosk.snapshot() == before)
    }

    @Test func forgedAndForeignFormsChangeNothing() async throws {
        let kiosk = try KioskFixture()
        let secret = kiosk.secret("112002")
        try await kiosk.application().test(.router) { client in
            let visitor = WebVisitor(client)
            try await visitor.signIn("112002", secret: secret)
            let home = try await visitor.get("/me")
            let token = try #require(home.field("csrf"))
            let before = try kiosk.snapshot()

            // An upload without this visit's form token: another site's page posting with the student's cookie.
            let forged = try await visitor.upload("/me/upload", fields: [
                ("csrf", "forged-token"), ("category", "course-outcome"), ("term", "113-1"), ("course", "PHY-11A"), ("description", "偽造"),
            ], file: ("a.pdf", Self.pdf))
            #expect(forged.status == .forbidden && forged.text.contains("不是從本頁送出"), "\(forged.text)")
            // The right token from another origin is refused before anything is read.
            visitor.origin = "http://evil.example"
            let foreign = try await visitor.post("/me/select", form: [("csrf", token), ("item", "abf0f468ae"), ("selected", "1")])
            #expect(foreign.status == .forbidden && foreign.text.contains("來自其他網站"), "\(foreign.text)")
            visitor.origin = nil
            // Another student's item id, with a valid token: the kiosk holds 112020's item, but it is not hers.
            let other = try await visitor.post("/me/select", form: [("csrf", token), ("item", "abf0f468ae"), ("selected", "1")])
            #expect(other.status.code >= 400 && other.text.contains("沒有改變任何資料"), "\(other.text)")
            let otherFile = try await visitor.get("/me/files/abf0f468ae/0")
            #expect(otherFile.status == .notFound, "\(otherFile.text)")
            #expect(try kiosk.snapshot() == before)
        }
    }

    @Test func anOversizedOrRenamedFileIsRefusedWithNothingSaved() async throws {
        let kiosk = try KioskFixture()
        let secret = kiosk.secret("112002")
        let before = try kiosk.snapshot()
        let tempBefore = Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("folio-upload-") })
        try await kiosk.application().test(.router) { client in
            let visitor = WebVisitor(client)
            try await visitor.signIn("112002", secret: secret)
            let token = try #require(try await visitor.get("/me").field("csrf"))
            let fields = [("csrf", token), ("category", "course-outcome"), ("term", "113-1"), ("course", "PHY-11A"), ("description", "太大的檔案")]
            // Past the largest limit (10 MB for media): cut off while reading.
            let huge = Array("%PDF-1.4\n".utf8) + [UInt8](repeating: 0x20, count: 10 * 1024 * 1024 + 1)
            let tooLarge = try await visitor.upload("/me/upload", fields: fields, file: ("大.pdf", huge))
            #expect(tooLarge.status == .contentTooLarge && tooLarge.text.contains("檔案太大了"), "\(tooLarge.text)")
            // Under the media limit but over the document limit (4 MB): folio's own rule, by kind.
            let bigPDF = Array("%PDF-1.4\n".utf8) + [UInt8](repeating: 0x20, count: 5 * 1024 * 1024)
            let overDocument = try await visitor.upload("/me/upload", fields: fields, file: ("報告.pdf", bigPDF))
            #expect(overDocument.status == .contentTooLarge, "\(overDocument.text)")
            // A PNG renamed to .pdf: judged by its content.
            let renamed = try await visitor.upload("/me/upload", fields: fields, file: ("圖.pdf", Self.png))
            #expect(renamed.status == .unprocessableContent && renamed.text.contains("PNG"), "\(renamed.text)")
        }
        #expect(try kiosk.snapshot() == before)
        let tempAfter = Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("folio-upload-") })
        #expect(tempAfter.subtracting(tempBefore).isEmpty, "an upload's temporary folder was left behind")
    }

    @Test func aDescriptionIsShownEscapedNeverAsMarkup() async throws {
        let kiosk = try KioskFixture()
        let secret = kiosk.secret("112002")
        try await kiosk.application().test(.router) { client in
            let visitor = WebVisitor(client)
            try await visitor.signIn("112002", secret: secret)
            let form = try await visitor.get("/me/upload?category=course-outcome&term=113-1")
            let sent = try await visitor.upload("/me/upload", fields: [
                ("csrf", try #require(form.field("csrf"))), ("category", "course-outcome"), ("term", "113-1"),
                ("course", "PHY-11A"), ("description", "<script>alert(1)</script>實驗"),
            ], file: ("a.pdf", Self.pdf))
            #expect(sent.status == .seeOther, "\(sent.text)")
            let home = try await visitor.get("/me")
            #expect(!home.body.contains("<script>alert(1)</script>"))
            #expect(home.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;實驗"), "\(home.body)")
        }
    }

    @Test func afterSignOutTheVisitCookieOpensNothing() async throws {
        let kiosk = try KioskFixture()
        let secret = kiosk.secret("112002")
        try await kiosk.application().test(.router) { client in
            let visitor = WebVisitor(client)
            try await visitor.signIn("112002", secret: secret)
            let home = try await visitor.get("/me")
            let token = try #require(home.field("csrf"))
            let cookie = try #require(visitor.cookies["folio_visit"])
            let out = try await visitor.post("/signout", form: [("csrf", token)])
            #expect(out.status == .seeOther)
            #expect(visitor.cookies["folio_visit"] == nil)
            let next = try await visitor.get("/signin?out=1")
            #expect(next.text.contains("已登出"))
            // The old cookie, kept by someone, opens no page and changes nothing.
            let before = try kiosk.snapshot()
            visitor.cookies["folio_visit"] = cookie
            let again = try await visitor.get("/me")
            #expect(again.location == "/signin", "\(again.status) \(again.text)")
            let select = try await visitor.post("/me/select", form: [("csrf", token), ("item", "abf0f468ae"), ("selected", "1")])
            #expect(select.location == "/signin")
            #expect(try kiosk.snapshot() == before)
        }
    }
}
