import FolioCore
import FolioTar
import FolioWorkspace
import Foundation

/// Builds a folio bundle from its parts, the way `folio bundle export` does, but with every part in the
/// test's hands: the header (any field), the files, and the identity that signs. The header is signed
/// for real (Ed25519 over its canonical JSON) and the archive is written by the real `TarWriter`.
///
/// `header.entries` is only recomputed by `seal()`, so a part added after sealing is in the archive but
/// not in the signed list, and a header edited after sealing is still signed as edited.
public struct BundleForge: Sendable {
    public var header: BundleHeader
    /// Entries after `bundle.json`: path inside the bundle → content.
    public var parts: [String: [UInt8]]
    /// Who signs the header. `header.key` is set from it at creation; change either independently to forge.
    public var signer: SigningIdentity

    public init(kind: BundleKind, school: String, sender: BundleParty, signer: SigningIdentity,
                recipient: BundleParty, sequence: Int = 1, created: Instant, scope: [String] = [],
                parts: [String: [UInt8]] = [:]) {
        self.header = BundleHeader(kind: kind, school: school, sender: sender, key: signer.publicKeyText,
                                   recipient: recipient, sequence: sequence, created: created, scope: scope,
                                   holds: [], entries: [])
        self.parts = parts
        self.signer = signer
        seal()
    }

    /// The header's promise for one entry.
    public static func entry(_ path: String, _ bytes: [UInt8]) -> BundleEntry {
        BundleEntry(path: path, size: Int64(bytes.count), sha256: SHA256Hex.of(bytes))
    }

    /// Where an event is stored inside a bundle (and a workspace).
    public static func path(of event: StoredEvent) -> String {
        event.event.student.map { "students/\($0)/events/\(event.id).json" } ?? "school/events/\(event.id).json"
    }

    /// Adds an event at its proper path.
    public mutating func add(_ event: StoredEvent) throws {
        parts[Self.path(of: event)] = try event.signed.fileBytes()
    }

    /// Lists every part in the header, in byte order of path, as export does.
    public mutating func seal() {
        header.entries = parts.map { Self.entry($0.key, $0.value) }
            .sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
    }

    public func signedHeader() throws -> SignedBundleHeader {
        try SignedBundleHeader.sign(header, with: signer)
    }

    /// The bytes of `bundle.json`: the signed header's canonical JSON.
    public func headerFile() throws -> [UInt8] { try signedHeader().fileBytes() }

    /// `bundle.json` followed by the parts, written by `TarWriter`. `headerFile` replaces the signed header.
    public func archive(headerFile: [UInt8]? = nil) throws -> [UInt8] {
        final class Buffer: @unchecked Sendable { var bytes: [UInt8] = [] }
        let buffer = Buffer()
        let writer = try TarWriter { buffer.bytes.append(contentsOf: $0) }
        var inputs: [TarInput] = [.bytes(BundleHeader.entryName, Data(try headerFile ?? self.headerFile()))]
        inputs += parts.map { .bytes($0.key, Data($0.value)) }
        try writer.appendAll(inputs)
        try writer.finish()
        return buffer.bytes
    }

    /// The name export would give the bundle.
    public var fileName: String { header.fileName }
}

/// Byte surgery on a tar archive: find where each entry lies, cut, flip, splice in raw entries. Only
/// what the hostile corpus needs: ustar headers, with pax `x` records carrying long or non-ASCII names.
public enum TarSurgery {
    /// One entry's place in the archive. `start` is where its pax header begins, if it has one.
    public struct Span: Sendable, Equatable {
        public let path: String
        public let start: Int
        public let dataStart: Int
        public let size: Int
        /// Just past the entry's padded data: where the next entry (or the end marker) begins.
        public let end: Int
    }

    public static let block = 512

    static func padded(_ n: Int) -> Int { (n + block - 1) / block * block }

    /// The entries of `tar` in archive order, up to its end-of-archive marker (or its last whole entry).
    public static func spans(_ tar: [UInt8]) -> [Span] {
        var out: [Span] = []
        var offset = 0
        var paxStart: Int?
        var paxPath: String?
        while offset + block <= tar.count {
            let h = Array(tar[offset..<offset + block])
            if h.allSatisfy({ $0 == 0 }) { break }
            let size = Int(octal(h[124..<136]))
            let type = h[156]
            let dataStart = offset + block
            let end = dataStart + padded(size)
            if type == UInt8(ascii: "x") {
                paxStart = offset
                let body = Array(tar[dataStart..<min(dataStart + size, tar.count)])
                paxPath = paxRecords(body)["path"]
            } else {
                var name = text(h[0..<100])
                let prefix = text(h[345..<500])
                if !prefix.isEmpty { name = prefix + "/" + name }
                out.append(Span(path: paxPath ?? name, start: paxStart ?? offset, dataStart: dataStart, size: size, end: end))
                paxStart = nil
                paxPath = nil
            }
            offset = end
        }
        return out
    }

