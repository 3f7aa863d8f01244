import Foundation
import Testing

/// A fresh directory under the system temp folder, removed when the value goes away.
final class TemporaryDirectory {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("folio-tar-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func child(_ name: String) -> String { url.appendingPathComponent(name).path }
}

struct ToolResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs an outside tool (GNU tar, bsdtar, openssl) so results are checked independently of FolioTar.
/// Output goes to files, not pipes, so a chatty tool can never fill a pipe and hang the test.
@discardableResult
func runTool(_ arguments: [String], in directory: String? = nil) throws -> ToolResult {
    let scratch = try TemporaryDirectory()
    let outURL = scratch.url.appendingPathComponent("out")
    let errURL = scratch.url.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    var environment = ProcessInfo.processInfo.environment
    environment["LC_ALL"] = "C.UTF-8"
    process.environment = environment
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    process.standardOutput = out
    process.standardError = err
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    return ToolResult(
        status: process.terminationStatus,
        stdout: try String(contentsOf: outURL, encoding: .utf8),
        stderr: try String(contentsOf: errURL, encoding: .utf8))
}

/// SHA-256 computed by OpenSSL, not by the code under test.
func opensslSHA256(ofFile path: String) throws -> String {
    let result = try runTool(["openssl", "dgst", "-sha256", "-r", path])
    #expect(result.status == 0, "openssl failed: \(result.stderr)")
    return String(result.stdout.prefix(64))
}

/// All regular files under `root`, as relative path → content.
func filesUnder(_ root: String) throws -> [String: Data] {
    var result: [String: Data] = [:]
    let base = URL(fileURLWithPath: root).standardizedFileURL.path
    guard let walker = FileManager.default.enumerator(atPath: base) else { return result }
    while let relative = walker.nextObject() as? String {
        let full = base + "/" + relative
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
            result[relative] = try Data(contentsOf: URL(fileURLWithPath: full))
        }
    }
    return result
}
