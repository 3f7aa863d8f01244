import FolioCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Many new files written outside the workspace (a whole school's printed receipts) with the promise of
/// `FileIO.writeChecked` — what is under a name is what folio wrote, read back from the disk — at the cost of one
/// flush of the file system instead of one per file: each file is written under a temporary name; `commit` flushes
/// them all at once, reads each back past the page cache, and only then gives every file its name. When a file cannot
/// be written or read back (a full or failing stick), no file of the batch takes its name and the temporary ones go.
final class CheckedBatch {
    private struct Pending {
        var temporary: String
        var path: String
        var size: Int64
        var sha256: String
    }

    private let folder: String
    private var pending: [Pending] = []

    /// `folder` is where the files go: the file system that is flushed.
    init(folder: String) { self.folder = folder }

    deinit { for p in pending { unlink(p.temporary) } }

    func add(_ path: String, _ bytes: [UInt8]) throws(FolioError) {
        let temporary = path + ".partial"
        FileIO.removeTree(temporary)
        pending.append(Pending(temporary: temporary, path: path, size: Int64(bytes.count), sha256: SHA256Hex.of(bytes)))
        try FileIO.writeNew(temporary, bytes, flush: false)
    }

    func commit() throws(FolioError) {
        try FileIO.flushFileSystem(folder)
        for p in pending {
            if let why = FileIO.readBack(p.temporary, size: p.size, .sha256(p.sha256)) {
                throw FolioError(.io, "disk.notKept", ["path": p.path, "why": why])
            }
        }
        for (index, p) in pending.enumerated() {
            guard rename(p.temporary, p.path) == 0 else {
                pending.removeFirst(index)
                throw FileIO.ioError("write", p.path)
            }
        }
        pending = []
        FileIO.fsyncDirectory(folder)
    }
}