    /// Where the end-of-archive marker begins: just past the last entry.
    public static func endOfEntries(_ tar: [UInt8]) -> Int { spans(tar).last?.end ?? 0 }

    /// The span of the entry named `path`.
    public static func span(_ path: String, in tar: [UInt8]) throws -> Span {
        guard let s = spans(tar).first(where: { $0.path == path }) else {
            throw FolioHarnessError("The archive has no entry \(path).")
        }
        return s
    }

    /// `tar`'s entries, then `raw` (whole entries: headers and padded data), then a fresh end marker.
    public static func appending(_ raw: [UInt8], to tar: [UInt8]) -> [UInt8] {
        Array(tar[..<endOfEntries(tar)]) + raw + [UInt8](repeating: 0, count: 2 * block)
    }

    /// The entries of a whole archive, without its end marker: ready to be spliced into another one.
    public static func entries(of tar: [UInt8]) -> [UInt8] { Array(tar[..<endOfEntries(tar)]) }

    /// `tar` with the byte at `offset` XOR-ed with `mask`.
    public static func flipping(_ tar: [UInt8], at offset: Int, mask: UInt8 = 0x01) -> [UInt8] {
        var out = tar
        out[offset] ^= mask
        return out
    }

    /// The first offset at or after `from` where `needle` occurs.
    public static func find(_ needle: [UInt8], in tar: [UInt8], from: Int = 0, before limit: Int? = nil) throws -> Int {
        let last = min(limit ?? tar.count, tar.count) - needle.count
        if from <= last {
            for i in from...last where tar[i..<i + needle.count].elementsEqual(needle) { return i }
        }
        throw FolioHarnessError("\(String(decoding: needle, as: UTF8.self)) is not in the archive.")
    }

    static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    static func octal(_ bytes: ArraySlice<UInt8>) -> Int64 {
        var value: Int64 = 0
        var started = false
        for b in bytes {
            if !started && b == UInt8(ascii: " ") { continue }
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "7") else { break }
            value = value * 8 + Int64(b - UInt8(ascii: "0"))
            started = true
        }
        return value
    }

    static func paxRecords(_ body: [UInt8]) -> [String: String] {
        var out: [String: String] = [:]
        var i = 0
        while i < body.count {
            guard let space = body[i...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: body[i..<space], as: UTF8.self)), length > 0,
                  i + length <= body.count else { break }
            let record = body[(space + 1)..<(i + length - 1)]
            if let eq = record.firstIndex(of: UInt8(ascii: "=")) {
                out[String(decoding: record[..<eq], as: UTF8.self)] = String(decoding: record[(eq + 1)...], as: UTF8.self)
            }
            i += length
        }
        return out
    }
}

/// Entries folio's own writer refuses to write, made by libarchive directly (or by hand), for splicing
/// into a forged bundle with `TarSurgery.appending`.
public enum RawEntries {
    public static func file(_ path: String, _ bytes: [UInt8]) throws -> [UInt8] {
        TarSurgery.entries(of: [UInt8](try LibarchiveTar.write([LibarchiveTar.Entry(path: path, data: bytes)])))
    }

    public static func symbolicLink(_ path: String, to target: String) throws -> [UInt8] {
        TarSurgery.entries(of: [UInt8](try LibarchiveTar.write([LibarchiveTar.Entry(path: path, type: .symlink, link: target)])))
    }

    public static func hardLink(_ path: String, to target: String) throws -> [UInt8] {
        TarSurgery.entries(of: [UInt8](try LibarchiveTar.write([LibarchiveTar.Entry(path: path, type: .regular, hardlink: target)])))
    }

    public enum Special: String, Sendable, CaseIterable {
        case characterDevice, blockDevice, fifo
    }

    public static func special(_ path: String, _ kind: Special) throws -> [UInt8] {
        let type: LibarchiveTar.Kind = switch kind {
        case .characterDevice: .characterDevice
        case .blockDevice: .blockDevice
        case .fifo: .fifo
        }
        return TarSurgery.entries(of: [UInt8](try LibarchiveTar.write([LibarchiveTar.Entry(path: path, type: type)])))
    }

    /// A bare ustar header declaring `size` bytes, with no data behind it.
    public static func header(_ path: String, declaring size: Int64) -> [UInt8] {
        RawTar.header(name: Array(path.utf8), size: size)
    }
}
