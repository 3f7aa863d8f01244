import FolioCore
import FolioTar
import Foundation

/// A graduate's sealed archive: a deterministic tar holding one BagIt 1.0 bag (RFC 8493), so that any BagIt
/// validator can check it years later without folio.
///
///     <school>-<student>/bagit.txt
///     <school>-<student>/bag-info.txt              school, dates, Payload-Oxum
///     <school>-<student>/manifest-sha256.txt       every payload file
///     <school>-<student>/tagmanifest-sha256.txt    the three tag files above
///     <school>-<student>/data/…                    the student's folder: manifest.json, events/, files/
public enum Bag {
    struct Info: Sendable {
        var schoolName: String
        var schoolCode: String
        var student: String
        var graduated: CivilDate
        var sealed: CivilDate
        var retainUntil: CivilDate
        /// SHA-256 of the student's files that `folio verify` found with that hash and unchanged since, by path
        /// relative to the student's folder: copied into the tar without being hashed again.
        var hashed: [String: String] = [:]
    }

    static func name(school: String, student: String) -> String { "\(school)-\(student)" }

    /// Writes the bag for the student folder `source` as a tar at `tarPath` and returns the tar's size and
    /// CRC-32, for the read-back from the disk that gives its SHA-256. The same folder and info give the same
    /// bytes.
    ///
    /// One pass over the payload: in byte order the tag files `bag-info.txt` and `bagit.txt` come before
    /// `data/`, and the manifests after it, so the payload is hashed as it is copied into the tar (its
    /// sizes, needed for Payload-Oxum up front, come from `stat`), and the tar is summed as it is written.
    /// A file in `info.hashed` is copied without being hashed: its SHA-256 is the one `folio verify` found.
    static func write(studentDir source: String, info: Info, to tarPath: String) throws(FolioError) -> (size: Int, crc32: UInt32) {
        let root = name(school: info.schoolCode, student: info.student)
        var payload: [(path: String, source: String, key: [UInt8], sha256: String?)] = []
        for relative in FileIO.walk(source) {
            let path = "data/" + relative
            payload.append((path, source + "/" + relative, Array(path.utf8), info.hashed[relative]))
        }
        payload.sort { $0.key.lexicographicallyPrecedes($1.key) }
        var bytes = 0
        for p in payload {
            var st = stat()
            guard lstat(p.source, &st) == 0 else { throw FileIO.ioError("read", p.source) }
            bytes += Int(st.st_size)
        }
        let bagit = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
        let bagInfo = """
        Source-Organization: \(info.schoolName)
        School-Code: \(info.schoolCode)
        External-Identifier: \(root)
        External-Description: 學習歷程檔案 of graduate \(info.student), sealed for \(info.graduated.days(until: info.retainUntil) / 365) years
        Graduation-Date: \(info.graduated)
        Bagging-Date: \(info.sealed)
        Seal-Date: \(info.sealed)
        Retain-Until: \(info.retainUntil)
        Payload-Oxum: \(bytes).\(payload.count)

        """
        do {
            // Not flushed here: the seal's transaction flushes the file system once before its commit point.
            // Written past the page cache: the tarball is read back from the disk, never from memory.
            let writer = try TarWriter(creatingFileAt: tarPath, summingOutput: true, flushing: false, direct: true)
            try writer.appendFile(root + "/bag-info.txt", bytes: Data(bagInfo.utf8))
            try writer.appendFile(root + "/bagit.txt", bytes: Data(bagit.utf8))
            var manifest = ""
            for p in payload {
                let entry = try writer.appendFile(root + "/" + p.path, contentsOf: p.source, hashing: p.sha256 == nil)
                guard let sha = p.sha256 ?? entry.sha256 else { throw FileIO.ioError("read", p.source) }
                // Sealing is the last moment the live folder exists: a file damaged on disk must not be sealed
                // as if it were the upload (the bag would be valid, its bytes wrong, and the folder gone).
                if let expected = uploadedPrefix(p.path), !sha.hasPrefix(expected) {
                    throw FolioError(.tampered, "archive.fileChanged", ["student": info.student, "file": p.path.dropFirst("data/".count),
                                                                         "sha": sha.prefix(12), "expected": expected])
                }
                manifest += "\(sha)  \(p.path)\n"
            }
            var tagManifest = ""
            for (name, text) in [("bag-info.txt", bagInfo), ("bagit.txt", bagit), ("manifest-sha256.txt", manifest)] {
                tagManifest += "\(SHA256Hex.of(Array(text.utf8)))  \(name)\n"
            }
            try writer.appendFile(root + "/manifest-sha256.txt", bytes: Data(manifest.utf8))
            try writer.appendFile(root + "/tagmanifest-sha256.txt", bytes: Data(tagManifest.utf8))
            try writer.finish()
            var st = stat()
            guard stat(tarPath, &st) == 0, let crc = writer.outputCRC32 else { throw FileIO.ioError("read", tarPath) }
            return (Int(st.st_size), crc)
        } catch let error as TarError {
            // A file that changed size while it was copied is reported here, and the half-written tar is gone.
            throw FolioError(.io, Message("archive.notWritten", ["student": info.student, "why": error.what]), hint: error.next)
        } catch let error as FolioError {
            throw error
        } catch {
            throw FolioError(.io, Message("archive.notWritten", ["student": info.student, "why": Message.verbatim("\(error)")]),
                             hint: Message("archive.notWritten.hint"))
        }
    }

