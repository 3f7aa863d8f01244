import FolioTestSupport
import Foundation
import Testing

@Suite struct HelpTests {
    /// The subcommand names listed under SUBCOMMANDS in a help text.
    private func subcommands(_ help: String) -> [String] {
        var out: [String] = []
        var inSection = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") { inSection = true; continue }
            guard inSection else { continue }
            if line.isEmpty || !line.hasPrefix(" ") { inSection = false; continue }
            // "  name    abstract"; continuation lines of a long abstract are indented further.
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
            let name = line.dropFirst(2).prefix { !$0.isWhitespace }
            if !name.isEmpty, name != "See", name.allSatisfy({ $0.isLowercase || $0 == "-" }) { out.append(String(name)) }
        }
        return out
    }

    @Test func everySubcommandsHelpContainsAnExample() throws {
        let top = try FolioRunner.run(["--help"])
        #expect(top.succeeded, "\(top)")
        var queue = subcommands(top.stdout).map { [$0] }
        #expect(queue.count >= 15, "\(top.stdout)")
        var leaves: [String] = []
        while !queue.isEmpty {
            let path = queue.removeFirst()
            let r = try FolioRunner.run(path + ["--help"])
            #expect(r.succeeded, "\(r)")
            let children = subcommands(r.stdout).filter { $0 != "help" }
            if children.isEmpty {
                leaves.append(path.joined(separator: " "))
                #expect(r.stdout.contains("Example"), "`folio \(path.joined(separator: " ")) --help` has no example:\n\(r.stdout)")
            } else {
                queue += children.map { path + [$0] }
            }
        }
        #expect(leaves.contains("roster import") && leaves.contains("add") && leaves.contains("staff list"), "\(leaves)")
    }
}
