import CArchive
import FolioTar
import Foundation

// Keep this file importing only FolioTar, CArchive and Foundation: Scripts/fuzz-tar compiles it into
// the fuzzer (through a symlink) to write the seed corpus.

/// One archive per class of hostile input `TarReader` must refuse. Most are written with libarchive's
/// own writer (so they are exactly what a real tool could produce); raw bytes are used only where
/// libarchive will not write the thing (a non-UTF-8 name, a size with no data behind it).
///
/// They are built against `HostileArchive.limits` (small caps, so the cap cases stay tiny).
/// Two are special. `truncatedAtEntryBoundary` reads as a clean, shorter archive and is only caught
/// when the caller passes the expected entry count. `nfdNameInPaxRecord` is read back in NFC, because
/// libarchive normalises names it converts from a pax record's UTF-8 (see Docs/tar-layer.md).
public enum HostileArchive: String, CaseIterable, Sendable {
    case pathTraversal
    case absolutePath
    case dotComponent
    case emptyComponent
    case symbolicLink
    case hardLink
    case characterDevice
    case blockDevice
    case fifo
    case duplicateName
    case fileAndDirectorySameName
    case fileUsedAsFolder
    case nfdName
    case nfdNameInPaxRecord
    case nfcAndNfdSpellingsOfOneName
    case controlCharacterName
    case bidiOverrideName
    case backslashName
    case percentName
    case invalidUTF8Name
    case entryOverSizeCap
    case hugeDeclaredSize
    case tooManyEntries
    case totalOverCap
    case truncatedMidEntry
    case truncatedMidHeader
    case truncatedAtEntryBoundary
    case damagedHeaderChecksum
    case zipFile
    case gzipTar
    case randomBytes
    case emptyFile

    /// The caps the corpus is built against.
    public static let limits = TarLimits(
        maxEntryBytes: 4096, maxEntries: 16, maxTotalBytes: 16_384, maxPathBytes: 1024)

    /// The size `hugeDeclaredSize` claims: 8 GiB - 1, the largest an 11-digit octal size field holds.
    public static let hugeDeclaredBytes: Int64 = (1 << 33) - 1

    /// Number of entries a complete version of `truncatedAtEntryBoundary` holds.
    public static let truncatedAtEntryBoundaryFullCount = 3

