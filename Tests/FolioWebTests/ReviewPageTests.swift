import FolioCore
import FolioTestSupport
import FolioWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The teacher's review desk: what waits, each file in the browser, certify or return with a reason,
/// certify all, and nothing beyond the teacher's own courses.
@Suite struct ReviewPageTests {
    /// 112020's physics report, waiting for T001 in the sample.
    static let waiting = (student: "112020", item: "abf0f468ae")

    @Test func onTheLaptopTheTeacherOpensAFileAndReturnsTheItemWithAReason() async throws {
        let desk = try ReviewFixture(laptop: true)
        try await desk.application(["T001"]).test(.router) { client in
            let visitor = WebVisitor(client)
            let signedIn = try await visitor.signIn(staff: "T001", passphrase: "demo")
            #expect(signedIn.status == .seeOther && signedIn.location == "/review", "\(signedIn.text)")
            let list = try await visitor.get("/review")
            #expect(list.text.contains("目前有 1 件等待您認證") && list.text.contains("物理（PHY-11A）"), "\(list.text)")
            #expect(list.text.contains("112020 劉冠廷") && list.text.contains("自由落體實驗"))

            let page = try await visitor.get("/review/item/\(Self.waiting.student)/\(Self.waiting.item)")
            #expect(page.body.contains("<iframe src=\"/review/files/112020/abf0f468ae/0\""), "\(page.body)")
            let file = try await visitor.get("/review/files/112020/abf0f468ae/0")
            #expect(file.status == .ok && file.headers[.contentType] == "application/pdf" && file.body.hasPrefix("%PDF-"))
            #expect(file.headers[.contentDisposition]?.hasPrefix("inline;") == true)

            let noReason = try await visitor.post("/review/decide", form: [
                ("csrf", try #require(page.field("csrf"))), ("student", "112020"), ("item", "abf0f468ae"), ("decision", "return")])
            #expect(noReason.status == .unprocessableContent && noReason.text.contains("退回要寫原因"), "\(noReason.text)")
            let returned = try await visitor.post("/review/decide", form: [
                ("csrf", try #require(page.field("csrf"))), ("student", "112020"), ("item", "abf0f468ae"), ("decision", "return"),
                ("reason", "請補上實驗數據表")])
            #expect(returned.status == .seeOther, "\(returned.text)")
            let after = try await visitor.get("/review")
            #expect(after.text.contains("已退回 112020「自由落體實驗」") && after.text.contains("目前沒有等待您認證的成果"), "\(after.text)")
        }
        let item = try #require(try desk.item("112020", "abf0f468ae"))
        #expect(item["status"] as? String == "rejected", "\(item)")
        #expect((item["decision"] as? [String: Any])?["reason"] as? String == "請補上實驗數據表")
        #expect((item["decision"] as? [String: Any])?["by"] as? String == "T001")
    }

    @Test func certifyAllAsksThatTheItemsWereSeenThenCertifiesWhatWaits() async throws {
        let desk = try ReviewFixture(laptop: false)
        try await desk.application(["T001"]).test(.router) { client in
            let visitor = WebVisitor(client)
            try await visitor.signIn(staff: "T001", passphrase: "demo")
            let list = try await visitor.get("/review")
            let token = try #require(list.field("csrf"))
            let before = try desk.snapshot()
            let unseen = try await visitor.post("/review/certify-all", form: [("csrf", token), ("course", "")])
            #expect(unseen.status == .unprocessableContent && unseen.text.contains("我已檢視過"), "\(unseen.text)")
            #expect(try desk.snapshot() == before)
            let all = try await visitor.post("/review/certify-all", form: [("csrf", token), ("course", ""), ("seen", "1")])
            #expect(all.status == .seeOther, "\(all.text)")
            #expect(try await visitor.get("/review").text.contains("已認證 1 件"))
        }
        #expect(try desk.item("112020", "abf0f468ae")?["status"] as? String == "certified")
    }

    @Test func aTeacherSeesAndDecidesOnlyTheirOwnCourses() async throws {
        let desk = try ReviewFixture(laptop: false)
        let before = try desk.snapshot()
        try await desk.application(["T001", "T002"]).test(.router) { client in
            let visitor = WebVisitor(client)
            try await visitor.signIn(staff: "T002", passphrase: "demo")
            let list = try await visitor.get("/review")
            #expect(!list.text.contains("自由落體實驗"), "T002 does not certify PHY-11A: \(list.text)")
            let page = try await visitor.get("/review/item/112020/abf0f468ae")
            #expect(page.status == .forbidden && page.text.contains("不在 T002 認證的課程裡"), "\(page.text)")
            let file = try await visitor.get("/review/files/112020/abf0f468ae/0")
            #expect(file.status == .forbidden && !file.body.hasPrefix("%PDF-"))
            // A hand-made form for the item: the library's own rule refuses it.
            let forged = try await visitor.post("/review/decide", form: [
                ("csrf", try #require(list.field("csrf"))), ("student", "112020"), ("item", "abf0f468ae"), ("decision", "certify")])
            #expect(forged.status == .forbidden, "\(forged.status) \(forged.text)")
        }
        #expect(try desk.snapshot() == before)
    }

    @Test func aWrongPassphraseOrADevicesKeySignsNobodyIn() async throws {
        let desk = try ReviewFixture(laptop: false)
        try await desk.application(["T001", "KIOSK1"]).test(.router) { client in
            let visitor = WebVisitor(client)
            let form = try await visitor.get("/signin")
            #expect(form.body.contains("value=\"T001\"") && !form.body.contains("value=\"KIOSK1\""), "a device is no person to sign in as")
            let wrong = try await visitor.signIn(staff: "T001", passphrase: "not-the-passphrase")
            #expect(wrong.status == .forbidden && visitor.cookies["folio_visit"] == nil, "\(wrong.text)")
            #expect(wrong.text.contains("通關密語"), "\(wrong.text)")
            let device = try await visitor.signIn(staff: "KIOSK1", passphrase: "demo")
            #expect(device.status == .unprocessableContent && visitor.cookies["folio_visit"] == nil, "\(device.text)")
            let review = try await visitor.get("/review")
            #expect(review.location == "/signin")
        }
    }

    @Test func settlingAnItemThatIsNoConflictIsRefusedWithNothingChanged() async throws {
        let desk = try ReviewFixture(laptop: false)
        let before = try desk.snapshot()
        try await desk.application(["T001"]).test(.router) { client in
            let visitor = WebVisitor(client)
            try await visitor.signIn(staff: "T001", passphrase: "demo")
            let page = try await visitor.get("/review/conflicts")
            #expect(page.text.contains("沒有需要處理的認證衝突"), "\(page.text)")
            // A hand-made settlement of an item nobody disagrees on: the library's own rule refuses it.
            let settled = try await visitor.post("/review/resolve", form: [
                ("csrf", try #require(page.field("csrf"))), ("student", "112020"), ("item", "abf0f468ae"), ("decision", "certify")])
            #expect(settled.status.code >= 400 && settled.text.contains("沒有改變任何資料"), "\(settled.status) \(settled.text)")
        }
        #expect(try desk.snapshot() == before)
    }
}