    /// The first 12 hex digits of the SHA-256 an uploaded file must have, from its path: uploads are stored
    /// as `files/<item>/<sha12>/<name>` (under `data/`, and under `data/earlier/<school>-<no>/` for a
    /// student's earlier school). Nil for any other path.
    static func uploadedPrefix(_ path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[parts.count - 4] == "files" else { return nil }
        let sha12 = parts[parts.count - 2]
        guard sha12.utf8.count == 12, sha12.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        return String(sha12)
    }

    /// What a bag holds, by path inside the bag ("bagit.txt", "data/manifest.json"): each file's size and
    /// SHA-256 (nil for one that is there but cannot be read), and the bytes of its tag files.
    struct Contents {
        var files: [String: (size: Int, sha256: String)?] = [:]
        var tags: [String: [UInt8]] = [:]
        /// Tag files too large to be held (a sealed bag's are a few kilobytes).
        var oversized: Set<String> = []
    }

    /// The tag files whose text validation reads.
    static let tagFiles: Set<String> = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"]

    /// Checks an extracted bag against its manifests: every payload file listed with the right hash,
    /// nothing extra, Payload-Oxum right, tag files as the tag manifest says. Returns the problems found.
    public static func validate(_ bagDir: String) -> [Message] {
        var contents = Contents()
        for path in FileIO.walk(bagDir) {
            contents.files[path] = .some(try? FileIO.hashFile(bagDir + "/" + path))
            if tagFiles.contains(path), let bytes = try? FileIO.readAll(bagDir + "/" + path) { contents.tags[path] = bytes }
        }
        return validate(contents)
    }

    /// Checks the bag inside a sealed tarball as the tarball is read: nothing is extracted, and only the tag
    /// files are held. `root` is the bag's folder in the tarball. Throws when the tarball cannot be read as
    /// a tar at all. A tag file over `tagLimit` bytes is not held, and is reported as too large.
    static func validate(tarball: String, root: String, tagLimit: Int64 = 16 << 20) throws(TarError) -> [Message] {
        var contents = Contents()
        var strays: [String] = []
        let prefix = root + "/"
        func isTag(_ path: String) -> Bool { path.hasPrefix(prefix) && tagFiles.contains(String(path.dropFirst(prefix.count))) }
        try TarReader().scan(.file(path: tarball), keepingContentsOf: isTag, upTo: tagLimit) { entry, content in
            guard entry.path.hasPrefix(prefix) else {
                if entry.path != root { strays.append(entry.path) }
                return
            }
            guard entry.kind == .file, let sha256 = entry.sha256 else { return }
            let path = String(entry.path.dropFirst(prefix.count))
            contents.files[path] = (Int(entry.size), sha256)
            if let content { contents.tags[path] = content } else if isTag(entry.path) { contents.oversized.insert(path) }
        }
        return strays.map { Message("bag.outside", ["path": $0, "root": root]) } + validate(contents)
    }

    static func validate(_ contents: Contents) -> [Message] {
        var problems = contents.oversized.sorted().map { Message("bag.tagTooLarge", ["path": $0]) }
        func read(_ name: String) -> String? { contents.tags[name].map { String(decoding: $0, as: UTF8.self) } }
        /// The problem of a tag file that is not there, unless it was there but too large (said above).
        func absent(_ name: String, _ problem: Message) -> [Message] { contents.oversized.contains(name) ? [] : [problem] }
        /// A listed file's size and hash; nil, with the problem noted, when it is missing or unreadable.
        func file(_ path: String) -> (size: Int, sha256: String)? {
            switch contents.files[path] {
            case nil: problems.append(Message("bag.missing", ["path": path]))
            case .some(nil): problems.append(Message("bag.unreadable", ["path": path]))
            case .some(let found?): return found
            }
            return nil
        }
        guard read("bagit.txt")?.contains("BagIt-Version: 1.0") == true else { return problems + absent("bagit.txt", Message("bag.notBagIt")) }
        func entries(_ text: String) -> [(sha: String, path: String)] {
            text.split(separator: "\n").compactMap { line in
                let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
                guard parts.count == 2 else { return nil }
                return (String(parts[0]), parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        guard let manifest = read("manifest-sha256.txt") else { return problems + absent("manifest-sha256.txt", Message("bag.missing", ["path": "manifest-sha256.txt"])) }
        let listed = entries(manifest)
        var total = 0
        for e in listed {
            guard let found = file(e.path) else { continue }
            total += found.size
            if found.sha256 != e.sha { problems.append(Message("bag.differs", ["path": e.path, "manifest": "manifest-sha256.txt"])) }
        }
        let present = Set(contents.files.keys.filter { $0.hasPrefix("data/") })
        for extra in present.subtracting(listed.map(\.path)).sorted() { problems.append(Message("bag.unlisted", ["path": extra])) }
        if let info = read("bag-info.txt"), let oxum = info.split(separator: "\n").first(where: { $0.hasPrefix("Payload-Oxum:") }) {
            let expected = "\(total).\(listed.count)"
            if oxum.dropFirst("Payload-Oxum:".count).trimmingCharacters(in: .whitespaces) != expected {
                problems.append(Message("bag.oxum", ["expected": expected]))
            }
        } else {
            problems += absent("bag-info.txt", Message("bag.noOxum"))
        }
        if let tags = read("tagmanifest-sha256.txt") {
            for e in entries(tags) {
                guard let found = file(e.path) else { continue }
                if found.sha256 != e.sha { problems.append(Message("bag.differs", ["path": e.path, "manifest": "tagmanifest-sha256.txt"])) }
            }
        } else {
            problems += absent("tagmanifest-sha256.txt", Message("bag.missing", ["path": "tagmanifest-sha256.txt"]))
        }
        return problems
    }
}
