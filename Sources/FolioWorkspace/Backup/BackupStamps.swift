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

    fileprivate(set) var known: [String: Known] = [:]
    /// The names in each folder (`listed` ones only), sorted as `FileIO.list` sorts them.
    fileprivate var names: [String: [String]] = [:]

    static let header = "folio-backup-stamps/1"

    static func path(_ ws: Workspace) -> String { ws.root + "/.folio/cache/backup/stamps" }

    /// The whole file, for a caller that takes every part at once (the tests).
    static func load(_ ws: Workspace) -> BackupStamps {
        let file = File.load(ws)
        var all = file.top
        for part in file.partOrder {
            let p = file.part(part)
            all.known.merge(p.known) { a, _ in a }
            all.names.merge(p.names) { a, _ in a }
        }
        return all
    }

    /// The stamps file as the last backup wrote it, read a part at a time: its bytes are held (a line per entry,
    /// megabytes for a whole school), and each student's lines, which come together in the walk's order, are
    /// parsed only when that student is backed up, so that memory does not grow with the school.
    struct File {
        /// Everything outside the students' own folders, parsed; `students`' names are the parts'.
        var top = BackupStamps()
        /// Each student part's lines, by the part's path (`students/112001`).
        private var ranges: [String: Range<Int>] = [:]
        /// The parts in the order the file holds them.
        private(set) var partOrder: [String] = []
        private(set) var bytes: [UInt8] = []

        static func load(_ ws: Workspace) -> File {
            var file = File()
            guard let bytes = try? FileIO.readAll(BackupStamps.path(ws)), bytes.starts(with: Array((header + "\n").utf8)) else { return file }
            file.bytes = bytes
            // Lines of a part (a path below `students/<x>/`, or `students/<x>` itself) are passed over here and
            // their range kept; the rest is parsed now.
            let prefix = Array("students/".utf8)
            var part: (path: String, start: Int)?
            var top: [Range<Int>] = []
            var at = header.utf8.count + 1
            while at < bytes.count {
                let end = bytes[at...].firstIndex(of: 10) ?? bytes.count
                defer { at = end + 1 }
                let path = BackupStamps.pathField(bytes, at..<end)
                var owner: ArraySlice<UInt8>?
                if let path, path.starts(with: prefix) {
                    let rest = path.dropFirst(prefix.count)
                    if !rest.isEmpty { owner = path[..<(rest.firstIndex(of: UInt8(ascii: "/")) ?? path.endIndex)] }
                }
                if let current = part, owner.map({ !$0.elementsEqual(current.path.utf8) }) ?? true {
                    file.ranges[current.path] = current.start..<at
                    file.partOrder.append(current.path)
                    part = nil
                }
                if let owner {
                    if part == nil {
                        let name = String(decoding: owner, as: UTF8.self)
                        // A part met twice is not in the order a backup writes: take nothing from the file.
                        guard file.ranges[name] == nil else { return File() }
                        part = (name, at)
                    }
                } else {
                    top.append(at..<min(end + 1, bytes.count))
                }
            }
            if let current = part {
                file.ranges[current.path] = current.start..<bytes.count
                file.partOrder.append(current.path)
            }
            // The parts' first lines name what `students/` held; parsed with the rest of the top, in order.
            var lines: [Range<Int>] = top
            for p in file.partOrder {
                let r = file.ranges[p]!
                let first = bytes[r].firstIndex(of: 10).map { $0 + 1 } ?? r.upperBound
                lines.append(r.lowerBound..<first)
            }
            lines.sort { $0.lowerBound < $1.lowerBound }
            guard let parsed = BackupStamps.parse(bytes, lines: lines, open: []) else { return File() }
            file.top = parsed
            return file
        }

        /// The stamps of one student part; empty when the last backup did not hold it.
        func part(_ path: String) -> BackupStamps {
            guard let range = ranges[path] else { return BackupStamps() }
            var lines: [Range<Int>] = []
            var at = range.lowerBound
            while at < range.upperBound {
                let end = bytes[at..<range.upperBound].firstIndex(of: 10) ?? range.upperBound
                lines.append(at..<min(end + 1, range.upperBound))
                at = end + 1
            }
            return BackupStamps.parse(bytes, lines: lines, open: [FileIO.parent(of: path)]) ?? BackupStamps()
        }

        /// Whether the file holds a part of that path.
        func has(_ path: String) -> Bool { ranges[path] != nil }
    }

    /// The path field of a line (after six fields), or nil when the line has fewer.
    static func pathField(_ bytes: [UInt8], _ line: Range<Int>) -> ArraySlice<UInt8>? {
        var spaces = 0
        for i in line where bytes[i] == 32 {
            spaces += 1
            if spaces == 6 { return bytes[(i + 1)..<line.upperBound] }
        }
        // The workspace's own folder, whose path is empty, may end the line after its fifth field.
        return spaces == 5 ? bytes[line.upperBound..<line.upperBound] : nil
    }

    /// Parses `lines` of `bytes` (each a line, its break included or not), in the order a backup walks, below
    /// the folders `open` (already open, outermost first). Nil when they are not in that order.
    static func parse(_ bytes: [UInt8], lines: [Range<Int>], open openPaths: [String]) -> BackupStamps? {
        var stamps = BackupStamps()
        stamps.known.reserveCapacity(lines.count)
        // The folders open above the current line, innermost last, each with the names found in it so far: lines
        // come in the order a backup walks (a folder, then everything in it), so a line's folder is one of these.
        var open: [(path: String, listed: Bool, names: [String])] = openPaths.map { ($0, false, []) }
        func close(_ folder: (path: String, listed: Bool, names: [String])) {
            if folder.listed { stamps.names[folder.path] = folder.names }
        }
        for line in lines {
            let at = line.lowerBound
            let end = line.upperBound > at && bytes[line.upperBound - 1] == 10 ? line.upperBound - 1 : line.upperBound
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
                guard !open.isEmpty else { return nil }
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
        let writer = Writer(ws, old: [])
        for l in lines { writer.append(l) }
        writer.finish()
    }

    /// Writes the stamps the next backup will use, a line at a time in the walk's order, and nothing at all when
    /// they come out as the very bytes the last backup wrote (`old`): an unchanged school writes no file.
    final class Writer {
        private let old: [UInt8]
        private var matched = 0
        private var same = true
        private var pending: [UInt8] = []
        private var fd: Int32 = -1
        private var failed = false
        private let target: String
        private let temporary: String

        init(_ ws: Workspace, old: [UInt8]) {
            self.old = old
            target = BackupStamps.path(ws)
            // A name of this process's own: two backups of one workspace to two places may run side by side
            // (both hold only the shared lock), and each renames a whole file into place.
            temporary = target + ".\(getpid()).tmp"
            add(Array((header + "\n").utf8))
        }

        deinit { if fd >= 0 { close(fd); unlink(temporary) } }

        func append(_ l: Line) {
            let kind = l.stamp.kind == FileStamp.directory ? (l.listed ? "d" : "D") : "f"
            var out = Array("\(kind) \(l.stamp.inode) \(l.stamp.size) \(l.stamp.mtime) \(l.stamp.ctime) \(l.sha256 ?? "-")".utf8)
            if !l.path.isEmpty { out.append(32); out += Array(l.path.utf8) }
            out.append(10)
            add(out)
        }

        private func add(_ bytes: [UInt8]) {
            if same {
                if matched + bytes.count <= old.count, old[matched..<(matched + bytes.count)].elementsEqual(bytes) {
                    matched += bytes.count
                    return
                }
                same = false
                pending = Array(old[0..<matched])
            }
            pending += bytes
            if pending.count >= 1 << 20 { spill() }
        }

        /// Best effort, like the verify cache: on read-only media or a full disk the next backup goes without.
        private func spill() {
            guard !failed else { pending = []; return }
            if fd < 0 {
                guard (try? FileIO.makeDirectories(FileIO.parent(of: target))) != nil else { failed = true; return }
                unlink(temporary)
                fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
                guard fd >= 0 else { failed = true; return }
            }
            var offset = 0
            while offset < pending.count {
                let n = pending.withUnsafeBytes { write(fd, $0.baseAddress! + offset, pending.count - offset) }
                if n < 0 { if errno == EINTR { continue }; failed = true; break }
                offset += n
            }
            pending = []
        }

        /// Puts the new stamps in place, unless they are the old ones.
        func finish() {
            if same && matched == old.count { return }
            spill()
            guard fd >= 0 else { return }
            close(fd)
            fd = -1
            if failed || rename(temporary, target) != 0 { unlink(temporary) }
        }
    }
}
