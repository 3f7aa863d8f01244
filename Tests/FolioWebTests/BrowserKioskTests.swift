import FolioCore
import FolioTestSupport
import Foundation
import Testing

/// The kiosk pages in a real browser, as a student uses them: the built `folio serve --kiosk` as its own
/// process over a kiosk replica, and headless Chromium driven by `Tests/Browser/kiosk_flow.py` (Selenium,
/// Debian's chromedriver; `Scripts/install-deps --tests` installs both). Between the browser's visits the
/// replicas move by the binary as a school moves them: the stick to the office, the teacher certifies there,
/// the stick back. What only a browser shows is checked here: the page's script (the live counter, the
/// warning about a renamed picture, the idle sign-out), the Content-Security-Policy and the same-origin
/// check against what Chromium really sends, and the Chinese as it renders at 1366×768.
///
/// The screenshots stay in `.build/test-artifacts/browser/` (printed when the test runs).
@Suite struct BrowserKioskTests {
    static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let script = package.appendingPathComponent("Tests/Browser/kiosk_flow.py")
    static let artifacts = package.appendingPathComponent(".build/test-artifacts/browser")

    @Test func aStudentUploadsAtTheKioskIsCertifiedAtTheOfficeAndSelectsInTheBrowser() throws {
        let started = Date()
        let kiosk = try KioskFixture()
        let school = kiosk.school
        let student = "112002"
        let browser = Browser(student: student, secret: kiosk.secret(student))
        try? FileManager.default.removeItem(at: Self.artifacts)
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        print("BrowserKioskTests: screenshots in \(Self.artifacts.path)")
        let pdf = school.asset("physics-lab-report.pdf")
        // A picture renamed to look like a PDF, under a Chinese name as a student's own file would have.
        let fake = school.scratch("圖表.pdf")
        try FileManager.default.copyItem(atPath: school.asset("math-graph.png"), toPath: fake)

        // Afternoon at the kiosk: the upload; then the renamed picture, which changes nothing.
        var id = ""
        try KioskServer.with(kiosk.kiosk, now: "2025-01-08T14:00") { address in
            let said = try browser.run("upload", at: address, ["--pdf", pdf])
            id = try #require(said.split(separator: "\n").first { $0.hasPrefix("ITEM ") }.map { String($0.dropFirst(5)) },
                              "the page showed no item id:\n\(said)")
            let before = try kiosk.snapshot()
            try browser.run("refused", at: address, ["--fake", fake])
            let after = try kiosk.snapshot()
            #expect(after == before, "a refused upload changed the kiosk's workspace:\n\(after.differences(from: before))")
        }
        // The item is the kiosk's record, signed by the student, the file's bytes as the browser sent them.
        let item = try #require(try items(school, at: kiosk.kiosk, student, now: "2025-01-08T15:00").first { $0["id"] as? String == id })
        #expect(item["description"] as? String == "擺錘實驗報告" && item["course"] as? String == "PHY-11A"
                && item["uploadedBy"] as? String == student && item["status"] as? String == "uploaded", "\(item)")
        let files = try #require(item["files"] as? [[String: Any]])
        let stored = try Data(contentsOf: URL(fileURLWithPath: "\(kiosk.kiosk)/students/\(student)/\(files.first?["path"] as? String ?? "")"))
        #expect(stored == (try Data(contentsOf: URL(fileURLWithPath: pdf))), "the stored file is not the PDF the browser sent")

        // The evening stick takes it to the office; the next morning's stick brings the teacher's decision back.
        let usb = school.scratch("usb")
        try KioskFixture.require(try school.folio(in: kiosk.kiosk, as: "KIOSK1", ["sync", usb], now: "2025-01-08T17:00"))
        try KioskFixture.require(try school.folio(as: "R01", ["sync", usb], now: "2025-01-08T18:00"))
        // T001 certifies it at the office's review desk, in the browser: the item page shows the PDF in place.
        try KioskServer.with(school.root.path, desk: ["--key", school.key("T001")], now: "2025-01-09T10:00") { address in
            try Browser(student: "T001", secret: "demo").run("certify", at: address, ["--item", id, "--owner", student])
        }
        #expect(try school.item(student, id)["status"] as? String == "certified", "the office does not hold the certification")
        try KioskFixture.require(try school.folio(as: "R01", ["sync", usb], now: "2025-01-09T18:00"))
        try KioskFixture.require(try school.folio(in: kiosk.kiosk, as: "KIOSK1", ["sync", usb], now: "2025-01-10T08:00"))

        // Next morning, the kiosk started again: the student selects the certified item, then walks away.
        try KioskServer.with(kiosk.kiosk, now: "2025-01-10T08:30") { address in
            try browser.run("select", at: address, [])
        }
        // The selection, made in the browser and signed with the student's own key, counts at the office too.
        try KioskFixture.require(try school.folio(in: kiosk.kiosk, as: "KIOSK1", ["sync", usb], now: "2025-01-10T17:00"))
        try KioskFixture.require(try school.folio(as: "R01", ["sync", usb], now: "2025-01-10T18:00"))
        #expect(try school.item(student, id)["selected"] as? Bool == true, "the office does not hold the selection")
        print("BrowserKioskTests: \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    /// `folio status STUDENT --json`'s items in the workspace at `dir`.
    func items(_ school: SampleCopy, at dir: String, _ student: String, now: String) throws -> [[String: Any]] {
        let r = try school.folio(in: dir, ["status", student, "--json"], now: now)
        try KioskFixture.require(r)
        return ((try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])?["items"] as? [[String: Any]]) ?? []
    }
}

