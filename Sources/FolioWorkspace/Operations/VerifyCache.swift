import FolioCore
import Foundation

/// What `lstat` says about a file: if none of it changed, neither did the file's contents (the same rule git's
/// index uses). The change time (ctime) cannot be set back by ordinary programs, so touching a file's mtime
/// back after editing it still shows.
struct FileStamp: Hashable, Sendable {
    static let file = UInt8(ascii: "f"), directory = UInt8(ascii: "d"), other = UInt8(ascii: "o")
    /// `file`, `directory` or `other`; written as that letter in the cache.
    var kind: UInt8
    var inode: UInt64
    var size: Int64
    var mtime: Int64  // nanoseconds
    var ctime: Int64

    /// Stamps `path`, relative to the open folder `dir` when given: a short relative path saves the
    /// kernel a walk down the whole path for each of the thousands of files an unchanged check stamps.
    static func of(_ path: String, in dir: Int32 = AT_FDCWD) -> FileStamp? {
        path.withCString { of(cString: $0, in: dir) }
    }

    static func of(cString path: UnsafePointer<CChar>, in dir: Int32 = AT_FDCWD) -> FileStamp? {
        var st = stat()
        guard fstatat(dir, path, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        let type = st.st_mode & S_IFMT
        return FileStamp(kind: type == S_IFREG ? file : type == S_IFDIR ? directory : other, inode: UInt64(st.st_ino),
                         size: Int64(st.st_size),
                         mtime: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
                         ctime: Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec))
    }
}

/// The rebuildable cache behind a quick `folio verify` (DESIGN: "re-checking an unchanged workspace costs a
/// `stat` per file, not a re-hash"). One small text file per student under `.folio/cache/verify/` records
/// the stamp of everything in the student's folder, the SHA-256 of each artifact file, the school view it
/// was checked against, and what the check found. When every stamp and the school view are unchanged, the
/// finding is reused; otherwise the student is checked again, re-hashing only files whose stamp changed.
///
/// Deleting `.folio/cache` is always safe. `folio verify --full` ignores it. A cache written by another
/// build of folio is ignored, since a newer folio may check more.
struct VerifyCache: Sendable {
    let dir: String
    /// Ties every record to this folio build: the executable's stamp, plus a number to bump if the format changes.
    let build: String

