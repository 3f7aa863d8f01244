import FolioTar
import Foundation

// Keep this file importing only FolioTar and Foundation (the fuzzer compiles it for its seed corpus).

/// Valid archives written by `TarWriter`, for round-trip tests and as fuzzing seeds.
public enum SampleArchives {
    /// Inputs with the shapes a bundle has: nested folders, non-ASCII NFC names, an empty file, a file
    /// larger than one copy block of the reader.
    public static func inputs() -> [TarInput] {
        var big = Data(count: 70_000)
        for i in big.indices { big[i] = UInt8(truncatingIfNeeded: i &* 31) }
        return [
            .directory("學習成果"),
            .bytes("學習成果/報告.pdf", Data("%PDF-1.4 not really\n".utf8)),
            .bytes("manifest.json", Data(#"{"kind":"sample"}"#.utf8)),
            .bytes("empty.txt", Data()),
            .bytes("a/b/c/deep.txt", Data("deep\n".utf8)),
            .bytes("a-b.txt", Data("sorts before a/ in byte order\n".utf8)),
            .bytes("data/big.bin", big),
        ]
    }

    /// A complete archive of `inputs()`, in memory.
    public static func standard() throws -> Data {
        try archive(inputs())
    }

    /// Writes `inputs` with `TarWriter` into memory.
    public static func archive(_ inputs: [TarInput]) throws -> Data {
        final class Buffer { var data = Data() }
        let buffer = Buffer()
        let writer = try TarWriter { buffer.data.append(contentsOf: $0) }
        try writer.appendAll(inputs)
        try writer.finish()
        return buffer.data
    }

    /// A few small valid archives, for fuzzing seeds.
    public static func seeds() throws -> [String: Data] {
        [
            "valid-standard": try standard(),
            "valid-empty": try archive([]),
            "valid-one-file": try archive([.bytes("a.txt", Data("a".utf8))]),
            "valid-dirs": try archive([.directory("x"), .directory("x/y"), .bytes("x/y/z", Data([0, 1, 2]))]),
        ]
    }
}
