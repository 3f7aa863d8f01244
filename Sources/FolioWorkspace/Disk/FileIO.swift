import FolioCore
import FolioTar
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Low-level file operations with the durability folio promises: data is fsynced before it is renamed
/// into place, and directories are fsynced after entries change, so a power cut leaves either the old or
/// the new file.
enum FileIO {
    /// `code` is taken where the call is written, before anything else can change `errno`. A failure to
    /// read is not the full or read-only disk a failure to write usually is, and its hint says so.
    static func ioError(_ what: String, _ path: String, code: Int32 = errno) -> FolioError {
        let verb = verbs[what].map { Message("disk.verb." + $0) } ?? Message.verbatim(what)
        return FolioError(.io, Message("disk.failed", ["what": verb, "path": path, "reason": String(cString: strerror(code))]),
                          hint: Message(what == "read" ? "disk.failed.read.hint" : "disk.failed.write.hint"))
    }

    /// The catalog names of the actions `ioError` is given, so the sentence reads in the user's language.
    private static let verbs = [
        "read": "read", "write": "write", "create": "create", "create the folder": "createFolder", "flush": "flush",
        "move": "move", "move into place": "moveIntoPlace", "name": "name", "open": "open",
        "open the lock file": "openLockFile", "remove": "remove", "save": "save", "commit": "commit",
    ]

    /// Opens an ordinary file for reading (`OrdinaryFile`: a pipe or a device is refused, not waited on).
    static func openFile(_ path: String, in folder: Int32 = AT_FDCWD) throws(FolioError) -> (fd: Int32, info: stat) {
        do throws(OrdinaryFile.Failure) { return try OrdinaryFile.open(path, in: folder) } catch {
            switch error {
            case .system(let code): throw ioError("read", path, code: code)
            case .notOrdinary:
                throw FolioError(.io, "disk.notOrdinary", ["path": path])
            }
        }
    }

    /// Why a file that could not be read is there but unreadable, in words for a verify report, or nil when
    /// it is simply not there. Asked only after a failure, so reading costs nothing more.
    static func whyUnreadable(_ path: String, in folder: Int32 = AT_FDCWD) -> Message? {
        var st = stat()
        guard fstatat(folder, path, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            do throws(OrdinaryFile.Failure) { close(try OrdinaryFile.open(path, in: folder).fd) } catch {
                if case .system(let code) = error { return Message("disk.unreadable.system", ["reason": String(cString: strerror(code))]) }
            }
            return Message("disk.unreadable.short")
        case S_IFDIR: return Message("disk.unreadable.folder")
        case S_IFLNK: return Message("disk.unreadable.link")
        default: return Message("disk.unreadable.special")
        }
    }

