import FolioTestSupport
import Foundation
import Testing

/// Long work shows how far it has come on a terminal, and only there: a script or `--json` gets the
/// command's own output alone. The terminal is a real one (`script` gives the command a pseudo-terminal);
/// the two quiet seconds are cut to none with the demo school's test hook.
@Suite struct ProgressTests {
    /// Runs folio under `script`, so that its standard error is a terminal; returns all it wrote there.
    func onATerminal(_ ws: SampleCopy, _ arguments: [String], env extra: [String: String] = [:], inWorkspace: Bool = true) throws -> String {
        let binary = try FolioRunner.binary().path
        let command = ([binary] + arguments + (inWorkspace ? ["--workspace", ws.root.path] : [])).map { "'\($0)'" }.joined(separator: " ")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        p.arguments = ["-qec", command, "/dev/null"]
        var env = ProcessInfo.processInfo.environment
        env["FOLIO_NOW"] = ws.now
        env["FOLIO_PROGRESS_AFTER_MS"] = "0"
        env["LANG"] = "zh_TW.UTF-8"
        p.environment = env.merging(extra) { $1 }
        let out = Pipe()
        p.standardOutput = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text)")
        return text
    }

    @Test func aFullVerifyShowsItsProgressOnATerminalAndNowhereElse() throws {
        let ws = try SampleCopy()
        let shown = try onATerminal(ws, ["verify", "--full"])
        #expect(shown.contains("檢查學生資料：") && shown.contains("位學生"), "\(shown)")
        #expect(shown.contains("\r\u{1B}[K"), "the line is rewritten in place and cleared at the end")
        // The same command into a pipe, as a script runs it: the report alone.
        let piped = try ws.folio(["verify", "--full"], env: ["FOLIO_PROGRESS_AFTER_MS": "0", "LANG": "zh_TW.UTF-8"])
        #expect(piped.succeeded && !piped.stderr.contains("檢查學生資料") && !piped.stdout.contains("檢查學生資料"), "\(piped)")
        // And with --json on a terminal: nothing but the JSON.
        let json = try onATerminal(ws, ["verify", "--full", "--json"])
        #expect(!json.contains("檢查學生資料"), "\(json)")
    }

    @Test func sealingShowsItsProgressCountingGraduates() throws {
        let ws = try SampleCopy(now: "2025-07-01T09:00")
        let graduated = try ws.folio(as: "R01", ["graduate", "--grade", "12", "--date", "2025-06-30"])
        #expect(graduated.succeeded, "\(graduated)")
        let text = try onATerminal(ws, ["archive", "seal", "--as", "R01", "--key", ws.key("R01")], env: ["FOLIO_PASSPHRASE": "demo"])
        #expect(text.contains("封存畢業生：") && text.contains("MB"), "\(text)")
    }

    @Test func aBackupAndARestoreShowTheirProgressCountingFiles() throws {
        let ws = try SampleCopy()
        let place = ws.scratch("backup")
        let backedUp = try onATerminal(ws, ["backup", "--to", place, "--as", "IT1", "--key", ws.key("IT1")], env: ["FOLIO_PASSPHRASE": "demo"])
        #expect(backedUp.contains("讀取工作區：") && backedUp.contains("寫入備份：") && backedUp.contains("個檔案"), "\(backedUp)")
        let restored = try onATerminal(ws, ["restore", "--from", place, "--to", ws.scratch("restored"), "--root-fingerprint", ws.rootFingerprint],
                                       inWorkspace: false)
        #expect(restored.contains("還原工作區：") && restored.contains("MB"), "\(restored)")
    }

    @Test func aKioskJoiningFromAStickShowsTheImportCountingEntries() throws {
        let ws = try SampleCopy()
        let usb = ws.scratch("usb")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        let exported = try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", usb])
        #expect(exported.succeeded, "\(exported)")
        let update = try #require(SampleCopy.listing(usb).first { $0.hasPrefix("update-") })
        let text = try onATerminal(ws, ["init", "--dir", ws.scratch("kiosk"), "--join", "\(usb)/\(update)", "--as", "KIOSK1",
                                        "--key", ws.key("KIOSK1"), "--root-fingerprint", ws.rootFingerprint],
                                   env: ["FOLIO_PASSPHRASE": "demo"], inWorkspace: false)
        #expect(text.contains("匯入資料包：") && text.contains("個項目"), "\(text)")
    }
}
