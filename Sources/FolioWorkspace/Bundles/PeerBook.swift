import FolioCore
import Foundation

/// What this replica remembers about the replicas it exchanges bundles with, kept in `.folio/peers/`.
///
/// It only saves work: a bundle need not repeat what the recipient already holds. Losing it (a fresh
/// `.folio/`) makes the next bundles larger, never wrong, because importing is a set union. So it is
/// local bookkeeping, outside the byte-identical part of the workspace.
///
///     .folio/peers/book.json          sequence counter, peers by replica id
///     .folio/peers/<replica>.held     entry paths that replica is known to hold, one per line
///     .folio/peers/sent/<bundle-id>   entry paths of a bundle this replica wrote
struct PeerBook: Codable {
    struct Peer: Codable {
        var person: String?
        var role: String?
        /// Bundle ids imported from this peer.
        var imported: [String] = []
        /// Bundle id seen for each of the peer's sequence numbers: two ids for one number mean the
        /// peer's workspace was copied.
        var sequences: [String: String] = [:]
    }

    /// A bundle this replica wrote, by file name: `folio sync` does not write the same one twice while
    /// it still waits on the stick.
    struct Written: Codable {
        var bundle: String
        var kind: BundleKind
        var recipient: BundleParty
        /// Whom it was sealed for, each as `id:key`: a bundle still waiting for readers that have changed since
        /// (a key revoked or replaced) is written again rather than left on the stick.
        var readers: [String]?
    }

    var sequence = 0
    var peers: [String: Peer] = [:]
    var written: [String: Written] = [:]

    static func dir(_ workspace: Workspace) -> String { workspace.root + "/.folio/peers" }

    static func load(_ workspace: Workspace) -> PeerBook {
        guard let bytes = try? FileIO.readAll(dir(workspace) + "/book.json"),
              let book = try? JSONDecoder().decode(PeerBook.self, from: Data(bytes)) else { return PeerBook() }
        return book
    }

    func save(_ workspace: Workspace) throws(FolioError) {
        try FileIO.makeDirectories(Self.dir(workspace))
        let bytes = Workspace.viewBytes(self)
        let path = Self.dir(workspace) + "/book.json"
        let temp = path + ".tmp"
        FileIO.removeTree(temp)
        try FileIO.writeNew(temp, bytes)
        guard rename(temp, path) == 0 else { throw FileIO.ioError("save", path) }
    }

    /// The workspaces known to belong to `person`, sorted by id.
    func replicas(of person: String) -> [String] {
        peers.filter { $0.value.person == person }.map(\.key).sorted()
    }

    // MARK: held entries

    fileprivate static func heldPath(_ workspace: Workspace, _ replica: String) -> String {
        dir(workspace) + "/" + BundleHeader.safeName(replica) + ".held"
    }

    /// What the replica is known to hold, asked about paths in increasing byte order (as an export goes
    /// through them). The list grows with everything the replica was ever sent, so it is read forward a
    /// line at a time, never whole: a whole school's is 9 MB of text, and was 22 MB as a set.
    final class HeldCursor {
        private let lines: LineReader?
        private var current: ArraySlice<UInt8>?

        init(_ workspace: Workspace, replica: String?) {
            // Missing or unreadable bookkeeping counts as empty: the next bundles are larger, never wrong.
            lines = replica.flatMap { try? LineReader(PeerBook.heldPath(workspace, $0)) }
            advance()
        }

        /// Whether `path` is held. Each call must ask about a path after the previous one in byte order;
        /// asked out of order, it answers "not held" for paths it has passed, which only sends them again.
        func holds(_ path: String) -> Bool {
            let bytes = Array(path.utf8)
            while let line = current, line.lexicographicallyPrecedes(bytes) { advance() }
            return current.map { $0.elementsEqual(bytes) } ?? false
        }

        private func advance() {
            current = try? lines?.next()
        }
    }

    /// Adds `paths` to what the replica is known to hold. The list on disk is kept in byte order, so the
    /// new paths are merged into it as it is read and written again, a piece at a time.
    static func addHeld(_ workspace: Workspace, replica: String, _ paths: [String]) throws(FolioError) {
        guard !paths.isEmpty else { return }
        let new = Set(paths).map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        try FileIO.makeDirectories(dir(workspace))
        let path = heldPath(workspace, replica)
        // Unreadable, the old list counts as empty (see `HeldCursor`).
        let old = FileIO.exists(path) ? try? LineReader(path) : nil
        func nextOld() -> ArraySlice<UInt8>? {
            while let line = try? old?.next() { if !line.isEmpty { return line } }
            return nil
        }
        // The old lines and the new paths, merged in byte order, each path once.
        let merged = Swift.sequence(state: (new: 0, old: nextOld())) { s -> ArraySlice<UInt8>? in
            if let line = s.old, !(s.new < new.count && new[s.new].lexicographicallyPrecedes(line)) {
                if s.new < new.count && new[s.new].elementsEqual(line) { s.new += 1 }
                s.old = nextOld()
                return line
            }
            guard s.new < new.count else { return nil }
            defer { s.new += 1 }
            return new[s.new][...]
        }
        FileIO.removeTree(path + ".tmp")
        try writeLines(merged, to: path + ".tmp")
        guard rename(path + ".tmp", path) == 0 else { throw FileIO.ioError("save", path) }
    }

    static func recordSent(_ workspace: Workspace, bundle id: String, paths: [String]) throws(FolioError) {
        try FileIO.makeDirectories(dir(workspace) + "/sent")
        let path = dir(workspace) + "/sent/" + id
        FileIO.removeTree(path)
        try writeLines(paths.lazy.map(\.utf8), to: path)
    }

    /// One line per path, written in pieces: a whole school's 92,000 paths joined into one string, and
    /// that string's bytes, were 20 MB at the end of an import.
    private static func writeLines<Lines: Sequence>(_ lines: Lines, to path: String) throws(FolioError)
    where Lines.Element: Collection<UInt8> {
        try FileIO.writeNew(path) { write throws(FolioError) in
            var out: [UInt8] = []
            out.reserveCapacity((1 << 20) + 4096)
            for line in lines {
                out += line
                out.append(UInt8(ascii: "\n"))
                if out.count >= 1 << 20 {
                    try write(out)
                    out.removeAll(keepingCapacity: true)
                }
            }
            try write(out)
        }
    }

    /// The files of uploads this replica was sent without them (a kiosk's school updates), which its hub
    /// keeps: the upload files the hub is known to hold. Empty on the hub itself.
    static func keptAtHub(_ workspace: Workspace) -> Set<String> {
        guard workspace.config.role != .hub, let hub = workspace.config.hub else { return [] }
        return held(workspace, replica: hub) { $0.contains("/files/") }
    }

    /// The paths `replica` is known to hold that pass `wanted`, as a set (for a replica's few thousand; the
    /// export goes through a whole list with `HeldCursor` instead).
    static func held(_ workspace: Workspace, replica: String, _ wanted: (String) -> Bool) -> Set<String> {
        guard let bytes = try? FileIO.readAll(heldPath(workspace, replica)) else { return [] }
        var paths = Set<String>()
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let path = String(decoding: line, as: UTF8.self)
            if wanted(path) { paths.insert(path) }
        }
        return paths
    }

    static func sentPaths(_ workspace: Workspace, bundle id: String) -> [String]? {
        guard SHA256Hex.isValid(id), let bytes = try? FileIO.readAll(dir(workspace) + "/sent/" + id) else { return nil }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