    /// Reads a whole file; `path` is relative to the open folder `folder` when one is given.
    static func readAll(_ path: String, in folder: Int32 = AT_FDCWD) throws(FolioError) -> [UInt8] {
        let (fd, st) = try openFile(path, in: folder)
        defer { close(fd) }
        // Read straight into an array sized from fstat (records are small and read by the thousand), and
        // keep reading past that size in case the file grew meanwhile.
        let expected = max(Int(st.st_size), 0)
        // A short read that has given all fstat promised is the file's end: no need for one more read (a
        // system call for each of the school's hundred thousand records) to be told so. A short read
        // before that (a file over 2 GiB, some network file systems) only means reading on.
        var out = [UInt8](repeating: 0, count: expected + 1)
        var filled = 0
        while true {
            if filled == out.count { out += [UInt8](repeating: 0, count: max(out.count, 65_536)) }
            let asked = out.count - filled
            let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, asked) }
            if n < 0 { if errno == EINTR { continue }; throw ioError("read", path) }
            if n == 0 { break }
            filled += n
            if filled >= expected && n < asked { break }
        }
        out.removeLast(out.count - filled)
        return out
    }

    /// Writes `bytes` to a new file and fsyncs it, unless `flush` is false (a cache, or a transaction that
    /// flushes everything it staged at once). Refuses to replace an existing file.
    static func writeNew(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644, flush: Bool = true) throws(FolioError) {
        try writeNew(path, mode: mode, flush: flush) { write throws(FolioError) in try write(bytes) }
    }

    /// Creates `path` from pieces made one after another (`pieces` is handed the function that writes
    /// one), so that a large file is never whole in memory; fsyncs it unless `flush` is false.
    static func writeNew(_ path: String, mode: mode_t = 0o644, flush: Bool = true,
                         pieces: (_ write: ([UInt8]) throws(FolioError) -> Void) throws(FolioError) -> Void) throws(FolioError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw ioError("create", path) }
        defer { close(fd) }
        try pieces { bytes throws(FolioError) in
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
                if n < 0 { if errno == EINTR { continue }; throw ioError("write", path) }
                offset += n
            }
        }
        if flush { guard fsync(fd) == 0 else { throw ioError("flush", path) } }
    }

    /// What a file read back is compared with: the SHA-256 it was written with (a backup object or a printed
    /// receipt, named or listed by that hash anyway), or the CRC-32 (a bundle: the receiver checks its seal and signatures, so the read-back
    /// only has to find a stick that lost or changed bytes, and CRC-32 does that at twice the speed).
    enum Written {
        case sha256(String)
        case crc32(UInt32)
    }

    /// Linux's `O_DIRECT`.
    static let directIO = POSIXFile.directIO

    /// `readBack` of a file by its path: why `path` does not hold what was written, or nil when it does.
    static func readBack(_ path: String, size: Int64, _ written: Written) -> Message? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return Message("disk.readBack.failed", ["reason": String(cString: strerror(errno))]) }
        defer { close(fd) }
        return readBack(fd, size: size, written)
    }

    /// Reads back a file that was just written and flushed, from the disk rather than from memory, so that a
    /// stick that lost or mangled the bytes, or a fake-capacity stick that wraps around, shows it here. Returns
    /// why the file is not what was written, or nil when its size and checksum match.
    ///
    /// The file is read with `O_DIRECT`, past the page cache, straight from the device, with almost no processor
    /// time: dropping the cached pages and reading through the cache cost several times as long in the kernel
    /// (Docs/performance.md). A file system that refuses `O_DIRECT` (tmpfs, some FUSE mounts) is read the old
    /// way: its cached pages, clean after the flush, are dropped first.
    static func readBack(_ fd: Int32, size: Int64, _ written: Written) -> Message? {
        switch written {
        case .sha256(let expected):
            var hasher = SHA256()
            if let why = readBack(fd, size: size, { got in hasher.update(bufferPointer: got) }) { return why }
            return SHA256Hex.hex(hasher.finalize()) == expected ? nil : Message("disk.readBack.otherBytes")
        case .crc32(let expected):
            // Two halves at once, each summed on its own core and the sums combined: the device has two reads
            // to serve, and summing no longer waits for reading.
            let halves = size >= readBackSplit ? 2 : 1
            let half = (size / Int64(halves) + Int64(readBackBlock) - 1) / Int64(readBackBlock) * Int64(readBackBlock)
            if let why = checkSize(fd, size) { return why }
            let sums = fromDisk(fd) {
                Parallel.map(halves) { i -> (crc: UInt32, length: Int64, why: Message?) in
                    let from = Int64(i) * half, to = i == halves - 1 ? size : min(size, from + half)
                    var summer = CRC32()
                    let why = readRange(fd, from: from, to: to) { summer.update($0) }
                    return (summer.value, to - from, why)
                }
            }
            if let why = sums.lazy.compactMap(\.why).first { return why }
            let value = sums.dropFirst().reduce(sums[0].crc) { CRC32.combine($0, $1.crc, secondLength: $1.length) }
            return value == expected ? nil : Message("disk.readBack.otherBytes")
        }
    }

    /// Files at least this large are read back in two halves at once.
    static let readBackSplit: Int64 = 64 << 20
    /// Each read of a read-back: page-aligned, as `O_DIRECT` needs, and large enough to keep the device busy.
    private static let readBackBlock = 1 << 20

    /// `readBack` of a file written with the CRC-32 `crc32`, which also gives the SHA-256 of what the disk holds
    /// (a sealed archive's, for the register): one hash of the bytes instead of one as written and one as read.
    static func readBackHashing(_ fd: Int32, size: Int64, crc32: UInt32) -> (sha256: String, why: Message?) {
        var hasher = SHA256()
        var summer = CRC32()
        if let why = readBack(fd, size: size, { got in
            hasher.update(bufferPointer: got)
            summer.update(got)
        }) { return ("", why) }
        return (SHA256Hex.hex(hasher.finalize()), summer.value == crc32 ? nil : Message("disk.readBack.otherBytes"))
    }

    /// Reads `fd`'s `size` bytes from the disk, handing each block to `body`: why it could not, or nil.
    private static func readBack(_ fd: Int32, size: Int64, _ body: (UnsafeRawBufferPointer) -> Void) -> Message? {
        if let why = checkSize(fd, size) { return why }
        return fromDisk(fd) { readRange(fd, from: 0, to: size, body) }
    }

    /// Why `fd` does not hold `size` bytes, or nil when it does.
    private static func checkSize(_ fd: Int32, _ size: Int64) -> Message? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return Message("disk.readBack.failed", ["reason": String(cString: strerror(errno))]) }
        return Int64(st.st_size) == size ? nil : Message("disk.readBack.short", ["held": Int64(st.st_size), "size": size])
    }

    /// Runs `body` with `fd` set to read from the device: `O_DIRECT` turned on, and the descriptor's own flags
    /// put back after; where the file system refuses it, the file's cached pages (clean after the flush) are
    /// dropped first, so the reads come from the disk all the same.
    private static func fromDisk<T>(_ fd: Int32, _ body: () -> T) -> T {
        let flags = fcntl(fd, F_GETFL)
        let direct = flags >= 0 && fcntl(fd, F_SETFL, flags | directIO) == 0
        defer { if direct { _ = fcntl(fd, F_SETFL, flags) } }
        if !direct { _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED)) }
        return body()
    }

    /// Reads bytes `from..<to` of `fd` (set up by `fromDisk`), handing each block to `body`: why it could not,
    /// or nil. Several ranges of one descriptor may be read at once.
    private static func readRange(_ fd: Int32, from: Int64, to: Int64, _ body: (UnsafeRawBufferPointer) -> Void) -> Message? {
        // Aligned for O_DIRECT: the buffer and every offset on a page boundary (each read but the last is whole).
        let block = BufferPool.take(readBackBlock)
        defer { BufferPool.give(block) }
        var offset = from
        while offset < to {
            let n = pread(fd, block.baseAddress!, min(block.count, Int(to - offset)), off_t(offset))
            if n < 0 {
                let failure = errno
                if failure == EINTR { continue }
                let flags = fcntl(fd, F_GETFL)
                if failure == EINVAL, flags >= 0, flags & directIO != 0, fcntl(fd, F_SETFL, flags & ~directIO) == 0 {
                    // Taken when asked but refused on reading (some file systems): the rest through the cache.
                    _ = posix_fadvise(fd, off_t(offset), off_t(to - offset), Int32(POSIX_FADV_DONTNEED))
                    continue
                }
                return Message("disk.readBack.failed", ["reason": String(cString: strerror(failure))])
            }
            if n == 0 { return Message("disk.readBack.short", ["held": offset, "size": to]) }
            body(UnsafeRawBufferPointer(rebasing: block[0..<n]))
            offset += Int64(n)
        }
        return nil
    }

    /// Writes a new file outside the workspace (a printed receipt) under a temporary name, flushes it, reads
    /// it back, and only then gives it its name: what is there under that name is what folio wrote.
    static func writeChecked(_ path: String, _ bytes: [UInt8]) throws(FolioError) {
        let temporary = path + ".partial"
        removeTree(temporary)
        let fd = open(temporary, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw ioError("create", temporary) }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(temporary) }
        }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 { if errno == EINTR { continue }; throw ioError("write", path) }
            offset += n
        }
        guard fsync(fd) == 0 else { throw ioError("write", path) }
        if let why = readBack(fd, size: Int64(bytes.count), .sha256(SHA256Hex.of(bytes))) {
            throw FolioError(.io, "disk.notKept", ["path": path, "why": why])
        }
        guard rename(temporary, path) == 0 else { throw ioError("write", path) }
        ok = true
    }

    /// Copies `source` to a new file `target` (created with `mode`) in 1 MiB blocks, hashing while copying, and
    /// fsyncs it unless the caller flushes the file system itself (`flush: false`).
    static func copyHashing(_ source: String, to target: String, flush: Bool = true,
                            mode: mode_t = 0o644) throws(FolioError) -> (size: Int, sha256: String) {
        let output = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard output >= 0 else { throw ioError("create", target) }
        defer { close(output) }
        let result = try hashFile(source) { (block: UnsafeRawBufferPointer) throws(FolioError) in
            var written = 0
            while written < block.count {
                let w = write(output, block.baseAddress! + written, block.count - written)
                if w < 0 { if errno == EINTR { continue }; throw ioError("write", target) }
                written += w
            }
        }
        if flush { guard fsync(output) == 0 else { throw ioError("flush", target) } }
        return result
    }

    /// Streams a file through SHA-256 in 1 MiB blocks, handing each block to `each` as well.
    /// `path` is relative to the open folder `folder` when one is given.
    static func hashFile(_ path: String, in folder: Int32 = AT_FDCWD,
                         each: (UnsafeRawBufferPointer) throws(FolioError) -> Void = { _ in }) throws(FolioError) -> (size: Int, sha256: String) {
        let fd = try openFile(path, in: folder).fd
        defer { close(fd) }
        var hasher = SHA256()
        var size = 0
        let capacity = 1 << 20
        let pooled = BufferPool.take(capacity)
        defer { BufferPool.give(pooled) }
        let buffer = pooled.baseAddress!
        while true {
            let n = read(fd, buffer, capacity)
            if n < 0 { if errno == EINTR { continue }; throw ioError("read", path) }
            if n == 0 { break }
            let block = UnsafeRawBufferPointer(start: buffer, count: n)
            hasher.update(bufferPointer: block)
            try each(block)
            size += n
        }
        return (size, SHA256Hex.hex(hasher.finalize()))
    }

    /// The first `count` bytes of a file, for content sniffing.
    static func prefix(_ path: String, count: Int) throws(FolioError) -> [UInt8] {
        let fd = try openFile(path).fd
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: count)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, count) }
        guard n >= 0 else { throw ioError("read", path) }
        return Array(buffer[0..<n])
    }

    /// Flushes every file written on the file system holding `path`: one call instead of an fsync per file.
    static func flushFileSystem(_ path: String) throws(FolioError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError("flush", path) }
        defer { close(fd) }
        guard FolioTar.flushFileSystem(of: fd) else { throw ioError("flush", path) }
    }

    /// A new folder only this user can read, under the system's temporary folder (`$TMPDIR`), for work that must
    /// not be seen by others on the machine (a whole submission's receipts before they are printed).
    static func privateTemporaryFolder(_ prefix: String) throws(FolioError) -> String {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array((base.hasSuffix("/") ? base : base + "/").utf8CString.dropLast()) + Array((prefix + "-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ioError("create the folder", base + "/" + prefix)
        }
        return String(cString: made)
    }

    static func fsyncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }

    /// `mkdir -p`: makes `path` and any missing parents; a folder (or a link to one, as FileManager
    /// allowed) already there is fine. Written on `mkdir` directly: an import makes ~42,000 folders, and
    /// FileManager's path handling around each cost more than the system calls.
    static func makeDirectories(_ path: String) throws(FolioError) {
        if mkdir(path, 0o777) == 0 { return }
        if errno == ENOENT {
            let parent = parent(of: path)
            guard !parent.isEmpty else { throw ioError("create the folder", path) }
            try makeDirectories(parent)
            if mkdir(path, 0o777) == 0 { return }
        }
        if errno == EEXIST {
            var st = stat()
            if stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { return }
            errno = EEXIST
        }
        throw ioError("create the folder", path)
    }

    /// The folder part of a path ("a/b/c" → "a/b", "/a" → "/", "c" → ""), split on the UTF-8 bytes:
    /// NSString's path methods cost microseconds each, and imports take paths apart by the hundred thousand.
    static func parent(of path: String) -> String {
        let utf8 = path.utf8
        guard let slash = utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return slash == utf8.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component of a path ("a/b/c" → "c").
    static func lastComponent(of path: String) -> String {
        let utf8 = path.utf8
        guard let slash = utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[utf8.index(after: slash)...])
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// A regular file, not a folder or a link.
    static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// Entries of a directory, sorted by byte order; empty when it does not exist.
    static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Every regular file below `dir`, as paths relative to it, in sorted order.
    static func walk(_ dir: String) -> [String] {
        var out: [String] = []
        for name in list(dir).sorted() {
            let path = dir + "/" + name
            if isDirectory(path) { out += walk(path).map { name + "/" + $0 } } else { out.append(name) }
        }
        return out
    }

    /// Deletes a file, a link or a whole folder, as `rm -rf` does: each folder is emptied through its open
    /// descriptor (`unlinkat`), so the kernel does not walk the whole path again for each of the tens of
    /// thousands of entries an import's staging or a seal leaves behind, and a link is removed, never followed.
    /// Whatever cannot be removed is left where it is.
    static func removeTree(_ path: String) {
        if unlink(path) == 0 || errno == ENOENT { return }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return }
        emptyFolder(fd)
        // A tree deeper than the descriptors a process may hold, or a system that names folders otherwise
        // than the loop expects, is left to FileManager.
        if rmdir(path) != 0 && errno == ENOTEMPTY { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Removes everything in the open folder `fd`, and closes it.
    private static func emptyFolder(_ fd: Int32) {
        guard let dir = fdopendir(fd) else { close(fd); return }
        defer { closedir(dir) }
        // All names first: removing entries while `readdir` walks the folder may skip some.
        var names: [(name: [CChar], folder: Bool)] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { Array(UnsafeBufferPointer(start: $0, count: strlen($0) + 1)) }
            }
            if name == [46, 0] || name == [46, 46, 0] { continue }   // "." and ".."
            names.append((name, entry.pointee.d_type == UInt8(DT_DIR)))
        }
        for (name, folder) in names {
            // A file system that does not give the type (DT_UNKNOWN) says EISDIR when a folder is unlinked.
            // (macOS says EPERM.)
            if !folder, unlinkat(fd, name, 0) == 0 || (errno != EISDIR && errno != EPERM) { continue }
            let inner = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard inner >= 0 else { continue }
            emptyFolder(inner)
            _ = unlinkat(fd, name, AT_REMOVEDIR)
        }
    }
}
