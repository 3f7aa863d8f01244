import FolioCore
import Foundation

/// A set of file writes that lands all together or not at all.
///
/// New files are written under `.folio/txn/<id>/` and flushed to disk together (one `syncfs` rather than an
/// fsync per file: an import of a whole school stages tens of thousands of files); then `plan.json`,
/// listing every move, is renamed into place: that rename is the commit point. Moves are renames within one file system, so
/// after a crash `Transaction.recover` finishes a committed plan and throws away an uncommitted one.
/// Every command that writes runs recovery first, under the workspace lock.
final class Transaction {
    struct Move: Codable {
        var staged: String
        var target: String
        /// Set for a removal: `target` (a file or folder) is moved into the transaction folder, which is
        /// deleted once every step is done.
        var remove: Bool?
    }

    private let root: String
    private let dir: String
    /// `dir`, held open for `adopt`.
    private let folder: Int32
    private var moves: [Move] = []
    private var counter = 0
    /// Set at the commit point: from then on the plan and the staged files must stay until every move is
    /// done, by `commit` or, if it fails part way, by the next command's `recover`.
    private var committed = false

    init(root: String) throws(FolioError) {
        self.root = root
        let id = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        dir = root + "/.folio/txn/" + id
        try FileIO.makeDirectories(dir)
        folder = Self.openFolder(dir)
        guard folder >= 0 else { throw FileIO.ioError("open", dir) }
        // Which command this is, for a reader that finds the transaction interrupted (`Interruption`).
        if let label = RunningCommand.label { try? FileIO.writeNew(dir + "/" + Self.commandName, Array(label.utf8), flush: false) }
    }

    /// The file in a transaction's folder that names the command which made it.
    static let commandName = "command"

    deinit { if folder >= 0 { close(folder) } }

    /// A folder held only to name files relative to it (`O_PATH`: no read permission needed).
    private static func openFolder(_ path: String) -> Int32 {
        open(path, pathOnly | O_DIRECTORY | O_CLOEXEC)
    }

    #if os(Linux)
    /// Linux's `O_PATH`, which the Glibc module does not export.
    private static let pathOnly: Int32 = 0o10_000_000
    #else
    private static let pathOnly: Int32 = O_RDONLY
    #endif

    /// Stages `bytes` to land at `relative` (inside the workspace).
    func write(_ relative: String, _ bytes: [UInt8]) throws(FolioError) {
        let staged = nextStaged()
        try FileIO.writeNew(dir + "/" + staged, bytes, flush: false)   // flushed by commit()
        moves.append(Move(staged: staged, target: relative))
        try CrashPoints.reached("staged \(relative)")
    }

    /// Stages a copy of an outside file, hashing it as it is copied.
    func copy(from source: String, to relative: String) throws(FolioError) -> (size: Int, sha256: String) {
        let staged = nextStaged()
        let result = try FileIO.copyHashing(source, to: dir + "/" + staged, flush: false)   // flushed by commit()
        moves.append(Move(staged: staged, target: relative))
        try CrashPoints.reached("staged \(relative)")
        return result
    }

    /// Takes over a file already on this file system (a verified bundle's staged entry) by renaming it
    /// into the transaction: no second copy of large files.
    func adopt(_ path: String, to relative: String) throws(FolioError) {
        let staged = nextStaged()
        // The extractor does not flush; commit() flushes before the commit point. The transaction folder is
        // held open, so that the kernel walks only the source's path for each of an import's 90,000 files.
        guard renameat(AT_FDCWD, path, folder, staged) == 0 else { throw FileIO.ioError("move", path) }
        moves.append(Move(staged: staged, target: relative))
        try CrashPoints.reached("staged \(relative)")
    }

    /// Removes a file or folder inside the workspace when the transaction is applied.
    func remove(_ relative: String) {
        moves.append(Move(staged: "rm-" + nextStaged(), target: relative, remove: true))
    }

    var isEmpty: Bool { moves.isEmpty }

