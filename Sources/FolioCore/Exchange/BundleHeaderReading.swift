import Foundation

/// Reading `bundle.json` as folio writes it, in a whole-school bundle's memory budget.
///
/// A header that lists 92,000 entries is 15 MB of JSON. `JSONDecoder` held the file, its own map of it
/// and the entries being built at once, several times the file's size, and checking the signature wrote
/// the 15 MB again. Here the entries are parsed straight from the bytes (the rest of the header, a few
/// hundred bytes, still goes through `JSONDecoder`), and the header is accepted only if writing it again,
/// piece by piece, gives back exactly the bytes read. Then the signature and the bundle id can be computed
/// over those bytes: they are, byte for byte, the canonical form the sender signed.
extension SignedBundleHeader {
    /// The header read from `bytes`, with the range of its canonical JSON inside them; nil when the file
    /// is not written the way folio writes it, with a base64 signature (read it with `JSONDecoder` then).
    public static func readCanonical(_ bytes: [UInt8]) -> (signed: SignedBundleHeader, header: Range<Int>)? {
        let open = Array("{\"header\":".utf8)
        let signatureKey = Array(",\"signature\":\"".utf8)
        guard bytes.count > open.count + signatureKey.count + 2, bytes.starts(with: open),
              bytes[bytes.count - 2] == UInt8(ascii: "\""), bytes[bytes.count - 1] == UInt8(ascii: "}") else { return nil }
        // The signature is base64: no quote inside it, so the quote before the closing one opens it.
        guard let quote = bytes[..<(bytes.count - 2)].lastIndex(of: UInt8(ascii: "\"")),
              quote >= open.count + signatureKey.count - 1,
              bytes[(quote + 1 - signatureKey.count)...quote].elementsEqual(signatureKey) else { return nil }
        // Only a signature as folio writes one (base64, nothing escaped); an empty or odd one is left to the
        // general reader, which words each case for the clerk.
        let signatureBytes = bytes[(quote + 1)..<(bytes.count - 2)]
        guard !signatureBytes.isEmpty, signatureBytes.allSatisfy(isBase64) else { return nil }
        let signature = String(decoding: signatureBytes, as: UTF8.self)
        let range = open.count..<(quote + 1 - signatureKey.count)

        // Canonical keys are sorted, and "created" is the only one before "entries".
        let entriesKey = Array(",\"entries\":[".utf8)
        guard let keyStart = firstIndex(of: entriesKey, in: bytes, range: range) else { return nil }
        var parser = EntryParser(bytes: bytes, at: keyStart + entriesKey.count, end: range.upperBound)
        guard let entries = parser.entries() else { return nil }
        // The rest of the header with an empty list in place of the entries.
        var rest = Array(bytes[range.lowerBound..<(keyStart + entriesKey.count)])
        rest.append(contentsOf: bytes[(parser.position - 1)..<range.upperBound])
        guard var header = try? JSONDecoder().decode(BundleHeader.self, from: Data(rest)), header.entries.isEmpty else { return nil }
        header.entries = entries
        guard header.writes(exactly: bytes[range]) else { return nil }
        return (SignedBundleHeader(header: header, signature: signature), range)
    }

    private static func isBase64(_ b: UInt8) -> Bool {
        (65...90).contains(b) || (97...122).contains(b) || (48...57).contains(b) || b == 43 || b == 47 || b == 61
    }

    private static func firstIndex(of pattern: [UInt8], in bytes: [UInt8], range: Range<Int>) -> Int? {
        var i = range.lowerBound
        while i + pattern.count <= range.upperBound {
            if bytes[i] == pattern[0] && bytes[i..<(i + pattern.count)].elementsEqual(pattern) { return i }
            i += 1
        }
        return nil
    }
}

extension BundleHeader {
    /// Whether the canonical JSON of the header is exactly `expected`. It is written and compared in
    /// pieces of about 1 MB, so a large header is not held twice.
    func writes(exactly expected: ArraySlice<UInt8>) -> Bool {
        var offset = expected.startIndex
        var same = true
        var out: [UInt8] = []
        out.reserveCapacity((1 << 20) + 4096)
        let compare: (inout [UInt8]) -> Void = { piece in
            if same {
                let end = offset + piece.count
                same = end <= expected.endIndex && expected[offset..<end].elementsEqual(piece)
                offset = end
            }
            piece.removeAll(keepingCapacity: true)
        }
        do {
            try writeCanonical(into: &out, piece: compare)
        } catch {
            return false
        }
        compare(&out)
        return same && offset == expected.endIndex
    }
}

/// The entries list as `writeCanonical` writes it: `{"path":"…","sha256":"…","size":N}` separated by
/// commas. Anything else (an escape, a space, another order) is not read here: nil, and the caller
/// falls back to `JSONDecoder`.
private struct EntryParser {
    let bytes: [UInt8]
    var position: Int
    let end: Int

    init(bytes: [UInt8], at position: Int, end: Int) {
        self.bytes = bytes
        self.position = position
        self.end = end
    }

    private static let pathKey = Array("{\"path\":\"".utf8)
    private static let shaKey = Array(",\"sha256\":\"".utf8)
    private static let sizeKey = Array(",\"size\":".utf8)

    /// The entries, leaving `position` just after the closing `]`.
    mutating func entries() -> [BundleEntry]? {
        var result: [BundleEntry] = []
        if next(UInt8(ascii: "]")) { return result }
        while true {
            guard literal(Self.pathKey), let path = string(),
                  literal(Self.shaKey), let sha256 = string(),
                  literal(Self.sizeKey), let size = number(), next(UInt8(ascii: "}")) else { return nil }
            result.append(BundleEntry(path: path, size: size, sha256: sha256))
            if next(UInt8(ascii: "]")) { return result }
            guard next(UInt8(ascii: ",")) else { return nil }
        }
    }

    private mutating func next(_ byte: UInt8) -> Bool {
        guard position < end, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func literal(_ text: [UInt8]) -> Bool {
        guard position + text.count <= end, bytes[position..<(position + text.count)].elementsEqual(text) else { return false }
        position += text.count
        return true
    }

    /// The rest of a string whose opening quote was read: no escapes, valid UTF-8.
    private mutating func string() -> String? {
        let start = position
        while position < end {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                defer { position += 1 }
                return String(validating: bytes[start..<position], as: UTF8.self)
            case UInt8(ascii: "\\"), 0..<0x20:
                return nil
            default:
                position += 1
            }
        }
        return nil
    }

    /// A non-negative integer without leading zeros, as canonical JSON writes sizes.
    private mutating func number() -> Int64? {
        guard let magnitude = CanonicalParser.magnitude(bytes[..<end], at: &position), magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }
}
