import FolioCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors of the test harness itself (not of folio).
public struct FolioHarnessError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// What one run of the `folio` binary did.
public struct FolioResult: Sendable, CustomStringConvertible {
    public let arguments: [String]
    public let status: Int32
    /// True when the process ended by a signal rather than by exiting (then `status` is the signal number).
    public let signalled: Bool
    public let stdoutData: Data
    public let stderrData: Data

    public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    public var stderr: String { String(decoding: stderrData, as: UTF8.self) }
    public var succeeded: Bool { !signalled && status == 0 }

    public var description: String {
        "folio \(arguments.joined(separator: " "))\n→ \(signalled ? "signal" : "exit") \(status)\n"
            + "stdout: \(stdout)\nstderr: \(stderr)"
    }
}

/// A process started with `FolioRunner.start`, which the test may kill.
public final class FolioProcess: @unchecked Sendable {
    let process: Process
    let stdoutURL: URL
    let stderrURL: URL
    let arguments: [String]

    init(process: Process, stdoutURL: URL, stderrURL: URL, arguments: [String]) {
        self.process = process
        self.stdoutURL = stdoutURL
        self.stderrURL = stderrURL
        self.arguments = arguments
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// What the process has written to standard output so far: a test reads a server's address from it
    /// while the server runs.
    public var outputSoFar: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }

    /// Sends SIGKILL: the process gets no chance to clean up.
    public func kill() { sendSIGKILL(process.processIdentifier) }

    /// Waits for the process to end and collects its output.
    public func wait() -> FolioResult {
        process.waitUntilExit()
        let out = (try? Data(contentsOf: stdoutURL)) ?? Data()
        let err = (try? Data(contentsOf: stderrURL)) ?? Data()
        try? FileManager.default.removeItem(at: stdoutURL)
        try? FileManager.default.removeItem(at: stderrURL)
        return FolioResult(arguments: arguments, status: process.terminationStatus,
                           signalled: process.terminationReason == .uncaughtSignal,
                           stdoutData: out, stderrData: err)
    }
}

private func sendSIGKILL(_ pid: Int32) { _ = kill(pid, SIGKILL) }

/// Runs the built `folio` executable the way a user would: a separate process, with its own environment.
public enum FolioRunner {
    /// Environment variables folio reads; none is inherited from the test's own environment.
    public static let folioVariables = ["FOLIO_KEY", "FOLIO_NOW", "FOLIO_CRASH_AT", "FOLIO_STEP_DELAY_MS", "FOLIO_SEAL_BATCH",
                                        "FOLIO_BUNDLE_PART_ENTRIES", "FOLIO_BUNDLE_PART_BYTES", "FOLIO_PASSPHRASE",
                                        "FOLIO_STUDENT_SECRET", "FOLIO_PRINT_PIECE"]

