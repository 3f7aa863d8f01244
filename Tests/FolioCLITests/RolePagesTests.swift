import FolioTestSupport
import Foundation
import Testing

/// Each role's page in `Docs/使用說明/` is a task list of commands: they run, in order, exactly as written, on a
/// fresh copy of the sample school (in the default language, as the role reads them), and every command works
/// except those the page marks as refused (`|| echo …`), which must be refused and nothing else.
@Suite struct RolePagesTests {
    static let pages = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Docs/使用說明")
    static let roles = ["註冊組", "教學組", "訓育組", "資料組", "資訊組", "任課教師", "學生", "離校學生"]

    /// The shell blocks of a page, in order.
    static func commands(_ page: String) throws -> String {
        let text = try String(contentsOf: pages.appendingPathComponent(page + ".md"), encoding: .utf8)
        var out = "", inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inside = line == "```sh" ? true : false; continue }
            if inside { out += line + "\n" }
        }
        return out
    }

    @Test func theIndexLinksEveryRolesPage() throws {
        let index = try String(contentsOf: Self.pages.appendingPathComponent("README.md"), encoding: .utf8)
        for role in Self.roles {
            #expect(index.contains("[\(role).md](\(role).md)"), "the index does not link \(role).md")
            #expect(FileManager.default.fileExists(atPath: Self.pages.appendingPathComponent(role + ".md").path))
        }
    }

    @Test(arguments: roles) func everyCommandOnThePageRuns(_ role: String) throws {
        let ws = try SampleCopy()
        // What the page writes under /tmp goes to this test's own scratch folder, so runs never meet.
        let scratch = ws.scratch("tmp")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let script = try Self.commands(role).replacingOccurrences(of: "/tmp/", with: scratch + "/")
        let lines = script.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let folio = lines.filter { $0.hasPrefix("folio ") || $0.contains(" folio ") }
        #expect(folio.count >= 3, "\(role).md has \(folio.count) folio commands")
        let refused = lines.filter { $0.contains("|| echo") }.count
        let bin = try FolioRunner.binary().deletingLastPathComponent().path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-e", "-c", script]
        p.currentDirectoryURL = ws.root
        var env = ProcessInfo.processInfo.environment
        for name in ["LANG", "LC_ALL", "LC_MESSAGES", "FOLIO_KEY", "FOLIO_STUDENT_SECRET"] { env[name] = nil }
        env["PATH"] = bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["FOLIO_PASSPHRASE"] = "demo"
        env["FOLIO_NOW"] = ws.now
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(role).md stopped at a failing command:\n\(stdout.suffix(1500))\n\(stderr.suffix(1500))")
        // Each refusal the page shows is a refusal by a rule (exit 1), said as the role reads it.
        #expect(stdout.components(separatedBy: "結束碼 1").count - 1 == refused, "\(role).md: \(stdout.suffix(800))")
        #expect(!stderr.contains("錯誤：") || refused > 0, "\(role).md printed an error: \(stderr)")
    }
}
