import FolioCore
@testable import FolioWorkspace
import Foundation
import Testing

/// The pieces behind split exports that the end-to-end tests cannot steer: where a part ends when a
/// record was filed in another student's folder, and reading a list a line at a time across its blocks.
@Suite struct BundlePartsUnitTests {
    typealias OutEvent = WorkspaceSession.OutEvent
    typealias OutFile = WorkspaceSession.OutFile

    static func event(_ path: String) -> OutEvent { OutEvent(path: path, size: 100, sha256: String(repeating: "a", count: 64), bytes: nil) }
    static func file(_ path: String) -> OutFile { OutFile(path: path, size: 1000, sha256: String(repeating: "b", count: 64)) }

    /// Packs shares with `limit` entries a part and returns each part's paths.
    static func pack(_ shares: [(String, ExportSource.Share)], limit: Int) throws -> [Set<String>] {
        var packer = BundleParts.Packer(limits: .init(entries: limit, bytes: 1 << 30))
        packer.share([event("school/events/s1.json")])
        var parts: [Set<String>] = []
        let write = { (part: BundleParts.Packer.Part) throws(FolioError) in
            parts.append(Set(part.events.map(\.path) + part.files.map(\.path)))
        }
        for (number, share) in shares { try packer.add(number, share, write: write) }
        try packer.finish(write: write)
        return parts
    }

    @Test func aStudentMovedToTheNextPartTakesAllOfItsShareEvenWhatAMisfiledCopyBroughtBefore() throws {
        // Student A's folder holds a copy of B's upload r1 (with its file f); B's own folder has r1 and r2,
        // a second upload declaring the same file. The part is full after A, so B starts the next part,
        // which must carry r1 and f again: without f, r2 would be refused there.
        let r1 = Self.event("students/B/events/r1.json"), r2 = Self.event("students/B/events/r2.json")
        let f = Self.file("students/B/files/item/abc/f.pdf")
        let a: ExportSource.Share = ([Self.event("students/A/events/a1.json"), r1], [Self.file("students/A/files/i/x/a.pdf"), f])
        let b: ExportSource.Share = ([r1, r2], [f])
        let parts = try Self.pack([("A", a), ("B", b)], limit: 6)
        #expect(parts.count == 2, "\(parts)")
        #expect(parts.last == ["school/events/s1.json", r1.path, r2.path, f.path], "\(parts)")
        // In one part, the copies go in once.
        let one = try Self.pack([("A", a), ("B", b)], limit: 100)
        #expect(one.count == 1 && one[0].count == 6, "\(one)")
    }

    @Test func partsNeverSplitAStudentAndEachCarriesTheSchoolRecords() throws {
        let shares: [(String, ExportSource.Share)] = (1...7).map { n in
            ("S\(n)", ((1...n).map { Self.event("students/S\(n)/events/e\($0).json") }, [Self.file("students/S\(n)/files/i/x/f.pdf")]))
        }
        let parts = try Self.pack(shares, limit: 10)
        for part in parts {
            #expect(part.contains("school/events/s1.json"))
            #expect(part.count <= 10 || Set(part.compactMap { ExportSource.student($0) }).count == 1, "\(part)")
        }
        for (number, share) in shares {
            let holding = parts.filter { $0.contains(share.files[0].path) }
            #expect(holding.count == 1, "\(number)")
            #expect(share.events.allSatisfy { holding[0].contains($0.path) }, "\(number) was split")
        }
        #expect(parts.reduce(0) { $0 + $1.count } == shares.reduce(0) { $0 + $1.1.events.count + 1 } + parts.count)
    }

    @Test func aListIsReadALineAtATimeAcrossItsBlocks() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-lines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Short lines, lines longer than a 64 KiB block, lines ending right at a block's end, an empty line,
        // and a last line without its newline.
        var lines: [String] = []
        for i in 0..<3000 { lines.append("students/\(i)/events/" + String(repeating: "x", count: i % 97)) }
        lines.insert(String(repeating: "長", count: 40_000), at: 10)
        lines.insert("", at: 20)
        let first = 65_536 - 1
        lines.insert(String(repeating: "y", count: first), at: 0)   // its newline is the block's last byte
        lines.append(String(repeating: "z", count: 200_000))
        for (name, text) in [("a", lines.joined(separator: "\n")), ("b", lines.joined(separator: "\n") + "\n"), ("empty", "")] {
            let path = dir.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let reader = try LineReader(path)
            var read: [String] = []
            while let line = try reader.next() { read.append(String(decoding: line, as: UTF8.self)) }
            #expect(read == (name == "empty" ? [] : lines), "\(name): \(read.count) lines")
        }
    }
}
