import FolioTestSupport
import Foundation
import Testing

/// `folio verify` as a clerk runs it: the second run reads the cache the first wrote, still finds a file
/// changed in place with its old modification time, and `--full` finds it too.
@Suite struct VerifyCacheCLITests {
    @Test func aQuickCheckFromTheCacheStillFindsAChangedFile() throws {
        let ws = try SampleCopy()
        // Files changed in the last two seconds are not cached; let the fresh copy settle.
        Thread.sleep(forTimeInterval: 2.2)
        expectSuccess(try ws.folio(["verify"]))
        let cached = try FileManager.default.contentsOfDirectory(atPath: ws.path(".folio/cache/verify"))
        #expect(cached.contains("112001"))
        #expect(expectSuccess(try ws.folio(["verify"])).stdout.contains("all consistent"))

        let base = ws.path("students/112001/files")
        let relative = try #require(FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String }
            .first { $0.hasSuffix(".pdf") })
        let file = base + "/" + relative
        try flipByteKeepingMtime(file, at: 200, mask: 0x01)

        for arguments in [["verify"], ["verify", "--full"]] {
            let r = try ws.folio(arguments)
            #expect(r.status == 1, "\(r)")
            #expect(r.stdout.contains("students/112001/files/\(relative)") && r.stdout.contains("has changed"), "\(r)")
            #expect(r.stderr.contains("Restore the records and files named above from a backup"), "\(r)")
        }
    }
}
