import FolioCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the last backup learnt of each file: its `lstat` stamp (inode, size, modification and change times,
/// `FileStamp`, the same rule `folio verify`'s cache and git's index use) and the SHA-256 of its bytes. A file
/// whose stamp is unchanged is not read again, so backing up an unchanged school costs a `stat` per file
/// instead of reading every byte. Kept in `.folio/cache/backup/stamps`, one line per file:
///
///     <inode> <size> <mtime ns> <ctime ns> <sha256> <path>
///
/// Deleting it is always safe (the next backup reads every file once). Best effort, like the verify cache: a
/// workspace on read-only media just goes without.
struct BackupStamps {
    private(set) var known: [String: (stamp: FileStamp, sha256: String)] = [:]

    static func path(_ ws: Workspace) -> String { ws.root + "/.folio/cache/backup/stamps" }

    static func load(_ ws: Workspace) -> BackupStamps {
        var stamps = BackupStamps()
        guard let bytes = try? FileIO.readAll(path(ws)) else { return stamps }
        for line in bytes.split(separator: 10) {
            let f = line.split(separator: 32, maxSplits: 5, omittingEmptySubsequences: false)
            guard f.count == 6, let inode = UInt64(String(decoding: f[0], as: UTF8.self)),
                  let size = Int64(String(decoding: f[1], as: UTF8.self)),
                  let mtime = Int64(String(decoding: f[2], as: UTF8.self)),
                  let ctime = Int64(String(decoding: f[3], as: UTF8.self)) else { continue }
            let sha = String(decoding: f[4], as: UTF8.self)
            guard SHA256Hex.isValid(sha) else { continue }
            stamps.known[String(decoding: f[5], as: UTF8.self)] =
                (FileStamp(kind: FileStamp.file, inode: inode, size: size, mtime: mtime, ctime: ctime), sha)
        }
        return stamps
    }

    /// The SHA-256 recorded for `path`, if its stamp is still the one it had then.
    func sha256(_ path: String, stamp: FileStamp) -> String? {
        guard let k = known[path], k.stamp == stamp else { return nil }
        return k.sha256
    }

    /// Writes what this backup learnt, leaving out files changed in the two seconds before it began: file
    /// times tick coarsely, so a file rewritten twice within one tick could keep its stamp.
    static func save(_ ws: Workspace, _ files: [(path: String, stamp: FileStamp, sha256: String)], startedAt: Int64) {
        var out: [UInt8] = []
        out.reserveCapacity(files.count * 150)
        for f in files where max(f.stamp.mtime, f.stamp.ctime) < startedAt - 2_000_000_000 {
            out += Array("\(f.stamp.inode) \(f.stamp.size) \(f.stamp.mtime) \(f.stamp.ctime) \(f.sha256) \(f.path)\n".utf8)
        }
        let target = path(ws)
        guard (try? FileIO.makeDirectories(FileIO.parent(of: target))) != nil else { return }
        // A name of this process's own: two backups of one workspace to two places may run side by side
        // (both hold only the shared lock), and each renames a whole file into place.
        let temporary = target + ".\(getpid()).tmp"
        unlink(temporary)
        guard (try? FileIO.writeNew(temporary, out, mode: 0o600, flush: false)) != nil else { return }
        if rename(temporary, target) != 0 { unlink(temporary) }
    }
}