    /// The `folio` binary: `$FOLIO_BIN` if set, else next to the running test bundle (the build products
    /// directory, where `swift build --build-tests` put it because FolioCLITests depends on it). Under
    /// `swift test` on Linux, `CommandLine.arguments[0]` is `<scratch>/debug/folioPackageTests.xctest`, so its
    /// directory is the one; the Bundle-based candidates cover other runners (and macOS bundles).
    public static func binary() throws -> URL {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment["FOLIO_BIN"], !path.isEmpty {
            guard fm.isExecutableFile(atPath: path) else {
                throw FolioHarnessError("FOLIO_BIN=\(path) is not an executable file.")
            }
            return URL(fileURLWithPath: path)
        }
        var candidates: [URL] = []
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(argv0.deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        // On macOS the test bundle is Products/x.xctest/Contents/MacOS/x.
        candidates.append(argv0.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent())
        for dir in candidates {
            let url = dir.appendingPathComponent("folio")
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue, fm.isExecutableFile(atPath: url.path) {
                return url
            }
        }
        throw FolioHarnessError("Cannot find the folio binary near \(argv0.path); build it or set FOLIO_BIN. "
                                + "Looked in: \(candidates.map(\.path).joined(separator: ", ")).")
    }

    /// The environment for a run: the test's own, minus folio's variables, plus the demo keys' published
    /// passphrase, plus `env`.
    static func environment(_ env: [String: String]) -> [String: String] {
        var out = ProcessInfo.processInfo.environment
        for name in folioVariables { out[name] = nil }
        // Tests read folio's English messages unless they ask for another language (`env: ["LANG": …]` or `--lang`).
        out["LC_ALL"] = nil
        out["LC_MESSAGES"] = nil
        out["LANG"] = "en_US.UTF-8"
        out["FOLIO_PASSPHRASE"] = DemoKeys.passphrase
        for (k, v) in env { out[k] = v }
        return out
    }

    /// Starts folio without waiting for it. Output goes to temporary files, so no pipe can fill up.
    /// `wrapper`: a program that runs folio, with its own arguments first (`["faketime", "2031-01-01"]`).
    public static func start(_ arguments: [String], env: [String: String] = [:],
                             directory: URL? = nil, wrapper: [String] = []) throws -> FolioProcess {
        let process = Process()
        if let tool = wrapper.first {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [tool] + wrapper.dropFirst() + [try binary().path] + arguments
        } else {
            process.executableURL = try binary()
            process.arguments = arguments
        }
        process.environment = environment(env)
        if let directory { process.currentDirectoryURL = directory }
        let tmp = FileManager.default.temporaryDirectory
        let token = UUID().uuidString
        let outURL = tmp.appendingPathComponent("folio-out-\(token)")
        let errURL = tmp.appendingPathComponent("folio-err-\(token)")
        guard FileManager.default.createFile(atPath: outURL.path, contents: nil),
              FileManager.default.createFile(atPath: errURL.path, contents: nil) else {
            throw FolioHarnessError("Cannot create output files in \(tmp.path).")
        }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        return FolioProcess(process: process, stdoutURL: outURL, stderrURL: errURL, arguments: arguments)
    }

    /// Runs folio to the end.
    @discardableResult
    public static func run(_ arguments: [String], env: [String: String] = [:], directory: URL? = nil,
                           wrapper: [String] = []) throws -> FolioResult {
        try start(arguments, env: env, directory: directory, wrapper: wrapper).wait()
    }
}

/// A private copy of the committed SampleWorkspace in a fresh temporary directory, plus helpers to run
/// folio against it as a given person at a given time.
public final class SampleCopy: @unchecked Sendable {
    /// The temporary directory holding the copy (and room for scratch files next to it).
    public let base: URL
    /// The workspace itself: `base/SampleWorkspace`.
    public let root: URL
    /// The clock for runs that do not give their own `now`.
    public var now: String

