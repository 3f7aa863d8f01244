import FolioCore
import FolioTar
import FolioWorkspace
import Foundation

/// Opens a sealed bundle (`envelope.json` and `payload/` pieces) with a reader's demo key, for tests that look
/// inside what folio wrote: the plain `folio-bundle/1` archive sealed in it, byte for byte. Written here from
/// the public parts (`SignedBundleEnvelope`, `StreamCipher`), not with folio's own reader, so what a test
/// lists is what any holder of the key would find.
public enum SealedBundleReader {
    /// The plain bundle sealed in `path`, opened with `who`'s demo key in `keys` (a folder of key files). A
    /// bundle that is not sealed (a transfer, a forgery) is returned as it is.
    public static func plainBundle(_ path: String, as who: String, keys: String) throws -> [UInt8] {
        let stream = try TarEntryStream(path: path)
        guard let first = try stream.next(), first.path == BundleEnvelope.entryName else {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        guard let signed = SignedBundleEnvelope.read(try readAll(stream)), signed.signatureIsValid else {
            throw FolioHarnessError("\(path): its envelope.json is not a validly signed envelope")
        }
        var sealed: [UInt8] = []
        var pieces = 0
        while let entry = try stream.next() {
            pieces += 1
            guard entry.path == BundleEnvelope.pieceName(pieces) else {
                throw FolioHarnessError("\(path): \(entry.path) where piece \(pieces) should be")
            }
            sealed += try readAll(stream)
        }
        let identity = try Actor.load(keyFile: keys + "/\(who).key", as: who, onBehalfOf: nil, demo: true,
                                      passphrase: { DemoKeys.passphrase }).identity
        var opener = try StreamCipher.Opener(signed.envelope.sealed, privateKey: identity.agreementKey, context: signed.envelope.context)
        // Every chunk but the last is full; the last is shorter (its content is under `chunkSize`).
        let chunk = StreamCipher.chunkSize + StreamCipher.tagSize
        var plain: [UInt8] = []
        var offset = 0
        while !opener.finished {
            guard offset < sealed.count || offset == 0 else { throw FolioHarnessError("\(path): the sealed content ends early") }
            let end = min(offset + chunk, sealed.count)
            plain += try opener.open(sealed[offset..<end], last: end - offset < chunk)
            offset = end
        }
        guard offset == sealed.count else { throw FolioHarnessError("\(path): more follows the end of the sealed content") }
        return plain
    }

    /// Writes the plain bundle sealed in `path` to `out`, for tools such as `tar` to read.
    public static func writePlainBundle(_ path: String, as who: String, keys: String, to out: String) throws {
        try Data(try plainBundle(path, as: who, keys: keys)).write(to: URL(fileURLWithPath: out))
    }

    /// The names in the plain bundle sealed in `path`, by GNU `tar`'s own listing of it.
    public static func listing(_ path: String, as who: String, keys: String) throws -> [String] {
        let plain = FileManager.default.temporaryDirectory.appendingPathComponent("folio-plain-\(UUID().uuidString).tar").path
        defer { try? FileManager.default.removeItem(atPath: plain) }
        try writePlainBundle(path, as: who, keys: keys, to: plain)
        let tar = try ToolRunner.run("tar", ["-tf", plain])
        guard tar.status == 0 else { throw FolioHarnessError("tar -tf of the bundle sealed in \(path) failed: \(tar.output)") }
        return tar.output.split(separator: "\n").map(String.init)
    }

    private static func readAll(_ stream: TarEntryStream) throws -> [UInt8] {
        var out: [UInt8] = []
        while true {
            let got = try stream.read(max: 1 << 20)
            if got.isEmpty { return out }
            out += got
        }
    }
}
