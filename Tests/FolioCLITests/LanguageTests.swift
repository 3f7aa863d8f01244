import FolioTestSupport
import Foundation
import Testing

/// folio speaks Traditional Chinese unless asked for English, by `--lang en` or by an English locale; the refusal
/// is the same either way and changes nothing.
@Suite struct LanguageTests {
    func addTooLong(_ ws: SampleCopy, _ extra: [String] = [], env: [String: String]) throws -> FolioResult {
        try ws.folio(as: "112002", SampleCopy.addArguments(student: "112002", term: "113-1", course: "PHY-11A",
                                                          description: String(repeating: "字", count: 101),
                                                          files: [ws.asset("physics-lab-report.pdf")]) + extra, env: env)
    }

    @Test func aRefusalReadsInChineseByDefaultAndInEnglishWhenAsked() throws {
        let ws = try SampleCopy()
        let before = try ws.snapshot()
        let chinese = "錯誤：簡述有 101 字，最多只能 100 字。\n下一步：請刪減到 100 字以內後再試一次。\n"
        let english = "error: The description has 101 characters; at most 100 are allowed.\nhint: Shorten it to 100 characters or fewer and try again.\n"
        let cases: [([String], [String: String], String)] = [
            ([], ["LANG": ""], chinese),
            ([], ["LANG": "C.UTF-8"], chinese),
            ([], ["LANG": "zh_TW.UTF-8"], chinese),
            ([], ["LANG": "en_US.UTF-8"], english),
            (["--lang", "en"], ["LANG": "zh_TW.UTF-8"], english),
            (["--lang=zh-TW"], ["LANG": "en_US.UTF-8"], chinese),
            ([], ["LANG": "zh_TW.UTF-8", "LC_MESSAGES": "en_US.UTF-8"], english),
        ]
        for (extra, env, expected) in cases {
            let r = try addTooLong(ws, extra, env: env)
            #expect(r.status == 1 && r.stderr == expected, "\(extra) \(env): \(r)")
        }
        #expect(try ws.snapshot() == before)
    }

    @Test func anUnknownLanguageIsRefusedInChinese() throws {
        let ws = try SampleCopy()
        let r = try ws.folio(["status", "--lang", "fr"], env: ["LANG": ""])
        #expect(r.status == 1)
        #expect(r.stderr == "錯誤：沒有「fr」這種語言。\n下一步：請用 --lang zh-TW（繁體中文）或 --lang en（英文）。\n")
        #expect(r.stdout.isEmpty)
    }