    /// With `cleanup`, the transaction's folder (and what it removed) is handed to it to delete once every move
    /// is done, instead of being deleted before `commit` returns: sealing deletes one batch's folders while
    /// it writes the next batch's tarballs (see `DeferredRemoval`).
    func commit(cleanup: DeferredRemoval? = nil) throws(FolioError) {
        // Past the commit point a failed move (a folder made unwritable meanwhile) must not take the plan with
        // it: the next command's recovery finishes the moves.
        defer { if !committed { Self.discard(dir) } }
        guard !moves.isEmpty else { return }
        // Everything staged must be on disk before the plan exists.
        try FileIO.flushFileSystem(dir)
        FileIO.fsyncDirectory(dir)
        try FileIO.writeNew(dir + "/plan.tmp") { write throws(FolioError) in try Self.writePlan(moves, to: write) }
        guard rename(dir + "/plan.tmp", dir + "/plan.json") == 0 else { throw FileIO.ioError("commit", dir) }
        committed = true
        FileIO.fsyncDirectory(dir)
        try CrashPoints.reached("committed")
        try Transaction.apply(root: root, dir: dir, moves: moves, cleanup: cleanup)
    }

    /// The plan as JSON (`[Move]`, read back with `JSONDecoder`), written directly and handed over in
    /// pieces of about 1 MB: importing a whole-school bundle moves 100,000 files, `JSONEncoder` needed several
    /// times the list's own size to encode it, and the whole plan in one array sat at the import's peak.
    static func writePlan<E: Error>(_ moves: [Move], to write: ([UInt8]) throws(E) -> Void) throws(E) {
        let piece = 1 << 20
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(piece + 8192)
        for (n, move) in moves.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            var members: [String: (inout [UInt8]) -> Void] = [
                "staged": { CanonicalJSON.writeString(move.staged, into: &$0) },
                "target": { CanonicalJSON.writeString(move.target, into: &$0) },
            ]
            if let remove = move.remove { members["remove"] = { CanonicalJSON.write(.bool(remove), into: &$0) } }
            CanonicalJSON.writeObject(members, into: &out)
            if out.count >= piece {
                try write(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        out.append(UInt8(ascii: "]"))
        try write(out)
    }

    /// The whole plan in one array (for tests).
    static func planBytes(_ moves: [Move]) -> [UInt8] {
        var all: [UInt8] = []
        writePlan(moves) { all += $0 }
        return all
    }

    /// Throws the staged files away, unless the transaction was committed (then recovery finishes it).
    func abandon() { if !committed { Self.discard(dir) } }

    /// Deletes a transaction folder. It may hold whole removed folders (sealing moves each graduate's
    /// portfolio here); freeing tens of thousands of files is slow on ext4, more so when mounted with
    /// `discard` (as on the benchmark machine), where each file's deletion waits for a discard request to the
    /// disk: they go on 32 threads, which keep more requests in flight than eight (a cohort's folders went
    /// faster so by `xargs -P`: Docs/performance.md). An import's staging folders, which hold only empty folders
    /// by then, stay on eight (`StagedBundle.remove`): with 32, three imports by hand were each slower.
    static func discard(_ dir: String) {
        let children = FileIO.list(dir)
        Parallel.blocking(children.count, threads: 32) { i in FileIO.removeTree(dir + "/" + children[i]) }
        FileIO.removeTree(dir)
    }

    private func nextStaged() -> String {
        counter += 1
        return String(counter)
    }

    private static func apply(root: String, dir: String, moves: [Move], cleanup: DeferredRemoval? = nil) throws(FolioError) {
        // Folders renamed into, up to a handful (see below).
        var touched = Set<String>()
        var manyTouched = false
        // Files are moved between the two folders held open, by short relative paths: the kernel walked
        // both whole paths for each of an import's 90,000 renames otherwise.
        // (Should a folder not open, whole paths are used as before.)
        let from = openFolder(dir), into = openFolder(root)
        defer {
            if from >= 0 { close(from) }
            if into >= 0 { close(into) }
        }
        for move in moves {
            // A plan is folio's own, but recovery reads it from disk: no move may reach outside the workspace
            // or the transaction's folder, a removal least of all.
            guard isInside(move.target), !move.staged.isEmpty, !move.staged.contains("/") else {
                throw FolioError(.workspaceDamaged, "workspace.transaction.outside", ["dir": dir, "target": move.target])
            }
            let source = dir + "/" + move.staged
            let target = root + "/" + move.target
            let parent = FileIO.parent(of: target)
            if move.remove == true {
                if FileIO.exists(target) || FileIO.isDirectory(target) {
                    guard rename(target, source) == 0 else { throw FileIO.ioError("remove", target) }
                    touch(parent, &touched, &manyTouched)
                }
                try CrashPoints.reached("removed \(move.target)")
                continue
            }
            // The rename is tried first: a folder is made only when it fails for want of one, and a file is
            // looked for only then (gone means it was moved before a crash).
            let (fromName, intoName) = (from >= 0 ? move.staged : source, into >= 0 ? move.target : target)
            let (fromFD, intoFD) = (from >= 0 ? from : AT_FDCWD, into >= 0 ? into : AT_FDCWD)
            if renameat(fromFD, fromName, intoFD, intoName) != 0 {
                let failure = errno
                // Gone means moved before a crash, whatever the target's folder has become since.
                if !FileIO.exists(source) { continue }
                guard failure == ENOENT else { throw FileIO.ioError("move into place", target, code: failure) }
                try FileIO.makeDirectories(parent)
                guard renameat(fromFD, fromName, intoFD, intoName) == 0 else { throw FileIO.ioError("move into place", target) }
            }
            touch(parent, &touched, &manyTouched)
            try CrashPoints.reached("moved \(move.target)")
        }
        // The renames are durable once their folders are flushed. An import lands files in tens of
        // thousands of folders, and on ext4 each folder's fsync is a journal commit (42,000 of them took
        // most of a whole-school import): past a handful, one syncfs flushes them all at once.
        if !manyTouched {
            for parent in touched.sorted() { FileIO.fsyncDirectory(parent) }
        } else {
            try FileIO.flushFileSystem(root)
        }
        // Every move is done and durable: what is left in the folder is only to be deleted, which the next
        // command's recovery also does should this process end first.
        if let cleanup { cleanup.add(dir) } else { discard(dir) }
    }

    /// A relative path with no `..` in it.
    private static func isInside(_ path: String) -> Bool {
        !path.hasPrefix("/") && !path.split(separator: "/", omittingEmptySubsequences: false).contains("..")
    }

    /// Remembers a folder renamed into, up to 8 of them; past that only that there were more.
    private static func touch(_ folder: String, _ touched: inout Set<String>, _ many: inout Bool) {
        guard !many else { return }
        touched.insert(folder)
        if touched.count > 8 {
            many = true
            touched = []
        }
    }

    /// Whether a committed transaction waits to be finished (a move failed after its commit point).
    static func committedPlanWaits(root: String) -> Bool { !committedPlans(root: root).isEmpty }

    /// The folders of committed transactions not yet finished.
    static func committedPlans(root: String) -> [String] {
        FileIO.list(root + "/.folio/txn").map { root + "/.folio/txn/" + $0 }.filter { FileIO.exists($0 + "/plan.json") }
    }

    /// Finishes committed transactions and discards uncommitted ones left by a killed process.
    /// Returns, for each committed plan it finished, the command that had made it (nil when it did not say).
    @discardableResult
    static func recover(root: String) throws(FolioError) -> [String?] {
        // Bundles a killed import was still checking: nothing of them reached the workspace.
        for name in FileIO.list(root + "/.folio/incoming") { FileIO.removeTree(root + "/.folio/incoming/" + name) }
        let base = root + "/.folio/txn"
        var finished: [String?] = []
        for name in FileIO.list(base) {
            let dir = base + "/" + name
            let planPath = dir + "/plan.json"
            if FileIO.exists(planPath),
               let moves = try? JSONDecoder().decode([Move].self, from: Data(try FileIO.readAll(planPath))) {
                let label = (try? FileIO.readAll(dir + "/" + commandName)).map { String(decoding: $0, as: UTF8.self) }
                try apply(root: root, dir: dir, moves: moves)
                finished.append(label)
            } else {
                FileIO.removeTree(dir)
            }
        }
        return finished
    }
}

/// Test hook: `FOLIO_CRASH_AT=N` ends the process abruptly at the N-th durable step of a write, so tests
/// can show that a kill at any point leaves the old state or the new one.
enum CrashPoints {
    nonisolated(unsafe) private static var count = 0
    private static let limit: Int? = DemoSchool.hook("FOLIO_CRASH_AT").flatMap(Int.init)
    /// Test hook: a pause at every durable step, so that a test's SIGKILL lands in the middle of the
    /// writes however fast the machine is.
    private static let delay: UInt32? = DemoSchool.hook("FOLIO_STEP_DELAY_MS").flatMap(UInt32.init)

    static func reached(_ step: String) throws(FolioError) {
        if let delay { usleep(delay * 1000) }
        guard let limit else { return }
        count += 1
        if count >= limit { _exit(99) }
    }
}