    public func bytes() throws -> Data {
        typealias E = LibarchiveTar.Entry
        switch self {
        case .pathTraversal:
            return try LibarchiveTar.write([E.file("ok.txt", "fine"), E.file("../x", "escaped")])
        case .absolutePath:
            return try LibarchiveTar.write([E.file("/etc/x", "root")])
        case .dotComponent:
            return try LibarchiveTar.write([E.file("./a/./b.txt", "dot")])
        case .emptyComponent:
            return try LibarchiveTar.write([E.file("a//b.txt", "empty part")])
        case .symbolicLink:
            return try LibarchiveTar.write([E(path: "a/b", type: .symlink, link: "/etc/passwd")])
        case .hardLink:
            return try LibarchiveTar.write([E.file("a", "x"), E(path: "b", type: .regular, hardlink: "a")])
        case .characterDevice:
            return try LibarchiveTar.write([E(path: "dev/null", type: .characterDevice)])
        case .blockDevice:
            return try LibarchiveTar.write([E(path: "dev/sda", type: .blockDevice)])
        case .fifo:
            return try LibarchiveTar.write([E(path: "pipe", type: .fifo)])
        case .duplicateName:
            return try LibarchiveTar.write([E.file("a.txt", "one"), E.file("a.txt", "two")])
        case .fileAndDirectorySameName:
            return try LibarchiveTar.write([E(path: "a", type: .directory), E.file("a", "file")])
        case .fileUsedAsFolder:
            return try LibarchiveTar.write([E.file("a", "file"), E.file("a/b", "under a file")])
        case .nfdName:
            // 學習成果/café.txt with the é decomposed (e + U+0301), in the ustar name field. Raw bytes:
            // libarchive's writer normalises names to NFC on the way out.
            let name = Array("學習成果/cafe\u{301}.txt".utf8)
            return Data(RawTar.header(name: name, size: 3) + RawTar.padded(Array("nfd".utf8)) + RawTar.endMarker)
        case .nfdNameInPaxRecord:
            // The same name in a pax `path=` record, as GNU tar --format=pax would store it.
            let name = Array("學習成果/cafe\u{301}.txt".utf8)
            var out = RawTar.paxHeader(["path": name])
            out += RawTar.header(name: Array("cafe.txt".utf8), size: 3) + RawTar.padded(Array("nfd".utf8))
            return Data(out + RawTar.endMarker)
        case .nfcAndNfdSpellingsOfOneName:
            // "café.txt" twice: NFC in a ustar header, then NFD in a pax record.
            var out = RawTar.header(name: Array("caf\u{E9}.txt".utf8), size: 3) + RawTar.padded(Array("nfc".utf8))
            out += RawTar.paxHeader(["path": Array("cafe\u{301}.txt".utf8)])
            out += RawTar.header(name: Array("x.txt".utf8), size: 3) + RawTar.padded(Array("nfd".utf8))
            return Data(out + RawTar.endMarker)
        case .controlCharacterName:
            return try LibarchiveTar.write([E.file("report\u{1B}[2J.pdf", "escape")])
        case .bidiOverrideName:
            return try LibarchiveTar.write([E.file("報告\u{202E}fdp.exe", "spoof")])
        case .backslashName:
            return try LibarchiveTar.write([E.file("a\\..\\x.txt", "windows")])
        case .percentName:
            return try LibarchiveTar.write([E.file("100%.txt", "percent")])
        case .invalidUTF8Name:
            var out = RawTar.header(name: Array("bad-".utf8) + [0xFF, 0xFE] + Array(".txt".utf8), size: 3)
            out += RawTar.padded(Array("bad".utf8))
            return Data(out + RawTar.endMarker)
        case .entryOverSizeCap:
            let size = Int(Self.limits.maxEntryBytes) + 1
            return try LibarchiveTar.write([E(path: "big.bin", data: [UInt8](repeating: 0x41, count: size))])
        case .hugeDeclaredSize:
            // A header claiming 8 GiB (the most 11 octal digits hold) with no data behind it: must be refused from the header alone.
            return Data(RawTar.header(name: Array("huge.bin".utf8), size: Self.hugeDeclaredBytes) + RawTar.endMarker)
        case .tooManyEntries:
            let entries = (0...Self.limits.maxEntries).map { E.file(String(format: "f%03d.txt", $0), "x") }
            return try LibarchiveTar.write(entries)
        case .totalOverCap:
            let each = Int(Self.limits.maxEntryBytes) - 96
            let count = Int(Self.limits.maxTotalBytes) / each + 1
            return try LibarchiveTar.write((0..<count).map {
                E(path: "part\($0).bin", data: [UInt8](repeating: UInt8($0), count: each))
            })
        case .truncatedMidEntry:
            let full = try LibarchiveTar.write([E(path: "long.bin", data: [UInt8](repeating: 7, count: 3000))])
            return full.prefix(512 + 1000)
        case .truncatedMidHeader:
            let full = try LibarchiveTar.write([E.file("a.txt", "a"), E.file("b.txt", "b")])
            return full.prefix(1024 + 200)
        case .truncatedAtEntryBoundary:
            // Three entries of one header + one data block each; keep the first two, drop the third
            // and the end-of-archive marker.
            let full = try LibarchiveTar.write([E.file("a.txt", "a"), E.file("b.txt", "b"), E.file("c.txt", "c")])
            return full.prefix(2 * 1024)
        case .damagedHeaderChecksum:
            // The second header starts at 1024 (header + one data block); change one byte of its name.
            var full = try LibarchiveTar.write([E.file("a.txt", "a"), E.file("b.txt", "b")])
            full[full.startIndex + 1024] ^= 0x20
            return full
        case .zipFile:
            return try LibarchiveTar.write([E.file("a.txt", "zip")], format: .zip)
        case .gzipTar:
            return try LibarchiveTar.write([E.file("a.txt", "gz")], gzip: true)
        case .randomBytes:
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            var out = [UInt8]()
            for _ in 0..<8192 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                out.append(UInt8(truncatingIfNeeded: state >> 33))
            }
            return Data(out)
        case .emptyFile:
            return Data()
        }
    }

    /// Writes every hostile archive into `directory` as `<case>.tar` and returns their paths.
    @discardableResult
    public static func writeAll(into directory: URL) throws -> [HostileArchive: URL] {
        var result: [HostileArchive: URL] = [:]
        for archive in allCases {
            let url = directory.appendingPathComponent(archive.rawValue + ".tar")
            try archive.bytes().write(to: url)
            result[archive] = url
        }
        return result
    }
}

