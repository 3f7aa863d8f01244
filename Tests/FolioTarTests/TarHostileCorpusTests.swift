import FolioTar
import FolioTestSupport
import Foundation
import Testing

/// Every class of hostile bundle is refused, with the error a clerk needs, and leaves nothing behind.
@Suite struct TarHostileCorpusTests {
    /// What each archive must be refused with. Exact values, so a bug that refuses for the wrong
    /// reason (say, a traversal caught only because the file already existed) fails the test.
    static func expectedError(_ archive: HostileArchive) -> TarError? {
        let limits = HostileArchive.limits
        switch archive {
        case .pathTraversal: return .parentComponent(path: "../x")
        case .absolutePath: return .absolutePath(path: "/etc/x")
        case .dotComponent: return .emptyOrDotComponent(path: "./a/./b.txt")
        case .emptyComponent: return .emptyOrDotComponent(path: "a//b.txt")
        case .symbolicLink: return .symbolicLink(path: "a/b", target: "/etc/passwd")
        case .hardLink: return .hardLink(path: "b", target: "a")
        case .characterDevice: return .specialFile(path: "dev/null", kind: .characterDevice)
        case .blockDevice: return .specialFile(path: "dev/sda", kind: .blockDevice)
        case .fifo: return .specialFile(path: "pipe", kind: .fifo)
        case .duplicateName: return .duplicateName(path: "a.txt")
        case .fileAndDirectorySameName: return .duplicateName(path: "a")
        case .fileUsedAsFolder: return .duplicateName(path: "a")
        case .nfdName: return .nameNotNFC(path: "學習成果/cafe\u{301}.txt")
        case .nfcAndNfdSpellingsOfOneName: return .duplicateName(path: "caf\u{E9}.txt")
        case .nfdNameInPaxRecord: return nil
        case .controlCharacterName: return .forbiddenCharacter(path: "report\u{1B}[2J.pdf", character: "\u{1B}")
        case .bidiOverrideName: return .forbiddenCharacter(path: "報告\u{202E}fdp.exe", character: "\u{202E}")
        case .backslashName: return .forbiddenCharacter(path: "a\\..\\x.txt", character: "\\")
        case .percentName: return .forbiddenCharacter(path: "100%.txt", character: "%")
        case .invalidUTF8Name: return .nameNotUTF8(path: "bad-\u{FFFD}\u{FFFD}.txt")
        case .entryOverSizeCap:
            return .entryTooLarge(path: "big.bin", size: limits.maxEntryBytes + 1, limit: limits.maxEntryBytes)
        case .hugeDeclaredSize: return .entryTooLarge(path: "huge.bin", size: HostileArchive.hugeDeclaredBytes, limit: limits.maxEntryBytes)
        case .tooManyEntries: return .tooManyEntries(path: "f016.txt", limit: limits.maxEntries)
        case .totalOverCap: return .totalTooLarge(path: "part4.bin", total: 5 * 4000, limit: limits.maxTotalBytes)
        case .truncatedMidEntry, .truncatedMidHeader, .damagedHeaderChecksum,
            .zipFile, .gzipTar, .randomBytes, .emptyFile:
            return nil  // checked by case below: libarchive's wording is not ours to pin down
        case .truncatedAtEntryBoundary: return nil
        }
    }

    /// For errors whose detail text comes from libarchive: the case (and entry) that must be reported.
    static func matchesKind(_ archive: HostileArchive, _ error: TarError) -> Bool {
        switch (archive, error) {
        case (.truncatedMidEntry, .truncated(let path, _)): return path == "long.bin"
        case (.truncatedMidHeader, .truncated(let path, _)): return path == nil
        case (.damagedHeaderChecksum, .damagedHeader(let after, _)): return after == "a.txt"
        case (.zipFile, .notATarArchive), (.gzipTar, .notATarArchive), (.randomBytes, .notATarArchive),
            (.emptyFile, .notATarArchive):
            return true
        default: return expectedError(archive).map { $0 == error && $0.path?.utf8.elementsEqual(error.path?.utf8 ?? "".utf8) ?? true } ?? false
        }
    }

    static let refused = HostileArchive.allCases.filter {
        $0 != .truncatedAtEntryBoundary && $0 != .nfdNameInPaxRecord
    }

