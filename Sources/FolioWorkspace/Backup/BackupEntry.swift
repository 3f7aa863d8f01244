import FolioCore
import FolioTar
import Foundation

/// One thing a snapshot holds: a folder or an ordinary file of the workspace, by its path from the workspace's
/// folder. A file is named by the SHA-256 of its bytes, which is also the name of its object in the backup place.
public struct BackupEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case file, folder }

    public var kind: Kind
    public var path: String
    /// The permission bits (at most 0o777): a key file kept in the workspace comes back readable by its owner
    /// alone, and nothing comes back set-user-ID.
    public var mode: UInt32
    /// Bytes; 0 for a folder.
    public var size: Int64
    /// Lower-case hex SHA-256 of a file's bytes; empty for a folder.
    public var sha256: String

    /// Where a path of the workspace belongs: one student's folder (`students/112001`) is a part of its own,
    /// everything else is the part named "".
    static func part(of path: String) -> String {
        let utf8 = path.utf8
        guard path.hasPrefix("students/") else { return "" }
        let rest = utf8.dropFirst("students/".utf8.count)
        guard !rest.isEmpty else { return "" }
        let end = rest.firstIndex(of: UInt8(ascii: "/")) ?? utf8.endIndex
        return String(path[..<end])
    }
}

/// The entries of one part of a snapshot (the workspace outside `students/`, or one student's folder), kept as
/// an object of its own in the backup place. A part nobody changed gives the same bytes, so the same object,
/// as in the backup before: an unchanged school adds no object at all, and a changed one adds the listings of
/// the parts it changed, not a list of the whole school's hundred thousand paths every night.
///
///     folio-backup-listing/1
///     d 755 0 - students/112001
///     f 644 1627 0f8631fa3ae56128… students/112001/files/fcddaa8f53/0f8631fa3ae5/physics-lab-report.pdf
///
/// One line per entry, sorted by the path's UTF-8 bytes: kind (`d` folder, `f` file), permission bits in
/// octal, size, SHA-256 (`-` for a folder), then the path, which is last and may hold spaces. A path never
/// holds a line break: the tar layer's rules, which every listed path must pass, forbid control characters.
enum BackupListing {
    static let header = "folio-backup-listing/1"

    static func encode(_ entries: [BackupEntry]) -> [UInt8] {
        var out = Array((header + "\n").utf8)
        out.reserveCapacity(entries.count * 120)
        for e in entries {
            let folder = e.kind == .folder
            out += Array("\(folder ? "d" : "f") \(String(e.mode, radix: 8)) \(e.size) \(folder ? "-" : e.sha256) ".utf8)
            out += Array(e.path.utf8)
            out.append(10)
        }
        return out
    }

    /// The entries a listing's bytes hold, or nil when they are not a listing as `encode` writes it. The paths
    /// are not judged here (`BackupCheck` does that, naming the path).
    static func parse(_ bytes: [UInt8]) -> [BackupEntry]? {
        var lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
        guard lines.first.map({ $0.elementsEqual(header.utf8) }) == true, lines.last?.isEmpty == true else { return nil }
        lines.removeFirst()
        lines.removeLast()
        var entries: [BackupEntry] = []
        entries.reserveCapacity(lines.count)
        for line in lines {
            let f = line.split(separator: 32, maxSplits: 4, omittingEmptySubsequences: false)
            guard f.count == 5, f[0].count == 1, let path = String(validating: f[4], as: UTF8.self),
                  let mode = UInt32(String(decoding: f[1], as: UTF8.self), radix: 8),
                  let size = Int64(String(decoding: f[2], as: UTF8.self)), size >= 0 else { return nil }
            let hash = String(decoding: f[3], as: UTF8.self)
            switch f[0].first {
            case UInt8(ascii: "f"):
                guard SHA256Hex.isValid(hash) else { return nil }
                entries.append(BackupEntry(kind: .file, path: path, mode: mode, size: size, sha256: hash))
            case UInt8(ascii: "d"):
                guard hash == "-", size == 0 else { return nil }
                entries.append(BackupEntry(kind: .folder, path: path, mode: mode, size: 0, sha256: ""))
            default:
                return nil
            }
        }
        return entries
    }
}
