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
        return ["chromium", "chromium-browser", "google-chrome"].lazy.compactMap(onPath).first
    }

    /// Refuses before anything is written when there is no browser to print with, or, for a document printed in
    /// pieces, no pdfunite (poppler-utils) to join them.
    public static func requireTools(pieces: Int) throws(FolioError) -> (browser: String, unite: String?) {
        guard let found = browser() else { throw FolioError(.badInput, "pdf.noBrowser") }
        guard pieces > 1 else { return (found, nil) }
        guard let unite = onPath("pdfunite") else { throw FolioError(.badInput, "pdf.noUnite") }
        return (found, unite)
    }

    static func onPath(_ name: String) -> String? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        return folders.map { $0 + "/" + name }.first { access($0, X_OK) == 0 }
    }

    /// How many students go in one piece of a long document: Chromium lays out a few hundred pages quickly and in
    /// a few hundred megabytes, where a whole school's thousands of pages in one go take longer and far more memory.
    /// (`FOLIO_PRINT_PIECE` in a demo school, for tests.)
    public static var studentsPerPiece: Int {
        DemoSchool.hook("FOLIO_PRINT_PIECE").flatMap(Int.init).map { max(1, $0) } ?? 200
    }

    /// Prints the HTML files `pieces`, in order, into the one PDF `pdf`: each piece by its own Chromium, two at a
    /// time (this machine's two cores), then joined by pdfunite. The result is written under a temporary name,
    /// checked to be a whole PDF, flushed, and only then named, so a file under that name is a whole document.
    /// `waiting` is called every quarter second while the work goes on, for a progress line.
    public static func print(pieces: [String], to pdf: String, browser: String, unite: String?, scratch: String,
                             waiting: () -> Void = {}) throws(FolioError) {
        let temporary = pdf + ".partial"
        FileIO.removeTree(temporary)
        var printed: [String] = []
        var running: [(Process, String)] = []
        var next = 0
        let parallel = max(1, min(2, ProcessInfo.processInfo.activeProcessorCount))
        do throws(FolioError) {
            while next < pieces.count || !running.isEmpty {
                while running.count < parallel && next < pieces.count {
                    let out = pieces.count == 1 ? temporary : scratch + "/piece-\(next).pdf"
                    running.append((try start(html: pieces[next], to: out, browser: browser, scratch: scratch, number: next), out))
                    printed.append(out)
                    next += 1
                }
                usleep(250_000)
                waiting()
                for (process, out) in running where !process.isRunning {
                    guard process.terminationStatus == 0, whole(out) else {
                        throw FolioError(.io, "pdf.failed", ["browser": browser, "why": lastWords(scratch, process)])
                    }
                }
                running.removeAll { !$0.0.isRunning }
            }
            if let unite, pieces.count > 1 {
                try run(unite, printed + [temporary], scratch: scratch, waiting: waiting)
                guard whole(temporary) else { throw FolioError(.io, "pdf.failed", ["browser": unite, "why": "pdfunite"]) }
            }
        } catch {
            for (process, _) in running { process.terminate() }
            FileIO.removeTree(temporary)
            throw error
        }
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); close(fd) }
        guard rename(temporary, pdf) == 0 else {
            FileIO.removeTree(temporary)
            throw FolioError(.io, "pdf.failed", ["browser": browser, "why": String(cString: strerror(errno))])
        }
        FileIO.fsyncDirectory((pdf as NSString).deletingLastPathComponent)
    }

    /// Starts one Chromium printing `html` to `out`, with a profile of its own; what it says goes to a log beside it.
    private static func start(html: String, to out: String, browser: String, scratch: String, number: Int) throws(FolioError) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        var arguments = ["--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                         "--disable-background-networking", "--disable-sync", "--disable-component-update",
                         "--user-data-dir=" + scratch + "/profile-\(number)", "--no-pdf-header-footer", "--print-to-pdf-no-header",
                         "--print-to-pdf=" + out, URL(fileURLWithPath: html).absoluteString]
        // Chromium refuses to run as root with its sandbox; an office PC's folio normally runs as a clerk's account.
        if geteuid() == 0 { arguments.insert("--no-sandbox", at: 0) }
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = scratch
        process.environment = environment
        try attachLog(process, scratch + "/log-\(process.hash)")
        do { try process.run() } catch {
            throw FolioError(.io, "pdf.failed", ["browser": browser, "why": error.localizedDescription])
        }
        return process
    }

    /// Runs a tool to its end, calling `waiting` meanwhile; refuses when it fails.
    private static func run(_ tool: String, _ arguments: [String], scratch: String, waiting: () -> Void) throws(FolioError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        try attachLog(process, scratch + "/log-\(process.hash)")
        do { try process.run() } catch {
            throw FolioError(.io, "pdf.failed", ["browser": tool, "why": error.localizedDescription])
        }
        while process.isRunning {
            usleep(250_000)
            waiting()
        }
        guard process.terminationStatus == 0 else {
            throw FolioError(.io, "pdf.failed", ["browser": tool, "why": lastWords(scratch, process)])
        }
    }

    private static func attachLog(_ process: Process, _ log: String) throws(FolioError) {
        guard FileManager.default.createFile(atPath: log, contents: nil), let handle = FileHandle(forWritingAtPath: log) else {
            throw FileIO.ioError("create", log)
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
    }

    /// The last line a failed tool wrote, or its exit status.
    private static func lastWords(_ scratch: String, _ process: Process) -> String {
        let said = FileManager.default.contents(atPath: scratch + "/log-\(process.hash)") ?? Data()
        let last = String(decoding: said, as: UTF8.self).split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        return last.isEmpty ? "exit \(process.terminationStatus)" : last
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