    @Test(arguments: refused)
    func extractRefusesAndRemovesItsStagingFolder(archive: HostileArchive) throws {
        let dir = try TemporaryDirectory()
        let bundle = dir.child("bundle.tar")
        try archive.bytes().write(to: URL(fileURLWithPath: bundle))
        let staging = dir.child("staging")
        let reader = TarReader(limits: HostileArchive.limits)
        let error = #expect(throws: TarError.self) {
            try reader.extract(.file(path: bundle), intoNewDirectory: staging)
        }
        if let error {
            #expect(Self.matchesKind(archive, error), "\(archive): got \(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: staging), "\(archive) left its staging folder")
        // Nothing escaped next to the staging folder (e.g. `../x` landing in `dir`).
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["bundle.tar"])
    }

    @Test(arguments: refused)
    func scanRefusesWithTheSameError(archive: HostileArchive) throws {
        let reader = TarReader(limits: HostileArchive.limits)
        let error = #expect(throws: TarError.self) { try reader.scan(.memory(archive.bytes())) }
        if let error {
            #expect(Self.matchesKind(archive, error), "\(archive): got \(error)")
        }
    }

    @Test func aHugeDeclaredSizeIsRefusedUnderTheDefaultCapsToo() throws {
        let error = #expect(throws: TarError.self) {
            try TarReader().scan(.memory(HostileArchive.hugeDeclaredSize.bytes()))
        }
        #expect(error == .entryTooLarge(path: "huge.bin", size: HostileArchive.hugeDeclaredBytes, limit: TarLimits.default.maxEntryBytes))
    }

    @Test func aCutAtAnEntryBoundaryReadsAsAShorterArchiveUntilTheCountIsChecked() throws {
        let bytes = try HostileArchive.truncatedAtEntryBoundary.bytes()
        let reader = TarReader(limits: HostileArchive.limits)
        // libarchive reports a clean end: only the caller's signed header can tell something is missing.
        let entries = try reader.scan(.memory(bytes))
        #expect(entries.map(\.path) == ["a.txt", "b.txt"])
        let full = HostileArchive.truncatedAtEntryBoundaryFullCount
        #expect(throws: TarError.entryCountMismatch(expected: full, found: 2)) {
            try reader.scan(.memory(bytes), expectedEntryCount: full)
        }
        let dir = try TemporaryDirectory()
        #expect(throws: TarError.entryCountMismatch(expected: full, found: 2)) {
            try reader.extract(.memory(bytes), intoNewDirectory: dir.child("staging"), expectedEntryCount: full)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.child("staging")))
    }

    /// libarchive 3.6.2 normalises a name to NFC while converting it from a pax record's UTF-8, so the
    /// NFD spelling never reaches the name rules. What folio relies on instead: the name read back is
    /// NFC (so it differs from the NFD name a forged signed header would list, and the caller's
    /// header check refuses it), and both spellings together are refused as a duplicate (above).
    @Test func anNFDNameInAPaxRecordIsReadBackInNFC() throws {
        let bytes = try HostileArchive.nfdNameInPaxRecord.bytes()
        let entries = try TarReader(limits: HostileArchive.limits).scan(.memory(bytes))
        #expect(entries.map { Array($0.path.utf8) } == [Array("學習成果/caf\u{E9}.txt".utf8)])
        let dir = try TemporaryDirectory()
        _ = try TarReader().extract(.memory(bytes), intoNewDirectory: dir.child("s"))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.child("s") + "/學習成果")
        #expect(names.map { Array($0.utf8) } == [Array("caf\u{E9}.txt".utf8)])
    }

    @Test(arguments: refused)
    func everyRefusalExplainsItselfToAClerk(archive: HostileArchive) throws {
        let error = #expect(throws: TarError.self) {
            try TarReader(limits: HostileArchive.limits).scan(.memory(archive.bytes()))
        }
        guard let error else { return }
        #expect(!error.message.isEmpty)
        #expect(!error.hint.isEmpty)
        // Control and bidi characters from a hostile name never reach the screen raw.
        #expect(!error.message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x202E })
        if let path = error.path, !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x202E }) {
            #expect(error.message.contains("`\(path)`"), "\(error.message)")
        }
    }

    @Test func theLinkMessageReadsAsDocumented() {
        let error = TarError.symbolicLink(path: "a/b", target: "/etc/passwd")
        #expect(error.message == "The bundle holds a link (`a/b`), which folio never accepts.")
        #expect(error.hint == "Do not use this bundle. Ask the sender to export the bundle again with folio.")
    }
}
