import Foundation

/// What the reading commands (`verify`, `status`, `archive list`) say of a workspace that an interrupted
/// command may have left with a committed transaction still to finish: with one, each names the interrupted
/// command and `folio repair` in one line at the top, and none of them points at a backup; without one,
/// none warns and verify passes. Returns what is wrong, empty when all is as it should be.
public enum ReaderCheck {
    public static func complaints(_ ws: SampleCopy, interrupted: Bool, command: String,
                                  student: String = "112002") throws -> [String] {
        var wrong: [String] = []
        let verify = try ws.folio(["verify"])
        let status = try ws.folio(["status", student])
        let archive = try ws.folio(["archive", "list"])
        let named = "interrupted `folio \(command)`"
        if interrupted {
            if verify.succeeded { wrong.append("verify passed with changes half applied: \(verify)") }
            if !verify.stderr.contains(named) || !verify.stderr.contains("folio repair") {
                wrong.append("verify does not name the \(named) and `folio repair`: \(verify)")
            }
            if verify.stdout.contains("PROBLEM") { wrong.append("verify lists problems the repair fixes: \(verify)") }
            if verify.stderr.contains("Restore") { wrong.append("verify points at a backup: \(verify)") }
            for (name, r) in [("status", status), ("archive list", archive)] {
                if !r.succeeded { wrong.append("\(name) failed: \(r)") }
                let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
                if !first.hasPrefix("warning:") || !first.contains(named) || !first.contains("folio repair") {
                    wrong.append("\(name) does not warn of the \(named) in its first line: \(r)")
                }
            }
        } else {
            if !verify.succeeded { wrong.append("verify failed: \(verify)") }
            for (name, r) in [("status", status), ("archive list", archive)] where !r.succeeded || r.stderr.contains("warning:") {
                wrong.append("\(name) failed or warned with nothing interrupted: \(r)")
            }
        }
        return wrong
    }
}
