import Testing
@testable import FolioCore

@Suite struct FileKindTests {
    static let pdf = Array("%PDF-1.4\n%âãÏÓ\n".utf8)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01]
    static let id3: [UInt8] = Array("ID3".utf8) + [0x04, 0x00, 0x00, 0x00, 0x00, 0x02, 0x01]
    /// MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: FF FB 90 64.
    static let mp3Frame: [UInt8] = [0xFF, 0xFB, 0x90, 0x64, 0x00, 0x00]
    static let mp4: [UInt8] = [0, 0, 0, 0x20] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isomiso2".utf8)

    @Test func sniffsEachKind() {
        #expect(FileKind.sniff(Self.pdf) == .pdf)
        #expect(FileKind.sniff(Self.png) == .png)
        #expect(FileKind.sniff(Self.jpeg) == .jpeg)
        #expect(FileKind.sniff(Self.id3) == .mp3)
        #expect(FileKind.sniff(Self.mp3Frame) == .mp3)
        #expect(FileKind.sniff([0xFF, 0xF3, 0x64, 0xC4]) == .mp3)  // MPEG-2 Layer III, as lame writes at low rates
        #expect(FileKind.sniff(Self.mp4) == .mp4)
        #expect(FileKind.sniff([0, 0, 0, 0x18] + Array("ftypmp42".utf8) + [0, 0, 0, 0]) == .mp4)
    }

    @Test func refusesLookAlikes() {
        #expect(FileKind.sniff([]) == nil)
        #expect(FileKind.sniff(Array("%PD".utf8)) == nil)
        #expect(FileKind.sniff(Array("PK\u{03}\u{04}".utf8)) == nil)
        #expect(FileKind.sniff([0xFF, 0xF1, 0x50, 0x80]) == nil)  // AAC in ADTS: sync bits, but layer 00
        #expect(FileKind.sniff([0xFF, 0xFD, 0x90, 0x64]) == nil)  // Layer II
        #expect(FileKind.sniff([0xFF, 0xFB, 0xF0, 0x64]) == nil)  // bad bitrate index
        #expect(FileKind.sniff([0xFF, 0xEB, 0x90, 0x64]) == nil)  // reserved MPEG version
        #expect(FileKind.sniff([0, 0, 0, 0x14] + Array("ftypqt  ".utf8) + [0, 0, 0, 0]) == nil)  // QuickTime MOV
        #expect(FileKind.sniff([0, 0, 0, 0x18] + Array("ftypheic".utf8) + [0, 0, 0, 0]) == nil)  // iPhone photo
        #expect(FileKind.sniff(Array("ID3".utf8)) == nil)  // too short to tell
        #expect(FileKind.sniff(Array("GIF89a".utf8)) == nil)
    }

    @Test func documentsAndMedia() {
        #expect(FileKind.allCases.filter(\.isDocument) == [.pdf, .jpeg, .png])
        #expect(FileKind.allCases.filter(\.isMedia) == [.mp3, .mp4])
        #expect(FileKind.pdf.sizeLimit == 4 * 1024 * 1024)
        #expect(FileKind.mp4.sizeLimit == 10 * 1024 * 1024)
        let custom = FileLimits(documentBytes: 1000)
        #expect(custom.limit(for: .png) == 1000)
        #expect(custom.limit(for: .mp3) == 10 * 1024 * 1024)
    }

    @Test func extensions() {
        #expect(FileKind.expected(forExtension: "pdf") == .pdf)
        #expect(FileKind.expected(forExtension: "JPG") == .jpeg)
        #expect(FileKind.expected(forExtension: "jpeg") == .jpeg)
        #expect(FileKind.expected(forExtension: ".Png") == .png)
        #expect(FileKind.expected(forExtension: "MP3") == .mp3)
        #expect(FileKind.expected(forExtension: "mp4") == .mp4)
        #expect(FileKind.expected(forExtension: "docx") == nil)
        #expect(FileKind.expected(forExtension: "") == nil)
        #expect(FileKind.expected(forExtension: "mov") == nil)
    }
}

@Suite struct FileCheckTests {
    @Test func acceptsMatchingFiles() throws {
        #expect(try FileCheck.check(name: "lab report.pdf", prefix: FileKindTests.pdf, size: 1234) == .pdf)
        #expect(try FileCheck.check(name: "photo.JPG", prefix: FileKindTests.jpeg, size: 4 * 1024 * 1024) == .jpeg)
        #expect(try FileCheck.check(name: "talk.mp3", prefix: FileKindTests.id3, size: 10 * 1024 * 1024) == .mp3)
        #expect(try FileCheck.check(name: "dir.v2/clip.mp4", prefix: FileKindTests.mp4, size: 99) == .mp4)
    }

