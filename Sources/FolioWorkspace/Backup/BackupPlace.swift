import FolioCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A folder that holds one workspace's backups (`folio backup --to DIR`), on another disk:
///
///     folio-backup.json          which workspace's backups these are (school, name, replica)
///     objects/<ab>/<sha256>      every file, and every listing, once, named by the SHA-256 of its bytes
///     snapshots/<n>-<id>.json    one signed snapshot per backup, numbered (`BackupSnapshot`)
///     tmp/                       objects being written; emptied by each backup
///     lock                       held by a backup while it writes here
///
/// Objects are never changed once named, so a later backup writes only what is new, and any copy of the
/// folder (restic, rsync, a second disk) is a whole backup as long as it holds every object a snapshot names.
/// The folder and what is in it are readable by their owner alone: they hold every student's records.
public struct BackupPlace: Sendable {
    public let path: String

    public init(_ path: String) {
        self.path = URL(fileURLWithPath: path).standardizedFileURL.path
    }

    static let markerName = "folio-backup.json"
    var markerPath: String { path + "/" + Self.markerName }
    var objectsDir: String { path + "/objects" }
    var snapshotsDir: String { path + "/snapshots" }
    var tmpDir: String { path + "/tmp" }

    func objectPath(_ sha256: String) -> String { objectsDir + "/" + sha256.prefix(2) + "/" + sha256 }

    /// Which workspace a place holds backups of. Not signed: it only keeps two workspaces from sharing one
    /// place by mistake; what a restore trusts is the signed snapshot.
    struct Marker: Codable {
        var format = "folio-backup-place/1"
        var school: String
        var name: String
        var replica: String
    }

    /// Every snapshot file in the place: those found whole, oldest first (by number, then time, then id), and
    /// those that are not, each with what is wrong.
    public func snapshots() -> (whole: [StoredSnapshot], damaged: [(file: String, why: Message)]) {
        var whole: [StoredSnapshot] = []
        var damaged: [(String, Message)] = []
        for name in FileIO.list(snapshotsDir) {
            // A snapshot being written (`FileIO.writeChecked`) is not one yet.
            if name.hasSuffix(".partial") { continue }
            switch StoredSnapshot.read(snapshotsDir + "/" + name, name: name) {
            case .whole(let s): whole.append(s)
            case .damaged(let why): damaged.append(("snapshots/" + name, why))
            }
        }
        whole.sort { a, b in
            (a.snapshot.number, a.snapshot.taken.epochSeconds, a.id) < (b.snapshot.number, b.snapshot.taken.epochSeconds, b.id)
        }
        return (whole, damaged)
    }

    /// The newest snapshot by the number in its name, read and checked: what a backup follows and what a
    /// restore takes when none is named. nil when there is none; the reason when the newest is not whole
    /// (never an older one in its stead: a restore that silently took an older snapshot would lose work).
    func newest() -> (name: String, snapshot: StoredSnapshot.Reading)? {
        let names = FileIO.list(snapshotsDir).filter { !$0.hasSuffix(".partial") }
        guard let name = names.max(by: { (BackupSnapshot.number(inName: $0) ?? -1, $0) < (BackupSnapshot.number(inName: $1) ?? -1, $1) })
        else { return nil }
        return (name, StoredSnapshot.read(snapshotsDir + "/" + name, name: name))
    }

    /// Whether the place holds anything a backup or restore would recognise.
    var holdsBackups: Bool { FileIO.exists(markerPath) || FileIO.isDirectory(snapshotsDir) }

    /// The lock a backup holds on the place, so that two backups never write into it at once. A `flock` on
    /// `lock` in the place, not the workspace's record lock: the place is a folder of its own, perhaps on a
    /// disk another machine also writes to.
    final class WriteLock: @unchecked Sendable {
        private let fd: Int32

        init(_ place: BackupPlace) throws(FolioError) {
            let path = place.path + "/lock"
            let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { throw FileIO.ioError("open the lock file", path) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                throw FolioError(.workspaceBusy, "backup.place.busy", ["place": place.path])
            }
            self.fd = fd
        }

        deinit { close(fd) }   // closing the descriptor releases the lock
    }
}
