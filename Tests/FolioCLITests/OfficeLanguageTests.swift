import FolioTestSupport
import Foundation
import Testing

/// The offices' commands (submit, roster import) speak Traditional Chinese by default and English with `--lang en`,
/// line for line.
@Suite struct OfficeLanguageTests {
    static let after = "2025-08-20T09:00"
    static let chinese = ["LANG": ""]

    @Test func aSubmissionIsReportedInChineseByDefaultAndInEnglishWhenAsked() throws {
        let ws = try SampleCopy(now: Self.after)
        let zh = expectSuccess(try ws.folio(as: "D01", ["submit", "--office", "data", "--period", "113"], env: Self.chinese))
        let package = ws.path("submissions/data-113-1.tar")
        let lines = zh.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(zh)")
        #expect(lines.first == "已寫出提交 data-113-1（多元表現，113）：2 名學生，共 2 筆。", "\(zh)")
        #expect(lines.dropFirst().first?.hasPrefix("提交檔：\(package)  SHA-256 ") == true, "\(zh)")
        #expect(lines.last == "下一步：用 `folio receipt print --submission data-113-1 --out 資料夾` 印出收訖明細，"
                + "再用 `folio confirmation open` 開放學生確認。", "\(zh)")

        let other = try ws.sibling()
        let en = expectSuccess(try other.folio(as: "D01", ["submit", "--office", "data", "--period", "113", "--lang", "en"], env: Self.chinese))
        let english = en.stdout.split(separator: "\n").map(String.init)
        #expect(english.first == "Submission data-113-1 (多元表現, 113): 2 student(s), 2 line(s).", "\(en)")
        #expect(english.dropFirst().first?.hasPrefix("Package: \(other.path("submissions/data-113-1.tar"))  SHA-256 ") == true, "\(en)")
        #expect(english.last == "Next: print the receipts with `folio receipt print --submission data-113-1 --out DIR`, "
                + "then open the confirmation period with `folio confirmation open`.", "\(en)")
        // The same package whichever language the clerk reads.
        #expect(english.dropFirst().first?.suffix(64) == lines.dropFirst().first?.suffix(64))
    }

    @Test func aRosterDryRunReadsInChineseByDefaultAndInEnglishWhenAsked() throws {
        let ws = try SampleCopy()
        let before = try ws.snapshot()
        let roster = ws.path("roster/students.csv")
        let zh = expectSuccess(try ws.folio(["roster", "import", "students", roster], env: Self.chinese))
        #expect(zh.stdout == "已讀取 students.csv（UTF-8）：12 名學生。\n"
                + "沒有變更：students.csv 裡的 12 名學生都已經和檔案寫的完全一樣。什麼都沒有寫入。\n", "\(zh)")
        let en = expectSuccess(try ws.folio(["roster", "import", "students", roster, "--lang", "en"], env: Self.chinese))
        #expect(en.stdout == "Read students.csv (UTF-8): 12 students.\n"
                + "No changes: all 12 students in students.csv are registered exactly as the file says. Nothing was written.\n", "\(en)")

        // A file that renames one student and leaves out the ten others enrolled: the change, the students left out, and how
        // to make it happen.
        let text = try String(contentsOfFile: roster, encoding: .utf8)
        var rows = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map(String.init)
        let header = rows.removeFirst()
        let row = try #require(rows.first { $0.hasPrefix("112001,") })
        var cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let oldName = cells[1]
        cells[1] = "吳新名"
        let renamed = ws.scratch("renamed.csv")
        try ([header, cells.joined(separator: ",")].joined(separator: "\n") + "\n").write(toFile: renamed, atomically: true, encoding: .utf8)
        let dry = expectSuccess(try ws.folio(["roster", "import", "students", renamed], env: Self.chinese))
        #expect(dry.stdout == """
            已讀取 renamed.csv（UTF-8）：1 名學生。
            姓名變更（1 名）：
              第 2 行  112001  \(oldName) → 吳新名
            有 10 名在學學生不在檔案裡；檔案列的學生比沒列的少，應是只含異動的檔案：這裡只提出來，學生仍然在學。`--json` 會列出是哪些學生。
            未變更：0 筆。
            這次只是預覽，什麼都沒有寫入。要變更 1 名學生的資料，請加上 --apply 再執行同一個指令。

            """, "\(dry)")
        let dryEnglish = expectSuccess(try ws.folio(["roster", "import", "students", renamed, "--lang", "en"], env: Self.chinese))
        #expect(dryEnglish.stdout.contains("Changed names (姓名) (1):\n  line 2  112001  \(oldName) → 吳新名\n"), "\(dryEnglish)")
        #expect(dryEnglish.stdout.hasSuffix("Nothing was written (a dry run). To change 1 student, run the same command again with --apply.\n"),
                "\(dryEnglish)")

        let wrong = try ws.folio(["roster", "import", "teachers", roster], env: Self.chinese)
        #expect(wrong.status == 1 && wrong.stderr == "錯誤：「teachers」不是 students（學生）、staff（職員）或 courses（課程）。\n"
                + "下一步：請寫明檔案是哪一種名冊，例如 `folio roster import students 檔案.csv`。\n", "\(wrong)")
        #expect(try ws.snapshot() == before, "a dry run writes nothing")
    }

    @Test func helpReadsInChineseByDefault() throws {
        let ws = try SampleCopy()
        let zh = try ws.folio(["submit", "--help"], env: Self.chinese)
        #expect(zh.stdout.hasPrefix("OVERVIEW: 寫出處室要提交到學習歷程資料庫的提交檔，並產生收訖明細。\n"), "\(zh)")
        let en = try ws.folio(["submit", "--help", "--lang", "en"], env: Self.chinese)
        #expect(en.stdout.contains("issue receipts (收訖明細)."), "\(en)")
    }
}
