import FolioCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The lock on `.folio/lock`: exclusive for the whole of a writing command, shared for a reading one, so
/// that a reader never sees a writer's work half done and a writer never changes files under a reader.
///
/// A POSIX record lock (`fcntl`), because the kernel can then name the process that holds it, which a
/// waiting command reports; and a `flock` on the same file, which is what outside tools take (see `take`).
/// The kernel drops both when the process dies, so a killed folio never leaves a stale lock. Record locks
/// belong to the process: this file is opened nowhere else in folio (closing any other descriptor of it would
/// release the lock), and a process takes either the shared lock or the exclusive one, never both.
public final class WorkspaceLock: @unchecked Sendable {
    public enum Mode: Sendable { case shared, exclusive }

    private let fd: Int32

    /// How long a command waits for another to finish before giving up: `FOLIO_LOCK_WAIT` seconds, or two
    /// minutes (an import of a whole school's bundle takes well under one).
    public static var patience: Int {
        ProcessInfo.processInfo.environment["FOLIO_LOCK_WAIT"].flatMap(Int.init).map { max(0, $0) } ?? 120
    }

    /// Told once, when a command starts to wait, what it is waiting for (the CLI prints it).
    nonisolated(unsafe) public static var onWait: (@Sendable (String) -> Void)?
    /// The command words in a holder's arguments ("bundle import"), as the front end names its commands.
    nonisolated(unsafe) public static var commandWords: (@Sendable ([String]) -> String?)?

    public convenience init(path: String, mode: Mode, wait seconds: Int = WorkspaceLock.patience) throws(FolioError) {
        let fd = open(path, (mode == .shared ? O_RDONLY : O_RDWR) | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileIO.ioError("open the lock file", path) }
        try self.init(fd: fd, mode: mode, wait: seconds)
    }

    /// A reader's lock, or nil where none can be taken because the workspace cannot be written at all (a
    /// copy on read-only media, where no writer can run either).
    public static func forReading(path: String) throws(FolioError) -> WorkspaceLock? {
        let fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 {
            if [EROFS, EACCES, ENOENT].contains(errno) { return nil }
            throw FileIO.ioError("open the lock file", path)
        }
        return try WorkspaceLock(fd: fd, mode: .shared, wait: patience)
    }

    private init(fd: Int32, mode: Mode, wait seconds: Int) throws(FolioError) {
        self.fd = fd
        let deadline = Date().addingTimeInterval(Double(seconds))
        var told = false
        while !Self.take(fd, mode) {
            let holder = Self.holder(fd, mode)
            if Date() >= deadline {
                close(fd)
                throw FolioError(.workspaceBusy, holder.map { Message("workspace.busy", ["who": $0.start, "waited": Self.duration(seconds)]) }
                                     ?? Message("workspace.busy.anotherCommand", ["waited": Self.duration(seconds)]),
                                 hint: Message("workspace.busy.hint"))
            }
            if !told {
                told = true
                Self.onWait?(Message("workspace.waiting", ["who": holder?.within ?? Message("workspace.anotherCommand"),
                                                           "most": Self.duration(seconds)]).text())
            }
            usleep(100_000)
        }
    }

    deinit { close(fd) }   // closing the descriptor releases the lock

    /// Takes the record lock, and the `flock` lock too: the two are separate on Linux, and a backup script
    /// holds the workspace still with `flock --shared .folio/lock …` (Docs/workflows/it.md).
    private static func take(_ fd: Int32, _ mode: Mode) -> Bool {
        var request = flock()
        request.l_type = Int16(mode == .shared ? F_RDLCK : F_WRLCK)
        request.l_whence = Int16(SEEK_SET)
        guard fcntl(fd, F_SETLK, &request) == 0 else { return false }
        if flock(fd, (mode == .shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 { return true }
        request.l_type = Int16(F_UNLCK)
        _ = fcntl(fd, F_SETLK, &request)
        return false
    }

    /// The command holding the lock against `mode`, as the user would recognise it: "`folio sync` (process
    /// 4242)", from the process's command line; named within a sentence and at its start.
    private static func holder(_ fd: Int32, _ mode: Mode) -> (within: Message, start: Message)? {
        var query = flock()
        query.l_type = Int16(mode == .shared ? F_RDLCK : F_WRLCK)
        query.l_whence = Int16(SEEK_SET)
        guard fcntl(fd, F_GETLK, &query) == 0, query.l_type != Int16(F_UNLCK), query.l_pid > 0 else {
            return (Message("workspace.lockHolder.other"), Message("workspace.lockHolder.other.start"))
        }
        let pid = query.l_pid
        guard let raw = try? FileIO.readAll("/proc/\(pid)/cmdline") else { return process(pid) }
        let words = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard let program = words.first else { return process(pid) }
        // The program and its command words; arguments, options and their values are left out.
        let name = (program as NSString).lastPathComponent
        let command = commandWords?(Array(words.dropFirst())).map { name + " " + $0 } ?? name
        let named = Message("workspace.lockHolder.command", ["command": command, "pid": Int(pid)])
        return (named, named)
    }

    private static func process(_ pid: pid_t) -> (within: Message, start: Message) {
        (Message("workspace.lockHolder.process", ["pid": Int(pid)]), Message("workspace.lockHolder.process.start", ["pid": Int(pid)]))
    }

    private static func duration(_ seconds: Int) -> Message {
        seconds >= 120 ? Message("workspace.minutes", ["n": seconds / 60])
            : seconds == 1 ? Message("workspace.oneSecond") : Message("workspace.seconds", ["n": seconds])
    }
}
