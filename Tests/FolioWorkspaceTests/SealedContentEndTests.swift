import FolioCore
import FolioTar
import Foundation
import Testing
@testable import FolioWorkspace

/// A tar ends with its end-of-archive blocks, and a reader stops there. When those blocks fall inside the last
/// full chunk of a sealed bundle, the reader never asks for the short last chunk: opening must still read on to
/// it, so a sealed bundle whose last chunk was dropped, or that has pieces added after it, is refused.
@Suite struct SealedContentEndTests {
    let signer = SigningIdentity.generate(principal: "R01")
    let reader = SigningIdentity.generate(principal: "KIOSK1")

    /// A plain tar of exactly ten chunks (655,360 bytes: one 650,000-byte file, padded by libarchive to its
    /// 10,240-byte blocks), so its end falls inside the tenth full chunk and the last chunk is empty.
    func plainTar() throws -> [UInt8] {
        var out: [UInt8] = []
        let w = try TarWriter(output: { out.append(contentsOf: $0) })
        try w.appendFile("school/events/a.json", bytes: [UInt8](repeating: 0x61, count: 650_000))
        try w.finish()
        return out
    }

    func sealed(_ plain: [UInt8], at path: String) throws {
        let header = BundleHeader(kind: .schoolUpdate, school: "999901", sender: BundleParty(replica: "hub-1", person: "R01"),
                                  key: signer.publicKeyText, recipient: BundleParty(person: "KIOSK1"), sequence: 1,
                                  created: Instant(iso: "2025-01-08T09:00")!, scope: [], holds: [], entries: [])
        let outer = try TarWriter(creatingFileAt: path)
        do {
            let sealer = try SealedBundle.Sealer(outer: outer, header: header,
                                                 readers: [("KIOSK1", reader.agreementKey.publicKey)], signer: signer)
            try plain.withUnsafeBytes { try sealer.take($0) }
            try sealer.finish()
        }
        try outer.finish()
    }

    func entries(_ path: String) throws -> [(String, [UInt8])] {
        let stream = try TarEntryStream(path: path)
        var out: [(String, [UInt8])] = []
        while let e = try stream.next() { out.append((e.path, try stream.read(max: Int(e.size)))) }
        return out
    }

    func write(_ entries: [(String, [UInt8])], to path: String) throws {
        let w = try TarWriter(creatingFileAt: path)
        for (p, b) in entries { try w.appendFile(p, bytes: b) }
        try w.finish()
    }

    /// Reads the bundle inside as an import does, then reads on to the end; the error, if any.
    func read(_ path: String) throws -> TarError? {
        let opened = try #require(try SealedBundle.open(path, keys: [reader]))
        let content = try opened.content.get()
        let listed = try TarReader().scan(content.source)
        #expect(listed.map(\.path) == ["school/events/a.json"])
        do { try content.finish() } catch { return error }
        return nil
    }

    @Test func theLastChunkIsReadEvenAfterTheTarHasEnded() throws {
        let dir = NSTemporaryDirectory() + "folio-sealed-end-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plain = try plainTar()
        #expect(plain.count == 10 * StreamCipher.chunkSize)
        let whole = dir + "/whole.tar"
        try sealed(plain, at: whole)
        #expect(try read(whole) == nil)

        let parts = try entries(whole)
        #expect(parts.map(\.0) == ["envelope.json", "payload/00000001"])
        #expect(parts[1].1.count == 10 * (StreamCipher.chunkSize + StreamCipher.tagSize) + StreamCipher.tagSize)
        // The empty last chunk dropped: the tar inside still reads whole, but the content did not end.
        let dropped = dir + "/dropped.tar"
        try write([parts[0], (parts[1].0, Array(parts[1].1.dropLast(StreamCipher.tagSize)))], to: dropped)
        let cut = try #require(try read(dropped))
        #expect(cut.message.contains("提早結束"), "\(cut.message)")
        // A piece added after the last chunk: read with it, the last chunk no longer opens.
        let added = dir + "/added.tar"
        try write(parts + [("payload/00000002", [UInt8](repeating: 0, count: 100))], to: added)
        let more = try #require(try read(added))
        #expect(more.message.contains("第 11 段無法解開"), "\(more.message)")
        // A whole chunk's worth added after it: the last chunk opens, and what follows is refused.
        let longer = dir + "/longer.tar"
        try write(parts + [("payload/00000002", [UInt8](repeating: 0, count: StreamCipher.chunkSize + StreamCipher.tagSize))], to: longer)
        let after = try #require(try read(longer))
        #expect(after.message.contains("無法解開") || after.message.contains("結束之後還有多出來的東西"), "\(after.message)")
    }
}
