import FolioCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the last backup learnt of everything in the workspace: each entry's `lstat` stamp (inode, size,
/// modification and change times, `FileStamp`, the same rule `folio verify`'s cache and git's index use), each
/// file's SHA-256, and so each folder's names. A file whose stamp is unchanged is not read again, and a folder whose
/// stamp is unchanged is not listed again (adding, removing or renaming an entry changes its folder's stamp): backing
/// up an unchanged school costs a `stat` per entry instead of reading every byte. Kept in
/// `.folio/cache/backup/stamps`:
///
///     folio-backup-stamps/1
///     <kind> <inode> <size> <mtime ns> <ctime ns> <sha256 or -> <path>     one line per file or folder
///
/// `f` is a file (its SHA-256 given only when it had not changed in the two seconds before that backup: file times
/// tick coarsely, so a file rewritten twice within one tick could keep its stamp), `d` a folder whose names may be
/// taken from the lines below it, `D` one that must be listed again (changed in those two seconds, or holding
/// something a backup leaves out, which is then reported again). The workspace's own folder is the empty path.
///
/// Deleting it is always safe (the next backup reads every file once). Best effort, like the verify cache: a
/// workspace on read-only media just goes without.
struct BackupStamps {
    struct Known {
        var stamp: FileStamp
        /// A file's SHA-256, when it may be trusted.
        var sha256: String?
        /// A folder whose names may be taken from here.
        var listed: Bool
    }

    private(set) var known: [String: Known] = [:]
    /// The names in each folder (`listed` ones only), sorted as `FileIO.list` sorts them.
    private var names: [String: [String]] = [:]

    static let header = "folio-backup-stamps/1"

    static func path(_ ws: Workspace) -> String { ws.root + "/.folio/cache/backup/stamps" }

    static func load(_ ws: Workspace) -> BackupStamps {
        var stamps = BackupStamps()
        guard let bytes = try? FileIO.readAll(path(ws)), bytes.starts(with: Array((header + "\n").utf8)) else { return stamps }
        stamps.known.reserveCapacity(bytes.count / 120)
        // Read on the bytes, without a String per field: this file has a line per file of the school.
        var at = header.utf8.count + 1
        // The folders open above the current line, innermost last, each with the names found in it so far: lines
        // come in the order a backup walks (a folder, then everything in it), so a line's folder is one of these.
        var open: [(path: String, listed: Bool, names: [String])] = []
        func close(_ folder: (path: String, listed: Bool, names: [String])) {
            if folder.listed { stamps.names[folder.path] = folder.names }
        }
        while at < bytes.count {
            let end = bytes[at...].firstIndex(of: 10) ?? bytes.count
            defer { at = end + 1 }
            guard end - at > 2, bytes[at + 1] == 32 else { continue }
            let kind = bytes[at]
            var field = at + 2
            func number() -> Int64? {
                var value: Int64 = 0, digits = 0
                while field < end, bytes[field] != 32 {
                    let d = bytes[field]
                    guard d >= 48, d <= 57 else { return nil }
                    let (times, o1) = value.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = times.addingReportingOverflow(Int64(d - 48))
                    guard !o1, !o2 else { return nil }
                    value = sum
                    digits += 1
                    field += 1
                }
                guard digits > 0, field < end else { return nil }
                field += 1
                return value
            }
            guard [UInt8(ascii: "f"), UInt8(ascii: "d"), UInt8(ascii: "D")].contains(kind),
                  let inode = number(), let size = number(), let mtime = number(), let ctime = number() else { continue }
            let sha: String?
            if field < end, bytes[field] == UInt8(ascii: "-") {
                sha = nil
                field += 1
            } else {
                guard field + 64 <= end else { continue }
                let text = String(decoding: bytes[field..<field + 64], as: UTF8.self)
                guard kind == UInt8(ascii: "f"), SHA256Hex.isValid(text) else { continue }
                sha = text
                field += 64
            }
            // The separator before the path; the workspace's own folder, whose path is empty, may end the line there.
            guard field == end || bytes[field] == 32 else { continue }
            let path = field < end ? String(decoding: bytes[(field + 1)..<end], as: UTF8.self) : ""
            let folder = kind != UInt8(ascii: "f")
            let listed = kind == UInt8(ascii: "d")
            stamps.known[path] = Known(stamp: FileStamp(kind: folder ? FileStamp.directory : FileStamp.file, inode: UInt64(inode),
                                                        size: size, mtime: mtime, ctime: ctime),
                                       sha256: sha, listed: listed)
            if !path.isEmpty {
                let utf8 = path.utf8
                let slash = utf8.lastIndex(of: UInt8(ascii: "/"))
                let parent = slash.map { path[..<$0] } ?? ""
                while let top = open.last, top.path != parent { close(open.removeLast()) }
                guard !open.isEmpty else {
                    // Not in the order a backup writes: take nothing from it.
                    return BackupStamps()
                }
                open[open.count - 1].names.append(String(path[(slash.map { utf8.index(after: $0) } ?? utf8.startIndex)...]))
            }
            if folder { open.append((path, listed, [])) }
        }
        while let top = open.popLast() { close(top) }
        return stamps
    }

    /// The SHA-256 recorded for the file `path`, if its stamp is still the one it had then.
    func sha256(_ path: String, stamp: FileStamp) -> String? {
        guard let k = known[path], k.stamp == stamp else { return nil }
        return k.sha256
    }

    /// The names recorded in the folder `path`, if its stamp is still the one it had then.
    func names(_ path: String, stamp: FileStamp) -> [String]? {
        guard let k = known[path], k.listed, k.stamp == stamp else { return nil }
        return names[path] ?? []
    }

    /// One entry as the next backup should find it: a file's hash only once settled, a folder's names only once
    /// settled and holding nothing left out.
    struct Line: Equatable {
        var path: String
        var stamp: FileStamp
        var sha256: String?
        var listed: Bool
    }

    static func line(path: String, stamp: FileStamp, sha256: String?, holdsSkipped: Bool, startedAt: Int64) -> Line {
        let settled = max(stamp.mtime, stamp.ctime) < startedAt - 2_000_000_000
        let folder = stamp.kind == FileStamp.directory
        return Line(path: path, stamp: stamp, sha256: !folder && settled ? sha256 : nil, listed: folder && settled && !holdsSkipped)
    }

    /// Whether `lines` say exactly what is recorded: then there is nothing to write.
    func holds(_ lines: [Line]) -> Bool {
        guard lines.count == known.count else { return false }
        return lines.allSatisfy { l in
            known[l.path].map { $0.stamp == l.stamp && $0.sha256 == l.sha256 && $0.listed == l.listed } ?? false
        }
    }

    static func save(_ ws: Workspace, _ lines: [Line]) {
        var out = Array((header + "\n").utf8)
        out.reserveCapacity(lines.count * 130)
        for l in lines {
            let kind = l.stamp.kind == FileStamp.directory ? (l.listed ? "d" : "D") : "f"
            out += Array("\(kind) \(l.stamp.inode) \(l.stamp.size) \(l.stamp.mtime) \(l.stamp.ctime) \(l.sha256 ?? "-")".utf8)
            if !l.path.isEmpty { out.append(32); out += Array(l.path.utf8) }
            out.append(10)
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
