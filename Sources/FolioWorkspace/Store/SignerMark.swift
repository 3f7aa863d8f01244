import FolioCore
import Foundation

/// The newest moment each key has signed on this machine (`.folio/signers/<key digest>`): local, never
/// exported, rebuilt by nothing, because it only adds to what a folder's own records show. With it, a real
/// school's signer cannot date a record before their own earlier ones in *another* student's folder by
/// turning the clock back (`WorkspaceSession.checkClock`). Losing the file loses only that extra reach.
enum SignerMark {
    static func path(_ key: String, in workspace: Workspace) -> String {
        workspace.root + "/.folio/signers/" + String(SHA256Hex.of(Array(key.utf8)).prefix(16))
    }

    static func newest(key: String, in workspace: Workspace) -> Int64? {
        guard let bytes = try? FileIO.readAll(path(key, in: workspace)) else { return nil }
        return Int64(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Raises the mark to `now` (never lowers it). A failure to write is not an error: the mark is a guard
    /// the folder's records back up, not a record.
    static func note(_ now: Instant, key: String, in workspace: Workspace) {
        if let old = newest(key: key, in: workspace), old >= now.epochSeconds { return }
        let target = path(key, in: workspace)
        let temporary = target + ".tmp-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        do {
            try FileIO.makeDirectories(workspace.root + "/.folio/signers")
            try FileIO.writeNew(temporary, Array("\(now.epochSeconds)\n".utf8), flush: false)
            if rename(temporary, target) != 0 { unlink(temporary) }
        } catch {
            unlink(temporary)
        }
    }
}