    /// Status, its table headers and state words, and the help texts read in Chinese by default and in English with
    /// `--lang en`, word for word as written here.
    @Test func statusAndHelpReadInChineseByDefaultAndInEnglishWhenAsked() throws {
        let ws = try SampleCopy()
        let chinese = ["LANG": ""]
        func run(_ arguments: [String], _ env: [String: String] = [:]) throws -> String {
            let r = try ws.folio(arguments, env: env)
            #expect(r.succeeded, "\(arguments): \(r)")
            return r.stdout
        }
        func expect(_ text: String, contains lines: [String]) {
            for line in lines { #expect(text.contains(line), "no \"\(line)\" in:\n\(text)") }
        }

        let school = try run(["status"], chinese)
        expect(school, contains: ["學號    姓名    班級  狀態  成果  已認證  待認證  已退回  已勾選 課程/多元  衝突",
                                  "112001  吳柏翰  201   在學", "111015  張家瑋  302   離校",
                                  "2 件成果等待認證；0 件衝突；0 筆紀錄暫不採計。"])
        #expect(!school.contains("enrolled") && !school.contains("certified"), "\(school)")
        let schoolEN = try run(["status", "--lang", "en"], chinese)
        expect(schoolEN, contains: ["學號    姓名    班級  status    items  certified  waiting  returned  selected course/diverse  conflicts",
                                    "112001  吳柏翰  201   enrolled", "111015  張家瑋  302   left",
                                    "2 item(s) wait for certification; 0 conflict(s); 0 record(s) held back."])

        let student = try run(["status", "112001"], chinese)
        expect(student, contains: ["112001 吳柏翰  班級 201  年級 11  在學", "成果        學期   類別          課程  狀態    勾選    簡述",
                                   "物理  已認證  已勾選  單擺週期與擺長關係實驗報告", "志工服務            已上傳  已勾選  社區圖書館志工服務",
                                   "處室紀錄 3 筆。"])
        let studentEN = try run(["status", "112001", "--lang", "en"], chinese)
        expect(studentEN, contains: ["112001 吳柏翰  class 201  grade 11  enrolled", "item        term   category      course  status     selected  description",
                                     "物理    certified  yes       單擺週期與擺長關係實驗報告", "uploaded   yes       社區圖書館志工服務",
                                     "3 office record(s)."])

        let top = try run(["--help"], chinese)
        expect(top, contains: ["OVERVIEW: 高中學習歷程檔案，保存在學校自己的磁碟上。", "加上 --lang en 會以英文顯示訊息與說明",
                               "status                  還有哪些事沒完成：全校、一個班級", "bundle                  用隨身碟交換資料：有簽章的 tar 資料包。"])
        let topEN = try run(["--help", "--lang", "en"], chinese)
        expect(topEN, contains: ["OVERVIEW: Learning portfolios (學習歷程檔案) for a senior high school", "--lang en asks for",
                                 "status                  What is outstanding: for the whole school",
                                 "bundle                  Exchange work on USB sticks: signed tar bundles."])

        let help = try run(["status", "--help"], chinese)
        expect(help, contains: ["篩選條件可以合併使用", "範例：folio status", "<student>               學號；省略時顯示全校。",
                                "--class <class>         只看這個班級，例如 201：導師用的檢視。", "--json                  以 JSON 格式輸出結果。"])
        let helpEN = try run(["status", "--help", "--lang", "en"], chinese)
        expect(helpEN, contains: ["Filters combine;", "Examples: folio status", "<student>               A student number; omit for the whole school.",
                                  "--class <class>         Only this class (班級), e.g. 201: a homeroom teacher's",
                                  "--json                  Print the result as JSON."])
    }

    /// What a teacher and a student read after acting, in Chinese by default and in English when asked.
    @Test func aTeachersAndAStudentsResultsReadInChinese() throws {
        let ws = try SampleCopy()
        let zh: [String: String] = ["LANG": ""]
        let list = try ws.folio(as: "T001", ["certify", "--all", "--dry-run"], env: zh)
        #expect(list.succeeded && list.stdout.hasPrefix("T001 可認證的成果有 1 件。這次只是列出（--dry-run），沒有認證任何成果。\n"), "\(list)")
        let english = try ws.folio(as: "T001", ["certify", "--all", "--dry-run", "--lang", "en"], env: zh)
        #expect(english.stdout.hasPrefix("Ready to certify for T001: 1 item(s). Nothing was certified (--dry-run).\n"), "\(english)")
        let unselect = try ws.folio(as: "112001", ["unselect", "112001", "f186"], env: zh)
        #expect(unselect.succeeded && unselect.stdout == "已取消勾選 112001 的成果 f186acc958。\n", "\(unselect)")
        let certify = try ws.folio(as: "T001", ["certify", "112020", "abf0"], env: zh)
        #expect(certify.succeeded && certify.stdout == "已認證 112020 的成果 abf0f468ae（自由落體實驗）。學生現在可以勾選這件成果。\n", "\(certify)")
        let typo = try ws.folio(["status", "--class", "209"], env: zh)
        #expect(typo.status == 1 && typo.stderr.hasPrefix("錯誤：這裡沒有 209 班。\n下一步：現有班級："), "\(typo)")
    }
}
