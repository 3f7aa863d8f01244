import FolioCore
import FolioTestSupport
@testable import FolioWorkspace
import Foundation
import Testing

/// The stat cache behind a quick `folio verify`: it must be used when nothing changed, and any change to a
/// file (even one that keeps its size and modification time) must still be found.
@Suite struct VerifyCacheTests {
    let dir: String
    /// Ten seconds from now: every file counts as settled, so the first check writes the cache.
    let later: Int64

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-cache-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: VerifierTests.sample, toPath: dir)
        later = Int64(Date().timeIntervalSince1970 * 1e9) + 10_000_000_000
    }

    func verify(full: Bool = false) throws -> VerifyReport {
        Verifier.run(try Workspace.open(dir), full: full, clock: later)
    }

    func artifact() throws -> String {
        let base = dir + "/students/112001/files"
        let e = FileManager.default.enumerator(atPath: base)!
        while let p = e.nextObject() as? String { if p.hasSuffix(".pdf") { return base + "/" + p } }
        throw FolioError(.io, verbatim: "no pdf", hint: "")
    }

    @Test func anUnchangedWorkspaceGivesTheSameAnswerFromTheCache() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try verify()
        #expect(first.isClean)
        let records = try FileManager.default.contentsOfDirectory(atPath: dir + "/.folio/cache/verify")
        #expect(records.filter { $0.allSatisfy(\.isNumber) }.count == 12)
        let second = try verify()
        #expect(second.isClean)
        let counts: [Int] = [second.students, second.events, second.files, second.bytes]
        #expect(counts == [first.students, first.events, first.files, first.bytes])
    }

    @Test func aByteChangedInPlaceIsFoundEvenWithItsOldModificationTime() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try verify().isClean)
        let file = try artifact()
        try flipByteKeepingMtime(file)
        let report = try verify()
        #expect(report.issues.count == 1)
        #expect(report.issues.first.map { file.hasSuffix($0.path) && $0.message.contains("changed") } == true)
    }

    @Test func newAndRemovedFilesAndEditedRecordsAreFound() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try verify().isClean)
        let file = try artifact()
        let itemDir = (file as NSString).deletingLastPathComponent
        try Data("x".utf8).write(to: URL(fileURLWithPath: itemDir + "/stray.pdf"))
        let events = dir + "/students/113001/events"
        let event = events + "/" + (try FileManager.default.contentsOfDirectory(atPath: events).sorted()[0])
        try flipByteKeepingMtime(event)
        try FileManager.default.removeItem(atPath: dir + "/students/112002/manifest.json")
        let paths = Set(try verify().issues.map(\.path))
        #expect(paths.contains { itemDir.hasSuffix(($0 as NSString).deletingLastPathComponent) && $0.hasSuffix("stray.pdf") })
        #expect(paths.contains { event.hasSuffix($0) })
        #expect(paths.contains("students/112002/manifest.json"))
    }

    /// A record that holds findings gives them again, word for word, when nothing changed; a folder renamed
    /// later (its parent's stamp changes, not the files') is still found.
    @Test func findingsKeptInTheCacheAreGivenAgainAndARenamedFolderIsFound() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try verify().isClean)
        try flipByteKeepingMtime(try artifact())
        let first = try verify()
        #expect(first.issues.count == 1)
        let record = try String(contentsOfFile: dir + "/.folio/cache/verify/112001", encoding: .utf8)
        #expect(record.contains("\nissues ["))
        let again = try verify()
        #expect(again.issues == first.issues)
        #expect(again.heldBack == first.heldBack)
        // The cache keeps the finding's key and values, not its words: read back, it is shown in either language.
        #expect(record.contains("verify.finding.fileChanged"))
        #expect(again.issues.first?.what.text(.zhTW).hasPrefix("被改動了：應該是") == true)
        #expect(again.issues.first?.message.hasPrefix("has changed: expected ") == true)
        let counts: [Int] = [again.events, again.files, again.bytes]
        #expect(counts == [first.events, first.files, first.bytes])
        let files = dir + "/students/113001/files"
        let item = try FileManager.default.contentsOfDirectory(atPath: files).sorted()[0]
        try FileManager.default.moveItem(atPath: files + "/" + item, toPath: files + "/moved")
        let moved = try verify().issues.map(\.path)
        #expect(moved.contains { $0.hasPrefix("students/113001/files/moved/") })  // a stray now
        #expect(moved.contains { $0.hasPrefix("students/113001/files/\(item)/") })  // and missing where it was
    }

    /// The quick path itself: a record is taken as it stands while every stamp it lists holds, and not once
    /// one of them moves (a byte changed in place, its modification time put back) or the school view differs.
    @Test func theQuickCheckTakesARecordOnlyWhileEveryStampHolds() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try verify().isClean)
        let ws = try Workspace.open(dir)
        let cache = VerifyCache(ws)
        let school = SHA256Hex.of(try FileIO.readAll(ws.schoolViewPath))
        let base = ws.studentDir("112001")
        let kept = try #require(cache.unchanged("112001", base: base, school: school))
        #expect(kept.issues.isEmpty && kept.files > 0)
        #expect(cache.unchanged("112001", base: base, school: String(repeating: "0", count: 64)) == nil)
        try flipByteKeepingMtime(try artifact())
        #expect(cache.unchanged("112001", base: base, school: school) == nil)
        #expect(cache.unchanged("112002", base: ws.studentDir("112002"), school: school) != nil)
    }

    /// An export copies the files and records of a student verified clean and unchanged since without
    /// hashing or checking them again; only those students: not one changed since (a byte in place, its
    /// modification time put back), not one whose check found something, and none before any check.
    @Test func exportTrustsOnlyStudentsVerifiedCleanAndUnchanged() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let paths = ["school/events/x.json", "students/112001/events/a.json", "students/112001/files/f/g/h.pdf",
                     "students/112002/events/b.json"]
        #expect(try WorkspaceSession(try Workspace.open(dir)).verifiedUnchanged(paths).isEmpty)
        #expect(try verify().isClean)
        #expect(try WorkspaceSession(try Workspace.open(dir)).verifiedUnchanged(paths) == ["112001", "112002"])
        try flipByteKeepingMtime(try artifact())
        #expect(try WorkspaceSession(try Workspace.open(dir)).verifiedUnchanged(paths) == ["112002"])
        #expect(try verify().issues.count == 1)  // the finding is now in 112001's record
        #expect(try WorkspaceSession(try Workspace.open(dir)).verifiedUnchanged(paths) == ["112002"])
    }

    /// The cache is trusted for what it records, so someone able to rewrite it could hide a change from a
    /// quick check; `--full` reads everything again and finds it.
    @Test func fullIgnoresARewrittenCache() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try verify().isClean)
        let file = try artifact()
        try flipByteKeepingMtime(file)
        // Forge the cache: give the changed file its new stamp but keep the old hash.
        let relative = String(file.dropFirst((dir + "/students/112001/").count))
        let record = dir + "/.folio/cache/verify/112001"
        var st = stat()
        #expect(lstat(file, &st) == 0)
        let lines = try String(contentsOfFile: record, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let forged = lines.map { line -> String in
            let f = line.split(separator: " ", maxSplits: 6, omittingEmptySubsequences: false)
            guard f.count == 7, f[6] == relative else { return String(line) }
            let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
            let ctime = Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec)
            return "f \(st.st_ino) \(st.st_size) \(mtime) \(ctime) \(f[5]) \(f[6])"
        }.joined(separator: "\n")
        #expect(forged != lines.joined(separator: "\n"))
        try forged.write(toFile: record, atomically: true, encoding: .utf8)
        #expect(try verify().isClean)  // the quick check believed the forged record: the cache was used
        let full = try verify(full: true)
        #expect(full.issues.map(\.path) == ["students/112001/" + relative])
        // --full also rewrote the record, so the next quick check finds the change too.
        #expect(try verify().issues.map(\.path) == ["students/112001/" + relative])
    }

    @Test func aDamagedCacheIsIgnoredAndRewritten() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try verify().isClean)
        let record = dir + "/.folio/cache/verify/112001"
        try Data("folio-verify-cache/1 nonsense\nschool\n".utf8).write(to: URL(fileURLWithPath: record))
        try flipByteKeepingMtime(try artifact())
        #expect(try verify().issues.count == 1)
        #expect(try String(contentsOfFile: record, encoding: .utf8).contains("files/"))
    }

    @Test func filesChangedInTheLastSecondsAreNotCached() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The copy was just made, so with the real clock nothing has settled and nothing is cached.
        #expect(Verifier.run(try Workspace.open(dir)).isClean)
        let records = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/.folio/cache/verify")) ?? []
        #expect(records.filter { $0.allSatisfy(\.isNumber) }.isEmpty)
    }
}