    init(_ ws: Workspace) {
        dir = ws.root + "/.folio/cache/verify"
        let exe = FileStamp.of((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "")
        build = "folio-verify-cache/2 \(exe.map { "\($0.inode)-\($0.size)-\($0.mtime)" } ?? "unknown")"
    }

    /// One student's record.
    struct Record: Sendable {
        var school: String
        var events = 0, files = 0, bytes = 0
        var issues: [VerifyIssue] = []
        var heldBack: [VerifyIssue] = []
        /// Everything in the student's folder, by path relative to it, in walk order.
        var listing: [(path: String, stamp: FileStamp)] = []
        /// SHA-256 of artifact files, by relative path.
        var hashes: [String: String] = [:]

        /// Drops the stamps and hashes once the record is saved: the findings of every student are kept
        /// until the report is printed, and memory must not grow with the school.
        mutating func forget() {
            listing = []
            hashes = [:]
        }
    }

    /// Stamps every file and folder below `base` (not following links), sorted by path. A folder's stamp
    /// changes whenever an entry is added, removed or renamed in it, so when a folder's stamp matches
    /// `previous`, its entries are taken from there and only stamped again, not listed: that saves the
    /// open, read and close of every folder, which is most of the cost of an unchanged workspace.
    static func listing(_ base: String, previous: [(path: String, stamp: FileStamp)]? = nil) -> [(path: String, stamp: FileStamp)] {
        var out: [(String, FileStamp)] = []
        var earlier: [String: (stamp: FileStamp, names: [String])] = [:]
        if let previous {
            let none = FileStamp(kind: 0, inode: 0, size: 0, mtime: 0, ctime: 0)
            for (path, stamp) in previous {
                if path.isEmpty { earlier["", default: (stamp, [])].stamp = stamp; continue }
                // Split on the UTF-8 view: '/' is one byte, and Character-wise indexing is far slower
                // over the hundred thousand paths of a large school.
                let utf8 = path.utf8
                let isDir = utf8.last == UInt8(ascii: "/")
                let end = isDir ? utf8.index(before: utf8.endIndex) : utf8.endIndex
                let slash = utf8[..<end].lastIndex(of: UInt8(ascii: "/"))
                let parent = slash.map { String(path[...$0]) } ?? ""
                let name = String(path[(slash.map { utf8.index(after: $0) } ?? utf8.startIndex)..<end])
                earlier[parent, default: (none, [])].names.append(name)
                if isDir { earlier[path, default: (stamp, [])].stamp = stamp }
            }
        }
        let baseFD = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard baseFD >= 0 else { return [] }
        defer { close(baseFD) }
        func visit(_ dir: String, _ prefix: String, _ stamp: FileStamp?) {
            let names: [String]
            if let stamp, let seen = earlier[prefix], seen.stamp == stamp { names = seen.names } else { names = FileIO.list(dir) }
            for name in names {
                let rel = prefix + name
                guard let stamp = FileStamp.of(rel, in: baseFD) else {
                    // A name that cannot be stamped: not valid UTF-8 (FileIO.list replaced its bad bytes, so
                    // the name no longer exists as written; a Big5 file name does this), or gone since it was
                    // listed. It stays in the listing, so that verify names it as a stray.
                    out.append((rel, FileStamp(kind: FileStamp.other, inode: 0, size: 0, mtime: 0, ctime: 0)))
                    continue
                }
                if stamp.kind == FileStamp.directory {
                    out.append((rel + "/", stamp))
                    visit(dir + "/" + name, rel + "/", stamp)
                } else {
                    out.append((rel, stamp))
                }
            }
        }
        // The folder itself comes first, under the empty path.
        guard let top = FileStamp.of(".", in: baseFD) else { return [] }
        out.append(("", top))
        visit(base, "", top)
        return out
    }

    /// A listing is only trusted if nothing in it changed in the last two seconds: file times tick
    /// coarsely, so a file rewritten twice within one tick could keep its stamp.
    static func isSettled(_ listing: [(path: String, stamp: FileStamp)], now: Int64) -> Bool {
        listing.allSatisfy { $0.stamp.kind == FileStamp.directory || max($0.stamp.mtime, $0.stamp.ctime) < now - 2_000_000_000 }
    }

    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    func path(_ number: String) -> String { dir + "/" + number }

    /// The record for archive/'s tarballs. Student numbers are letters and digits only, so a name with a
    /// hyphen cannot clash with one.
    static let archiveKey = "sealed-archives"

    func read(_ number: String) -> Record? {
        guard let bytes = try? FileIO.readAll(path(number)) else { return nil }
        return Self.decode(bytes, build: build)
    }

    /// Best effort: a workspace on read-only media, or a full disk, just goes without a cache. A record
    /// that already says the same is left alone: a full verify of an unchanged school would otherwise
    /// create thousands of files only to rename them over identical ones, and on ext4 creating a file
    /// means searching the inode bitmap (a fifth of a full verify's system time at 2,000 students).
    func write(_ number: String, _ record: Record) {
        let bytes = Self.encode(record, build: build)
        if let existing = try? FileIO.readAll(path(number)), existing == bytes { return }
        try? FileIO.makeDirectories(dir)
        let tmp = path(number) + ".tmp"
        unlink(tmp)
        guard (try? FileIO.writeNew(tmp, bytes, flush: false)) != nil else { return }
        rename(tmp, path(number))
    }

    /// The record for `number` if nothing it lists has changed: every entry stamped again, in the order the
    /// record lists them, against the school view `school`. A folder's stamp changes whenever an entry is
    /// added, removed or renamed in it, so matching stamps mean `listing` would give the same entries; this
    /// reaches the same answer without building the listing, its dictionaries or a String per path,
    /// which was half the user time of re-checking an unchanged school. The returned record has its
    /// findings only. nil means "check the student": no record, another build, another school view, or
    /// any stamp that differs (including an entry that cannot be stamped).
    func unchanged(_ number: String, base: String, school: String) -> Record? {
        guard let bytes = try? FileIO.readAll(path(number)) else { return nil }
        let baseFD = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard baseFD >= 0 else { return nil }
        defer { close(baseFD) }
        var name = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        var entries = 0
        let record = Self.parse(bytes, build: build, school: school) { expected, _, listed in
            // The folder itself is listed under the empty path and folders end in '/': stamp "." and the
            // name without its slash, so a link put in a folder's place is stamped as the link.
            let path = listed.last == UInt8(ascii: "/") ? listed.dropLast() : listed
            guard path.count < name.count - 1 else { return false }
            if path.isEmpty {
                name[0] = CChar(UInt8(ascii: ".")); name[1] = 0
            } else {
                name.withUnsafeMutableBytes { out in
                    path.withUnsafeBytes { out.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                    out[path.count] = 0
                }
            }
            guard let now = name.withUnsafeBufferPointer({ FileStamp.of(cString: $0.baseAddress!, in: baseFD) }),
                  now == expected else { return false }
            entries += 1
            return true
        }
        // A record always lists the folder itself; one that lists nothing was not written by `write`.
        return entries > 0 ? record : nil
    }

    /// What the last check of a student still vouches for, for a command that may take it on trust instead
    /// of checking again (`folio archive seal`): when that check found nothing wrong, each file whose stamp is
    /// the same now as then. An event file among them had a valid signature, and an artifact file the SHA-256
    /// recorded. Empty when there is no record from this build, or its check found something wrong.
    func vouched(_ number: String, base: String) -> Vouched {
        guard let record = read(number), record.issues.isEmpty else { return Vouched() }
        let baseFD = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard baseFD >= 0 else { return Vouched() }
        defer { close(baseFD) }
        var vouched = Vouched()
        for (path, stamp) in record.listing where stamp.kind == FileStamp.file && FileStamp.of(path, in: baseFD) == stamp {
            if let sha256 = record.hashes[path] { vouched.sha256[path] = sha256 } else { vouched.unchanged.insert(path) }
        }
        return vouched
    }

    /// Files of a student's folder (by path relative to it) that a clean check found as they are now.
    struct Vouched: Sendable {
        /// Artifact files, with the SHA-256 the check found.
        var sha256: [String: String] = [:]
        /// Every other file: events, whose signatures the check found valid, and the manifest.
        var unchanged: Set<String> = []

        /// Whether the event file `name` (in events/) was found validly signed as it is now.
        func signed(event name: String) -> Bool { unchanged.contains("events/" + name) }
    }

    // MARK: format
    //
    //   <build line>
    //   school <sha256 of school.json's bytes>
    //   found <events> <files> <bytes>
    //   issues <JSON array>            (only when there are any)
    //   held <JSON array>              (only when there are any)
    //   <kind> <inode> <size> <mtime> <ctime> <sha256 or -> <path>     (one per file or folder)

    static func encode(_ r: Record, build: String) -> [UInt8] {
        var text = "\(build)\nschool \(r.school)\nfound \(r.events) \(r.files) \(r.bytes)\n"
        if !r.issues.isEmpty { text += "issues " + json(r.issues) + "\n" }
        if !r.heldBack.isEmpty { text += "held " + json(r.heldBack) + "\n" }
        for (p, s) in r.listing {
            text += "\(Character(Unicode.Scalar(s.kind))) \(s.inode) \(s.size) \(s.mtime) \(s.ctime) \(r.hashes[p] ?? "-") \(p)\n"
        }
        return Array(text.utf8)
    }

    private static func json(_ issues: [VerifyIssue]) -> String {
        String(decoding: (try? JSONEncoder().encode(issues.map(StoredIssue.init))) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// A finding as the cache keeps it: the message's key and values rather than its words, so that a finding
    /// read back is shown in the user's language like one found just now, and the cache is the same bytes
    /// whatever language is shown.
    private struct StoredIssue: Codable {
        var path: String
        var what: StoredMessage

        init(_ issue: VerifyIssue) {
            path = issue.path
            what = StoredMessage(issue.what)
        }

        var issue: VerifyIssue { VerifyIssue(path: path, what: what.message) }
    }

    /// A `Message`: a catalog key with its values, or text kept as it is.
    private struct StoredMessage: Codable {
        var key: String?
        var text: String?
        var values: [String: StoredValue]?

        init(_ m: Message) {
            key = m.key
            // A message without a key is verbatim text, the same in every language.
            text = m.key == nil ? m.text(.en) : nil
            values = m.values.isEmpty ? nil : m.values.mapValues(StoredValue.init)
        }

        var message: Message {
            guard let key else { return .verbatim(text ?? "") }
            return Message(key, (values ?? [:]).mapValues(\.value))
        }
    }

    private struct StoredValue: Codable {
        var text: String?
        var message: StoredMessage?

        init(_ v: Message.Value) {
            switch v {
            case .text(let t): text = t
            case .message(let m): message = StoredMessage(m)
            }
        }

        var value: any MessageValue { message?.message ?? text ?? "" }
    }

    static func decode(_ bytes: [UInt8], build: String) -> Record? {
        var listing: [(path: String, stamp: FileStamp)] = []
        var hashes: [String: String] = [:]
        guard var r = parse(bytes, build: build, entry: { stamp, sha256, path in
            let p = String(decoding: path, as: UTF8.self)
            listing.append((p, stamp))
            if sha256.count == 64 { hashes[p] = String(decoding: sha256, as: UTF8.self) }
            return true
        }) else { return nil }
        r.listing = listing
        r.hashes = hashes
        return r
    }

    /// Reads a record as `encode` writes it: nil unless it is from this build (and, when `school` is
    /// given, was checked against that school view) and every line is well formed. Each entry line is
    /// handed to `entry` as it is read, its hash field and path still as bytes; `entry` returning false
    /// gives nil at once. The returned record has no listing or hashes of its own.
    private static func parse(_ bytes: [UInt8], build: String, school: String? = nil,
                              entry: (FileStamp, _ sha256: ArraySlice<UInt8>, _ path: ArraySlice<UInt8>) -> Bool) -> Record? {
        var at = 0
        func nextLine() -> ArraySlice<UInt8>? {
            guard at < bytes.count else { return nil }
            let end = bytes[at...].firstIndex(of: 10) ?? bytes.count
            defer { at = end + 1 }
            return bytes[at..<end]
        }
        guard let buildLine = nextLine(), buildLine.elementsEqual(build.utf8),
              let schoolLine = nextLine(), schoolLine.starts(with: "school ".utf8),
              let found = nextLine()?.split(separator: 32), found.count == 4, found[0].elementsEqual("found".utf8),
              let events = Int(ascii: found[1]), let files = Int(ascii: found[2]), let size = Int(ascii: found[3])
        else { return nil }
        let digest = String(decoding: schoolLine.dropFirst(7), as: UTF8.self)
        if let school, digest != school { return nil }
        var r = Record(school: digest, events: events, files: files, bytes: size)
        // The findings, one line of JSON each, present only when there are any.
        while at < bytes.count, bytes[at...].starts(with: "issues ".utf8) || bytes[at...].starts(with: "held ".utf8),
              let line = nextLine() {
            guard let list = try? JSONDecoder().decode([StoredIssue].self, from: Data(line.drop(while: { $0 != 32 }).dropFirst()))
                .map(\.issue)
            else { return nil }
            if line.first == UInt8(ascii: "h") { r.heldBack = list } else { r.issues = list }
        }
        while let line = nextLine() {
            if line.isEmpty { continue }
            // Seven fields; the path is last and may hold spaces.
            let f = line.split(separator: 32, maxSplits: 6, omittingEmptySubsequences: false)
            guard f.count == 7, f[0].count == 1, let inode = UInt64(ascii: f[1]), let sz = Int64(ascii: f[2]),
                  let mtime = Int64(ascii: f[3]), let ctime = Int64(ascii: f[4]),
                  entry(FileStamp(kind: f[0].first!, inode: inode, size: sz, mtime: mtime, ctime: ctime), f[5], f[6])
            else { return nil }
        }
        return r
    }
}

private extension FixedWidthInteger {
    /// A decimal number as `encode` writes it (an optional minus sign, then digits), read without making
    /// a String first; nil for anything else or on overflow.
    init?(ascii: ArraySlice<UInt8>) {
        let negative = ascii.first == UInt8(ascii: "-")
        let digits = negative ? ascii.dropFirst() : ascii
        guard !digits.isEmpty else { return nil }
        var value: Self = 0
        for b in digits {
            guard b >= 48, b <= 57 else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = negative ? times.subtractingReportingOverflow(Self(b - 48)) : times.addingReportingOverflow(Self(b - 48))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        self = value
    }
}
