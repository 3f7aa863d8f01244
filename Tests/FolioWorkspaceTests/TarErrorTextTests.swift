import FolioCore
import FolioTar
import FolioWorkspace
import Foundation
import Testing

/// A tar failure reads in the user's language from the catalogs; its English there is FolioTar's own, word for word.
@Suite struct TarErrorTextTests {
    static let all: [TarError] = [
        .absolutePath(path: "/etc/passwd"), .parentComponent(path: "../x"), .emptyOrDotComponent(path: "a//b"),
        .nameNotUTF8(path: "bad"), .nameNotNFC(path: "e\u{301}"), .forbiddenCharacter(path: "a\u{7}b", character: "\u{7}"),
        .nameTooLong(path: "long", bytes: 300, limit: 255), .duplicateName(path: "a/b"),
        .symbolicLink(path: "l", target: "/x"), .hardLink(path: "h", target: "x"),
        .specialFile(path: "p", kind: .fifo), .specialFile(path: "d", kind: .characterDevice), .specialFile(path: "b", kind: .blockDevice),
        .specialFile(path: "s", kind: .socket), .specialFile(path: "f", kind: .sparseFile), .specialFile(path: "u", kind: .unknown),
        .entryTooLarge(path: "big", size: 11, limit: 10), .tooManyEntries(path: "n", limit: 5),
        .totalTooLarge(path: "t", total: 30, limit: 20), .notATarArchive(detail: "zip"),
        .truncated(path: "cut", detail: "eof"), .truncated(path: nil, detail: "eof"),
        .damagedHeader(after: "ok", detail: "sum"), .damagedHeader(after: nil, detail: "sum"),
        .entryCountMismatch(expected: 3, found: 2), .libarchive(path: "x", detail: "Truncated input"),
        .libarchive(path: nil, detail: "Truncated input"), .stagingDirectoryExists(path: "/tmp/s"),
        .fileSystem(path: "f", operation: "open", errno: ENOENT), .fileSystem(path: "f", operation: "create the folder", errno: ENOSPC),
        .fileSystem(path: "f", operation: "write", errno: ENOSPC), .fileSystem(path: "f", operation: "open the folder", errno: EACCES),
        .fileSystem(path: "f", operation: "create the file", errno: EEXIST), .fileSystem(path: "f", operation: "close", errno: EIO),
        .fileSystem(path: "f", operation: "save", errno: EIO), .fileSystem(path: "f", operation: "read", errno: EIO),
        .fileSystem(path: "f", operation: "create", errno: EIO),
        .outOfOrder(path: "b", previous: "c"), .sourceNotRegularFile(path: "s"), .notAnOrdinaryFile(path: "dir"),
        .sourceChanged(path: "c"), .writerUnusable, .stoppedByCaller(path: "x"), .sourceFailed(message: "gone.", hint: "again."),
    ]

    @Test func theEnglishIsFolioTarsOwn() {
        for error in Self.all {
            #expect(error.what.text(.en) == error.message)
            #expect(error.next.text(.en) == error.hint)
        }
    }

    @Test func aClerkReadsItInChinese() {
        for error in Self.all where error != .sourceFailed(message: "gone.", hint: "again.") {
            #expect(error.what.text(.zhTW) != error.message, "\(error)")
            #expect(error.next.text(.zhTW) != error.hint, "\(error)")
        }
        #expect(TarError.truncated(path: "k01.tar", detail: "").what.text(.zhTW) == "資料包在 `k01.tar` 的中間就斷了，有一部分不見了。")
    }
}