/// `folio serve` over a workspace (a kiosk's pages, or a desk with `--key`), as a real process on a port the
/// system picks, in Chinese.
enum KioskServer {
    /// Runs `body` with the server's address while it runs; stops it after, whatever `body` did, and adds
    /// what the server said to a failure.
    static func with(_ workspace: String, desk: [String] = ["--kiosk"], now: String, _ body: (String) throws -> Void) throws {
        // The runner asks for English by default; a kiosk speaks Chinese, and the pages check its words.
        // One idle minute, so the page's own idle sign-out is due within the test (run ahead in the browser).
        let server = try FolioRunner.start(["serve"] + desk + ["--workspace", workspace, "--port", "0", "--idle-minutes", "1"],
                                           env: ["FOLIO_NOW": now, "LANG": "zh_TW.UTF-8"])
        let deadline = Date().addingTimeInterval(30)
        var address: String?
        while address == nil, server.isRunning, Date() < deadline {
            address = Self.address(in: server.outputSoFar)
            if address == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        let outcome = Result { () throws -> Void in
            guard let address else { throw FolioHarnessError("folio serve printed no address") }
            try body(address)
        }
        if server.isRunning { server.kill() }
        let said = server.wait()
        if case .failure(let error) = outcome { throw FolioHarnessError("\(error)\n\(said)") }
    }

    /// The address in `頁面已開啟：http://127.0.0.1:PORT/`.
    static func address(in output: String) -> String? {
        let marker = "頁面已開啟："
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix(marker) }) else { return nil }
        let address = line.dropFirst(marker.count).trimmingCharacters(in: .whitespaces)
        return address.hasPrefix("http://127.0.0.1:") ? address : nil
    }
}

/// One phase of `kiosk_flow.py`, a browser of its own each time.
struct Browser {
    let student: String
    let secret: String

    /// Runs the phase; its lines go to the test's output. Throws with everything it said unless it exits 0,
    /// so a missing browser fails the test with the script's own words (what is missing, how to install it).
    @discardableResult
    func run(_ phase: String, at address: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", BrowserKioskTests.script.path, phase, "--url", address, "--student", student,
                             "--secret", secret, "--shots", BrowserKioskTests.artifacts.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw FolioHarnessError("cannot run python3 (\(error)); run ./Scripts/install-deps --tests") }
        // A phase takes seconds; a browser that hangs must not hold CI until its overall limit.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog.cancel()
        print(said, terminator: "")
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw FolioHarnessError("kiosk_flow.py \(phase) failed (status \(process.terminationStatus)):\n\(said)")
        }
        return said
    }
}
