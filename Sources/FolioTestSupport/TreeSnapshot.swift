import FolioCore
import Foundation

/// A byte-for-byte picture of a directory tree: every regular file's relative path with the SHA-256 of its
/// content, every directory, and every other entry (symlinks, …). Two snapshots are equal exactly when the
/// trees hold the same names and the same bytes. `.folio/` (the lock file and transactions in progress) is
/// left out by default: it is local bookkeeping, not workspace content.
public struct TreeSnapshot: Equatable, Sendable, CustomStringConvertible {
    /// Relative path → lowercase hex SHA-256 of the file's bytes.
    public private(set) var files: [String: String] = [:]
    /// Relative paths of directories (not including the root itself).
    public private(set) var directories: Set<String> = []
    /// Relative paths of anything that is neither a regular file nor a directory.
    public private(set) var others: Set<String> = []

    public init(of root: URL, ignoring ignored: Set<String> = [".folio"]) throws {
        try walk(root.path, relative: "", ignored: ignored)
    }

    private mutating func walk(_ dir: String, relative: String, ignored: Set<String>) throws {
        let fm = FileManager.default
        for name in try fm.contentsOfDirectory(atPath: dir).sorted() {
            let rel = relative.isEmpty ? name : relative + "/" + name
            if ignored.contains(rel) { continue }
            let full = dir + "/" + name
            let type = try fm.attributesOfItem(atPath: full)[.type] as? FileAttributeType
            switch type {
            case .typeDirectory?:
                directories.insert(rel)
                try walk(full, relative: rel, ignored: ignored)
            case .typeRegular?:
                files[rel] = try Self.sha256(ofFile: full)
            default:
                others.insert(rel)
            }
        }
    }

    static func sha256(ofFile path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FolioHarnessError("Cannot read \(path).")
        }
        return SHA256Hex.of(data)
    }

    /// The differences from `other`, one per line, for failure messages ("" when equal).
    public func differences(from other: TreeSnapshot) -> String {
        var lines: [String] = []
        for path in Set(files.keys).union(other.files.keys).sorted() {
            switch (other.files[path], files[path]) {
            case (nil, _?): lines.append("+ \(path)")
            case (_?, nil): lines.append("- \(path)")
            case let (a?, b?) where a != b: lines.append("~ \(path)")
            default: break
            }
        }
        for d in directories.subtracting(other.directories).sorted() { lines.append("+ \(d)/") }
        for d in other.directories.subtracting(directories).sorted() { lines.append("- \(d)/") }
        for o in others.symmetricDifference(other.others).sorted() { lines.append("? \(o)") }
        return lines.joined(separator: "\n")
    }

    public var description: String { "\(files.count) files, \(directories.count) directories" }
}
