import FolioCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Prints folio's own HTML documents to PDF with headless Chromium, the engine that lays out Traditional Chinese with
/// the Noto CJK fonts exactly as the browser shows it. Chromium runs with a private, throw-away profile, without
/// extensions, background networking or a first-run page; the documents it prints hold no script and nothing from
/// elsewhere (every value in them is escaped), so it reads only the one local file it is given.
public enum PDFPrinter {
    /// The browser: `$FOLIO_CHROMIUM` when set, else the first of chromium, chromium-browser and google-chrome on the
    /// PATH.
    public static func browser() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let chosen = environment["FOLIO_CHROMIUM"], !chosen.isEmpty {
            return access(chosen, X_OK) == 0 ? chosen : nil
        }
        let folders = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in folders where access(folder + "/" + name, X_OK) == 0 { return folder + "/" + name }
        }
        return nil
    }

    /// Refuses before anything is written when there is no browser to print with.
    public static func requireBrowser() throws(FolioError) -> String {
        guard let found = browser() else { throw FolioError(.badInput, "pdf.noBrowser") }
        return found
    }

    /// Prints the HTML file `html` to `pdf`: Chromium writes a temporary file beside it, which is checked to be a
    /// whole PDF, flushed, and only then named, so a file under that name is a whole document.
    /// `waiting` is called every quarter second while Chromium works, for a progress line.
    public static func print(html: String, to pdf: String, browser: String, scratch: String,
                             waiting: () -> Void = {}) throws(FolioError) {
        let temporary = pdf + ".partial"
        FileIO.removeTree(temporary)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        var arguments = ["--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                         "--disable-background-networking", "--disable-sync", "--disable-component-update",
                         "--user-data-dir=" + scratch + "/profile", "--no-pdf-header-footer", "--print-to-pdf-no-header",
                         "--print-to-pdf=" + temporary, URL(fileURLWithPath: html).absoluteString]
        // Chromium refuses to run as root with its sandbox; an office PC's folio normally runs as a clerk's account.
        if geteuid() == 0 { arguments.insert("--no-sandbox", at: 0) }
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = scratch
        process.environment = environment
        // What Chromium says goes to a file in the scratch folder: only its last line matters, and only on failure.
        let log = scratch + "/chromium.log"
        guard FileManager.default.createFile(atPath: log, contents: nil), let errors = FileHandle(forWritingAtPath: log) else {
            throw FileIO.ioError("create", log)
        }
        defer { try? errors.close() }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw FolioError(.io, "pdf.failed", ["browser": browser, "why": error.localizedDescription])
        }
        while process.isRunning {
            usleep(250_000)
            waiting()
        }
        process.waitUntilExit()
        let said = FileManager.default.contents(atPath: log) ?? Data()
        guard process.terminationStatus == 0, whole(temporary) else {
            FileIO.removeTree(temporary)
            let last = String(decoding: said, as: UTF8.self).split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
            throw FolioError(.io, "pdf.failed", ["browser": browser, "why": last.isEmpty ? "exit \(process.terminationStatus)" : last])
        }
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); close(fd) }
        guard rename(temporary, pdf) == 0 else {
            FileIO.removeTree(temporary)
            throw FolioError(.io, "pdf.failed", ["browser": browser, "why": String(cString: strerror(errno))])
        }
        FileIO.fsyncDirectory((pdf as NSString).deletingLastPathComponent)
    }

    /// A PDF Chromium finished: it starts with `%PDF-` and ends with `%%EOF` (and perhaps a line break).
    static func whole(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 5), head == Data("%PDF-".utf8),
              let end = try? handle.seekToEnd(), end > 16 else { return false }
        try? handle.seek(toOffset: end - 16)
        guard let tail = try? handle.readToEnd() else { return false }
        return String(decoding: tail, as: UTF8.self).contains("%%EOF")
    }
}