    /// The committed sample: `$FOLIO_SAMPLE` if set, else `SampleWorkspace` at the package root.
    public static func sampleURL() -> URL {
        if let path = ProcessInfo.processInfo.environment["FOLIO_SAMPLE"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("SampleWorkspace")
    }

    public init(now: String = "2025-01-08T13:00") throws {
        let fm = FileManager.default
        let sample = Self.sampleURL()
        guard fm.fileExists(atPath: sample.appendingPathComponent("folio.json").path) else {
            throw FolioHarnessError("No sample workspace at \(sample.path).")
        }
        base = fm.temporaryDirectory.appendingPathComponent("folio-e2e-\(UUID().uuidString)")
        try fm.createDirectory(at: base, withIntermediateDirectories: true)
        root = base.appendingPathComponent("SampleWorkspace")
        do {
            try fm.copyItem(at: sample, to: root)
            // A lock or half-finished transaction in the developer's checkout is not part of the sample.
            try? fm.removeItem(at: root.appendingPathComponent(".folio"))
        } catch {
            try? fm.removeItem(at: base)
            throw error
        }
        self.now = now
    }

    deinit { try? FileManager.default.removeItem(at: base) }

    /// Makes another independent copy of the sample.
    public func sibling() throws -> SampleCopy { try SampleCopy(now: now) }

    /// A path inside the workspace.
    public func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
    /// A path in the scratch area next to the workspace (outside it).
    public func scratch(_ name: String) -> String { base.appendingPathComponent(name).path }
    public func key(_ id: String) -> String { path("keys/\(id).key") }
    public func asset(_ name: String) -> String { path("assets/\(name)") }

    /// Runs `folio ARGS --workspace ROOT` with FOLIO_NOW set.
    @discardableResult
    public func folio(_ arguments: [String], now: String? = nil, env: [String: String] = [:]) throws -> FolioResult {
        try FolioRunner.run(arguments + ["--workspace", root.path], env: ["FOLIO_NOW": now ?? self.now].merging(env) { $1 })
    }

    /// Runs a signed command as `who`: staff and devices with their demo key, a student (a student number)
    /// with their published demo secret, as typed at a kiosk.
    @discardableResult
    public func folio(as who: String, _ arguments: [String], now: String? = nil, env: [String: String] = [:],
                      for delegateFor: String? = nil) throws -> FolioResult {
        let signing = DemoSigner.signing(who, keys: path("keys"))
        var args = arguments + signing.arguments
        if let delegateFor { args += ["--for", delegateFor] }
        return try folio(args, now: now, env: signing.env.merging(env) { $1 })
    }

    /// Runs folio in another workspace of this school (a replica in the scratch area), signing as `who` with
    /// the sample's demo keys or a student's secret. `init --dir` names its new workspace itself and is given
    /// the school root fingerprint, as the IT section gives it on paper.
    @discardableResult
    public func folio(in dir: String, as who: String? = nil, _ args: [String], now: String) throws -> FolioResult {
        let signing = who.map { DemoSigner.signing($0, keys: path("keys")) } ?? (arguments: [], env: [:])
        let workspace = args.first == "init" ? ["--root-fingerprint", rootFingerprint] : ["--workspace", dir]
        return try FolioRunner.run(args + signing.arguments + workspace, env: ["FOLIO_NOW": now].merging(signing.env) { $1 })
    }

    /// The names in a folder (a stick), sorted; none when it does not exist.
    public static func listing(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    /// The sample's school root fingerprint, as the IT section gives it on paper.
    public var rootFingerprint: String { DemoSigner.rootFingerprint(keys: path("keys")) }

    /// A student's published demo secret.
    public func secret(_ student: String) -> String { DemoSigner.secret(student, keys: path("keys")) ?? "" }

    /// The arguments of `folio add` for a kiosk upload.
    public static func addArguments(student: String, category: String = "course-outcome", term: String,
                                    course: String? = nil, description: String, files: [String],
                                    fields: [String: String] = [:], replace: String? = nil) -> [String] {
        var args = ["add", student, "--category", category, "--term", term, "--description", description]
        if let course { args += ["--course", course] }
        for f in files { args += ["--file", f] }
        for (k, v) in fields.sorted(by: { $0.key < $1.key }) { args += ["--field", "\(k)=\(v)"] }
        if let replace { args += ["--replace", replace] }
        return args + ["--json"]
    }

    /// The student uploads at the classroom kiosk (with their secret); returns the new item's id, or throws
    /// with folio's output if refused.
    public func upload(student: String, category: String = "course-outcome", term: String = "113-1",
                       course: String? = nil, description: String, assets: [String], fields: [String: String] = [:],
                       replace: String? = nil, now: String? = nil) throws -> String {
        let r = try folio(as: student, Self.addArguments(
            student: student, category: category, term: term, course: course, description: description,
            files: assets.map(asset), fields: fields, replace: replace), now: now)
        guard r.succeeded else { throw FolioHarnessError("upload failed: \(r)") }
        guard let object = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any],
              let id = object["id"] as? String else {
            throw FolioHarnessError("upload printed no item id: \(r)")
        }
        return id
    }

    /// `folio status STUDENT --json`, decoded as plain JSON.
    public func status(_ student: String) throws -> [String: Any] {
        let r = try folio(["status", student, "--json"])
        guard r.succeeded, let object = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any] else {
            throw FolioHarnessError("status failed: \(r)")
        }
        return object
    }

    /// The items of `folio status STUDENT --json`.
    public func items(_ student: String) throws -> [[String: Any]] {
        (try status(student)["items"] as? [[String: Any]]) ?? []
    }

    /// One item of `folio status STUDENT --json`.
    public func item(_ student: String, _ id: String) throws -> [String: Any] {
        guard let item = try items(student).first(where: { $0["id"] as? String == id }) else {
            throw FolioHarnessError("student \(student) has no item \(id)")
        }
        return item
    }

    /// A byte-for-byte picture of the workspace (without `.folio/`).
    public func snapshot() throws -> TreeSnapshot { try TreeSnapshot(of: root) }

    /// The same picture with the bookkeeping in `.folio/` (peer book, staging, transactions): everything
    /// but the lock file, which every writing command opens.
    public func snapshotWithBookkeeping() throws -> TreeSnapshot {
        try TreeSnapshot(of: root, ignoring: [".folio/lock"])
    }
}
