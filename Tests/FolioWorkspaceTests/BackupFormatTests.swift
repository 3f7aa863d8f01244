import FolioCore
import FolioTestSupport
@testable import FolioWorkspace
import Foundation
import Testing

/// The pieces of a backup folder read back as they were written: listings, snapshots (whose canonical bytes, hashed
/// for the id and signed, must be the general encoder's), and the stamps a backup keeps of what it saw.
@Suite struct BackupFormatTests {
    static let sha = String(repeating: "ab", count: 32)

    @Test func aListingReadsBackAndRefusesWhatItDoesNotHold() {
        let entries = [
            BackupEntry(kind: .folder, path: "students/112001", mode: 0o755, size: 0, sha256: ""),
            BackupEntry(kind: .file, path: "students/112001/files/a b/報告 第1版.pdf", mode: 0o600, size: 1627, sha256: Self.sha),
        ]
        let bytes = BackupListing.encode(entries)
        #expect(BackupListing.parse(bytes) == entries)
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("folio-backup-listing/1\nd 755 0 - students/112001\nf 600 1627 "))
        for bad in ["folio-backup-listing/1\nf 644 3 nothex x\n", "folio-backup-listing/1\nd 755 3 - x\n",
                    "folio-backup-listing/1\nl 777 0 - x\n", "folio-backup-listing/2\n", "folio-backup-listing/1\nf 644 3 \(Self.sha) x"] {
            #expect(BackupListing.parse(Array(bad.utf8)) == nil, "\(bad)")
        }
    }

    @Test func eachStudentsFolderIsAPartOfItsOwn() {
        #expect(BackupEntry.part(of: "students/112001/events/x.json") == "students/112001")
        #expect(BackupEntry.part(of: "students/112001") == "students/112001")
        #expect(BackupEntry.part(of: "students") == "")
        #expect(BackupEntry.part(of: "school/events/x.json") == "")
        #expect(BackupEntry.part(of: "students-old/x") == "")
    }

    @Test func aSnapshotsCanonicalBytesAreTheGeneralEncodersAndItsFileReadsBack() throws {
        let parts = (0..<3).map { BackupSnapshot.Part(path: $0 == 0 ? "" : "students/11200\($0)", listing: Self.sha, entries: $0 * 7) }
        for previous in [nil, Self.sha] {
            let snapshot = BackupSnapshot(school: "999901", name: "臺北市立範例高級中學 \"引號\"", replica: "hub-d3668f7e", number: 12,
                                          previous: previous, taken: Instant(epochSeconds: 1_736_312_400),
                                          signer: "IT1", key: "key", files: 3, folders: 2, bytes: 1 << 40, rootMode: 0o755, parts: parts)
            #expect(try snapshot.canonicalBytes() == CanonicalJSON.encode(snapshot))
            let identity = SigningIdentity.generate(principal: "IT1")
            var signed = snapshot
            signed.key = identity.publicKeyText
            let (id, file) = try SignedSnapshot.sign(signed, with: identity)
            #expect(file == CanonicalJSON.serialize(.object(["signature": .string(try identity.sign(try signed.canonicalBytes())),
                                                             "snapshot": try CanonicalJSON.toValue(signed)])))
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-snapshot-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let name = BackupSnapshot.fileName(number: 12, id: id)
            #expect(name == "000012-\(id).json" && BackupSnapshot.number(inName: name) == 12)
            try Data(file).write(to: URL(fileURLWithPath: dir + "/" + name))
            guard case .whole(let read) = StoredSnapshot.read(dir + "/" + name, name: name) else {
                Issue.record("the snapshot did not read back whole")
                continue
            }
            #expect(read.id == id && read.snapshot == signed)
            // Under another number's name it is not what it says.
            guard case .damaged = StoredSnapshot.read(dir + "/" + name, name: BackupSnapshot.fileName(number: 13, id: id)) else {
                Issue.record("a snapshot under another name was taken")
                continue
            }
        }
    }

    /// A workspace in a new temporary folder, for its stamps file alone; `done` removes it.
    static func stampsWorkspace() throws -> (ws: Workspace, done: () -> Void) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-stamps-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let ws = Workspace(root: dir, config: WorkspaceConfig(school: "999901", name: "x", replica: "hub-1", role: .hub), demo: false)
        return (ws, { try? FileManager.default.removeItem(atPath: dir) })
    }

    static func stamp(_ folder: Bool, _ n: Int64) -> FileStamp {
        FileStamp(kind: folder ? FileStamp.directory : FileStamp.file, inode: UInt64(n), size: n, mtime: n, ctime: n)
    }

    @Test func theStampsABackupKeepsReadBackWithEachFoldersNames() throws {
        let (ws, done) = try Self.stampsWorkspace()
        defer { done() }
        let stamp = Self.stamp
        let later: Int64 = 10_000_000_000
        // In the order a backup walks: a folder, then what it holds, by name.
        let lines = [
            BackupStamps.line(path: "", stamp: stamp(true, 1), sha256: nil, holdsSkipped: false, startedAt: later),
            // Changed just before the backup began: its hash is not kept.
            BackupStamps.line(path: "folio.json", stamp: stamp(false, later - 1), sha256: Self.sha, holdsSkipped: false, startedAt: later),
            BackupStamps.line(path: "school", stamp: stamp(true, 2), sha256: nil, holdsSkipped: false, startedAt: later),
            BackupStamps.line(path: "school/events", stamp: stamp(true, 3), sha256: nil, holdsSkipped: true, startedAt: later),
            BackupStamps.line(path: "school/events/a b.json", stamp: stamp(false, 4), sha256: Self.sha, holdsSkipped: false, startedAt: later),
            BackupStamps.line(path: "school/school.json", stamp: stamp(false, 5), sha256: Self.sha, holdsSkipped: false, startedAt: later),
        ]
        BackupStamps.save(ws, lines)
        let read = BackupStamps.load(ws)
        #expect(read.holds(lines))
        #expect(read.names("", stamp: stamp(true, 1)) == ["folio.json", "school"])
        #expect(read.names("school", stamp: stamp(true, 2)) == ["events", "school.json"])
        #expect(read.names("school", stamp: stamp(true, 9)) == nil, "a folder whose stamp changed is listed again")
        #expect(read.names("school/events", stamp: stamp(true, 3)) == nil, "a folder holding something left out is listed again")
        #expect(read.sha256("school/events/a b.json", stamp: stamp(false, 4)) == Self.sha)
        #expect(read.sha256("school/events/a b.json", stamp: stamp(false, 6)) == nil)
        #expect(read.sha256("folio.json", stamp: stamp(false, later - 1)) == nil)
    }

    /// The stamps are read a student at a time: each student's lines, which come together, are found by the
    /// part they belong to, and what `students/` holds is known without reading any of them.
    @Test func theStampsAreReadAStudentAtATime() throws {
        let (ws, done) = try Self.stampsWorkspace()
        defer { done() }
        let stamp = Self.stamp
        func line(_ path: String, _ folder: Bool, _ n: Int64) -> BackupStamps.Line {
            BackupStamps.line(path: path, stamp: stamp(folder, n), sha256: folder ? nil : Self.sha, holdsSkipped: false,
                              startedAt: 10_000_000_000)
        }
        let lines = [
            line("", true, 1), line("school", true, 2), line("school/school.json", false, 3), line("students", true, 4),
            line("students/112001", true, 5), line("students/112001/events", true, 6), line("students/112001/events/a.json", false, 7),
            line("students/112001/manifest.json", false, 8),
            line("students/112002", true, 9), line("students/112002/manifest.json", false, 10),
            line("zz", true, 11), line("zz/after.txt", false, 12),
        ]
        BackupStamps.save(ws, lines)
        let file = BackupStamps.File.load(ws)
        #expect(file.top.names("students", stamp: stamp(true, 4)) == ["112001", "112002"])
        #expect(file.top.names("", stamp: stamp(true, 1)) == ["school", "students", "zz"])
        #expect(file.top.sha256("zz/after.txt", stamp: stamp(false, 12)) == Self.sha)
        #expect(file.top.sha256("students/112001/manifest.json", stamp: stamp(false, 8)) == nil, "a student's lines are not read with the top")
        let first = file.part("students/112001")
        #expect(first.names("students/112001", stamp: stamp(true, 5)) == ["events", "manifest.json"])
        #expect(first.names("students/112001/events", stamp: stamp(true, 6)) == ["a.json"])
        #expect(first.sha256("students/112001/events/a.json", stamp: stamp(false, 7)) == Self.sha)
        #expect(first.sha256("students/112002/manifest.json", stamp: stamp(false, 10)) == nil)
        #expect(file.part("students/112002").sha256("students/112002/manifest.json", stamp: stamp(false, 10)) == Self.sha)
        #expect(file.part("students/112003").known.isEmpty)
        #expect(BackupStamps.load(ws).holds(lines))

        // Saved again with the same lines: the file is left as it was (no new inode).
        let path = BackupStamps.path(ws)
        let before = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int
        BackupStamps.save(ws, lines)
        let writer = BackupStamps.Writer(ws, old: file.bytes)
        for l in lines { writer.append(l) }
        writer.finish()
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int != before,
                "save always writes")
        let again = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int
        let unchanged = BackupStamps.Writer(ws, old: BackupStamps.File.load(ws).bytes)
        for l in lines { unchanged.append(l) }
        unchanged.finish()
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int == again, "the same stamps are not written again")
        // A part that comes twice is not the order a backup writes: nothing is taken from the file.
        BackupStamps.save(ws, lines + [line("students/112001/late.txt", false, 13)])
        #expect(BackupStamps.File.load(ws).top.known.isEmpty)
    }
}
