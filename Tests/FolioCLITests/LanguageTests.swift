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
}
