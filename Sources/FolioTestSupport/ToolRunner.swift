import Foundation

/// Runs a standard tool (tar, sha256sum, python3 -m bagit …) found on the PATH, as tests compare folio
/// with them, and returns its exit status and what it printed.
public enum ToolRunner {
    /// `mergingErrors`: standard error goes to the same output as standard output (a tool's complaint is
    /// then in the test's failure message); otherwise it is left to the terminal.
    public static func run(_ executable: String, _ arguments: [String], mergingErrors: Bool = false) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [executable] + arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        if mergingErrors { p.standardError = pipe }
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