/// A direct libarchive writer with none of `TarWriter`'s safety checks, to forge hostile archives.
enum LibarchiveTar {
    enum Format { case paxRestricted, zip }
    enum Kind {
        case regular, directory, symlink, characterDevice, blockDevice, fifo
        var mode: UInt32 {
            switch self {
            case .regular: return 0o100000
            case .directory: return 0o040000
            case .symlink: return 0o120000
            case .characterDevice: return 0o020000
            case .blockDevice: return 0o060000
            case .fifo: return 0o010000
            }
        }
    }

    struct Entry {
        var path: String
        var type: Kind = .regular
        var data: [UInt8] = []
        var link: String? = nil
        var hardlink: String? = nil

        static func file(_ path: String, _ text: String) -> Entry {
            Entry(path: path, data: Array(text.utf8))
        }
    }

    /// libarchive needs a UTF-8 locale for the `_utf8` setters (see TOOLCHAIN.md).
    static let localeReady: Bool = setlocale(LC_ALL, "C.UTF-8") != nil

    final class Sink {
        var data = Data()
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func write(_ entries: [Entry], format: Format = .paxRestricted, gzip: Bool = false) throws -> Data {
        guard localeReady, let archive = archive_write_new() else { throw Failure(description: "no locale or memory") }
        defer { archive_write_free(archive) }
        func check(_ status: Int32) throws {
            if status != ARCHIVE_OK {
                throw Failure(description: archive_error_string(archive).map { String(cString: $0) } ?? "libarchive error")
            }
        }
        switch format {
        case .paxRestricted: try check(archive_write_set_format_pax_restricted(archive))
        case .zip: try check(archive_write_set_format_zip(archive))
        }
        try check(gzip ? archive_write_add_filter_gzip(archive) : archive_write_add_filter_none(archive))
        let sink = Sink()
        try check(archive_write_open2(
            archive, Unmanaged.passUnretained(sink).toOpaque(), nil,
            { _, client, buffer, length in
                guard let client, let buffer else { return -1 }
                Unmanaged<Sink>.fromOpaque(client).takeUnretainedValue().data.append(
                    buffer.assumingMemoryBound(to: UInt8.self), count: length)
                return la_ssize_t(length)
            }, nil, nil))
        for item in entries {
            guard let entry = archive_entry_new() else { throw Failure(description: "no memory") }
            defer { archive_entry_free(entry) }
            archive_entry_set_pathname_utf8(entry, item.path)
            archive_entry_set_filetype(entry, item.type.mode)
            archive_entry_set_perm(entry, 0o644)
            archive_entry_set_mtime(entry, 0, 0)
            if item.type == .characterDevice || item.type == .blockDevice { archive_entry_set_rdev(entry, 0x0103) }
            if let link = item.link { archive_entry_set_symlink_utf8(entry, link) }
            if let hardlink = item.hardlink { archive_entry_set_hardlink_utf8(entry, hardlink) }
            archive_entry_set_size(entry, item.type == .regular && item.hardlink == nil ? Int64(item.data.count) : 0)
            try check(archive_write_header(archive, entry))
            if !item.data.isEmpty {
                let written = item.data.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
                guard written == item.data.count else { throw Failure(description: "short write") }
            }
        }
        try check(archive_write_close(archive))
        return sink.data
    }
}

/// Hand-made ustar headers, for what libarchive refuses to write.
enum RawTar {
    static let endMarker = [UInt8](repeating: 0, count: 1024)

    static func header(name: [UInt8], size: Int64, type: UInt8 = UInt8(ascii: "0")) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], at offset: Int) {
            for (i, b) in bytes.enumerated() { h[offset + i] = b }
        }
        func octal(_ value: Int64, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(Array(name.prefix(100)), at: 0)
        put(octal(0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(0, width: 12), at: 136)
        put([UInt8](repeating: 0x20, count: 8), at: 148)
        h[156] = type
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        let sum = h.reduce(0) { $0 + Int($1) }
        put(octal(Int64(sum), width: 7) + [0x20], at: 148)
        return h
    }

    /// A pax extended header ('x') holding `records`, each "<length> <key>=<value>\n".
    static func paxHeader(_ records: [String: [UInt8]]) -> [UInt8] {
        var body: [UInt8] = []
        for (key, value) in records.sorted(by: { $0.key < $1.key }) {
            let rest = Array(" \(key)=".utf8) + value + [0x0A]
            var length = rest.count + 1
            while String(length).utf8.count + rest.count != length { length += 1 }
            body += Array(String(length).utf8) + rest
        }
        return header(name: Array("PaxHeader/x".utf8), size: Int64(body.count), type: UInt8(ascii: "x")) + padded(body)
    }

    static func padded(_ data: [UInt8]) -> [UInt8] {
        data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }
}