    @Test func refusesEmptyFiles() {
        #expect(throws: FileRuleError.empty(name: "a.pdf")) {
            try FileCheck.check(name: "a.pdf", prefix: [], size: 0)
        }
    }

    @Test func refusesOtherExtensions() {
        #expect(throws: FileRuleError.unsupportedExtension(name: "essay.docx", extension: "docx")) {
            try FileCheck.check(name: "essay.docx", prefix: Array("PK\u{03}\u{04}".utf8), size: 10)
        }
        #expect(throws: FileRuleError.unsupportedExtension(name: "report", extension: "")) {
            try FileCheck.check(name: "report", prefix: FileKindTests.pdf, size: 10)
        }
        #expect(throws: FileRuleError.unsupportedExtension(name: "v1.0/.pdf", extension: "")) {
            try FileCheck.check(name: "v1.0/.pdf", prefix: FileKindTests.pdf, size: 10)
        }
    }

    @Test func refusesUnrecognisedContent() {
        let zip = Array("PK\u{03}\u{04}".utf8) + [0, 0, 0, 0]
        let error = FileRuleError.unrecognisedContent(
            name: "essay.pdf", claimed: .pdf, looksLike: .zip)
        #expect(throws: error) { try FileCheck.check(name: "essay.pdf", prefix: zip, size: 10) }
        #expect(error.what.text(.en) == "essay.pdf is really a ZIP archive (for example a Word or PowerPoint file), "
                + "not a PDF document.")
        #expect(error.what.text(.zhTW) == "essay.pdf 其實是 ZIP 壓縮檔（例如 Word 或 PowerPoint 檔），不是 PDF 文件。")

        let heic = [0, 0, 0, 0x18] + Array("ftypheic".utf8) + [0, 0, 0, 0]
        #expect(throws: FileRuleError.unrecognisedContent(name: "IMG_0001.jpg", claimed: .jpeg,
                                                          looksLike: .heic)) {
            try FileCheck.check(name: "IMG_0001.jpg", prefix: heic, size: 10)
        }
        #expect(throws: FileRuleError.unrecognisedContent(name: "x.png", claimed: .png, looksLike: nil)) {
            try FileCheck.check(name: "x.png", prefix: [1, 2, 3, 4], size: 10)
        }
    }

    @Test func refusesRenamedFiles() {
        let error = FileRuleError.contentMismatch(name: "report.pdf", claimed: .pdf, actual: .png)
        #expect(throws: error) { try FileCheck.check(name: "report.pdf", prefix: FileKindTests.png, size: 500) }
        #expect(error.what.text(.en) == "report.pdf is really a PNG image.")
        #expect(error.next.text(.en).contains(".png"))
        #expect(FileRuleError.contentMismatch(name: "a.png", claimed: .png, actual: .jpeg).next.text(.zhTW).contains(".jpg"))
    }

    @Test func refusesOversizedFiles() {
        let limit = 4 * 1024 * 1024
        let error = FileRuleError.tooLarge(name: "scan.pdf", kind: .pdf, size: limit + 1, limit: limit)
        #expect(throws: error) { try FileCheck.check(name: "scan.pdf", prefix: FileKindTests.pdf, size: limit + 1) }
        // Rounded up, so a file one byte over never reads as equal to the limit.
        #expect(error.what.text(.en) == "scan.pdf is 4.1 MB; the limit for documents is 4.0 MB.")
        #expect(error.what.text(.zhTW) == "scan.pdf 有 4.1 MB，文件檔最大 4.0 MB。")

        let video = FileRuleError.tooLarge(name: "clip.mp4", kind: .mp4, size: 12_800_000, limit: 10 * 1024 * 1024)
        #expect(throws: video) {
            try FileCheck.check(name: "clip.mp4", prefix: FileKindTests.mp4, size: 12_800_000)
        }
        #expect(video.what.text(.en) == "clip.mp4 is 12.3 MB; the limit for media files is 10.0 MB.")
    }

    @Test func limitsAreOverridable() throws {
        let strict = FileLimits(documentBytes: 2 * 1024 * 1024, mediaBytes: 5 * 1024 * 1024)
        #expect(throws: FileRuleError.tooLarge(name: "a.png", kind: .png, size: 3_000_000, limit: 2 * 1024 * 1024)) {
            try FileCheck.check(name: "a.png", prefix: FileKindTests.png, size: 3_000_000, limits: strict)
        }
        let generous = FileLimits(documentBytes: 20 * 1024 * 1024)
        #expect(try FileCheck.check(name: "a.png", prefix: FileKindTests.png, size: 5_000_000, limits: generous) == .png)
    }

    @Test func everyErrorHasMessageAndHint() {
        let errors: [FileRuleError] = [
            .empty(name: "a.pdf"), .unsupportedExtension(name: "a.doc", extension: "doc"),
            .unsupportedExtension(name: "a", extension: ""),
            .unrecognisedContent(name: "a.pdf", claimed: .pdf, looksLike: nil),
            .contentMismatch(name: "a.mp3", claimed: .mp3, actual: .mp4),
            .tooLarge(name: "a.mp3", kind: .mp3, size: 11 << 20, limit: 10 << 20),
        ]
        for error in errors {
            for language in Language.allCases {
                #expect(error.what.text(language).hasPrefix("a"))
                #expect(!error.next.text(language).isEmpty)
            }
        }
    }
}
