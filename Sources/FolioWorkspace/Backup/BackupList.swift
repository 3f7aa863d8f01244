import FolioCore
import Foundation

/// What a backup place holds, for `folio backup list`.
public struct BackupList: Sendable, Encodable {
    public struct Snapshot: Sendable, Encodable {
        public var snapshot: String
        public var number: Int
        public var taken: Instant
        public var signer: String
        public var files: Int
        public var folders: Int
        public var bytes: Int64
        public var previous: String?
        /// The snapshot it follows is no longer in the place (deleted, or not whole).
        public var afterMissing: Bool
    }

    public var place: String
    public var name: String?
    public var school: String?
    public var replica: String?
    /// Oldest first.
    public var snapshots: [Snapshot]
    /// Snapshot files that are not whole, by their path in the folder.
    public var damaged: [BackupFinding]
}

extension BackupPlace {
    /// Every snapshot in the place, checked as a restore checks its snapshot file (its name and signature; not
    /// its objects, which only a restore reads).
    public func list() throws(FolioError) -> BackupList {
        guard holdsBackups else { throw FolioError(.badInput, "backup.list.none", ["place": path]) }
        let marker = (try? FileIO.readAll(markerPath)).flatMap { try? JSONDecoder().decode(Marker.self, from: Data($0)) }
        let (whole, damaged) = snapshots()
        let ids = Set(whole.map(\.id))
        return BackupList(
            place: path, name: marker?.name, school: marker?.school, replica: marker?.replica,
            snapshots: whole.map { s in
                BackupList.Snapshot(snapshot: s.id, number: s.snapshot.number, taken: s.snapshot.taken, signer: s.snapshot.signer,
                                    files: s.snapshot.files, folders: s.snapshot.folders, bytes: s.snapshot.bytes,
                                    previous: s.snapshot.previous, afterMissing: s.snapshot.previous.map { !ids.contains($0) } ?? false)
            },
            damaged: damaged.map { BackupFinding(path: $0.file, why: $0.why) })
    }
}
