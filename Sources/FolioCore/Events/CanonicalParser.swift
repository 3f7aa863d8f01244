/// A strict reader for folio's canonical JSON: it accepts a byte string only if it is exactly what
/// `CanonicalJSON.serialize` would write for the value it holds (keys in strictly increasing byte order,
/// no white space, only the escapes canonical JSON uses, integers without leading zeros, valid UTF-8).
///
/// Why it exists: every command reads every event file, and Foundation's `JSONDecoder` followed by a
/// canonical re-encoding (to compute the id) cost about a third of a millisecond per event. Because a stored
/// event file is canonical, its event's canonical bytes are a slice of the file: the id and the signature
/// can be checked on that slice with no re-encoding. Anything this reader refuses is handed to the general
/// decoder, so accepting less never changes what folio accepts.
public struct CanonicalParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var at = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The value `bytes` hold, or nil when they are not canonical JSON.
    public static func parse(_ bytes: [UInt8]) -> JSONValue? {
        bytes.withUnsafeBufferPointer { buffer in
            var p = CanonicalParser(buffer)
            guard let v = p.value(depth: 0), p.at == buffer.count else { return nil }
            return v
        }
    }

    /// Reads a stored signed event, `{"event":{…},"signature":"…"}`: the event's value, the range of its
    /// canonical bytes within `bytes`, and the signature; nil when the file is not canonical in this shape.
    public static func parseSignedEvent(_ bytes: [UInt8]) -> (event: JSONValue, range: Range<Int>, signature: String)? {
        bytes.withUnsafeBufferPointer { buffer in
            var p = CanonicalParser(buffer)
            guard p.literal("{\"event\":") else { return nil }
            let start = p.at
            guard let event = p.value(depth: 1) else { return nil }
            let end = p.at
            guard p.literal(",\"signature\":"), let sig = p.string(), p.literal("}"), p.at == buffer.count else {
                return nil
            }
            return (event, start..<end, sig)
        }
    }

    /// Deep enough for any folio record; deeper input is refused rather than risking the stack.
    private static let maxDepth = 64

    private mutating func literal(_ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard bytes.count - at >= n else { return false }
        let p = s.utf8Start
        for i in 0..<n where bytes[at + i] != p[i] { return false }
        at += n
        return true
    }

    private mutating func value(depth: Int) -> JSONValue? {
        guard at < bytes.count, depth < Self.maxDepth else { return nil }
        switch bytes[at] {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        default: return integer().map(JSONValue.int)
        }
    }

    private mutating func object(depth: Int) -> JSONValue? {
        at += 1  // {
        var members: [String: JSONValue] = [:]
        if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
        var previous: (raw: Range<Int>, key: String)? = nil
        while true {
            let keyStart = at
            guard let key = string() else { return nil }
            // Keys must rise strictly in byte order, which also rules out duplicates of the same bytes.
            let raw = (keyStart + 1)..<(at - 1)
            if let previous, !Self.before(previous, (raw, key), in: bytes) { return nil }
            previous = (raw, key)
            guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { return nil }
            at += 1
            guard let v = value(depth: depth + 1) else { return nil }
            // Two keys can rise in byte order and still be one `String` (é precomposed and decomposed compare
            // equal): no dictionary holds both, so no canonical text does.
            guard members.updateValue(v, forKey: key) == nil else { return nil }
            guard at < bytes.count else { return nil }
            if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
            if bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
            return nil
        }
    }

    /// Whether key `a` sorts strictly before key `b` by UTF-8 bytes. Keys without escapes (nearly all)
    /// are compared in place; a key with an escape is compared decoded.
    private static func before(_ a: (raw: Range<Int>, key: String), _ b: (raw: Range<Int>, key: String),
                               in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if !bytes[a.raw].contains(92) && !bytes[b.raw].contains(92) {
            return bytes[a.raw].lexicographicallyPrecedes(bytes[b.raw])
        }
        return Array(a.key.utf8).lexicographicallyPrecedes(Array(b.key.utf8))
    }

    private mutating func array(depth: Int) -> JSONValue? {
        at += 1  // [
        var elements: [JSONValue] = []
        if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; return .array(elements) }
        while true {
            guard let v = value(depth: depth + 1) else { return nil }
            elements.append(v)
            guard at < bytes.count else { return nil }
            if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
            if bytes[at] == UInt8(ascii: "]") { at += 1; return .array(elements) }
            return nil
        }
    }

    /// A string, with only the escapes `CanonicalJSON` writes: `\"`, `\\`, `\n`, `\r`, `\t`, and `\u00xx`
    /// (lower-case hex) for the other control characters. Everything else must appear as itself.
    private mutating func string() -> String? {
        guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return nil }
        at += 1
        let start = at
        var plain = true
        while at < bytes.count {
            let b = bytes[at]
            if b == UInt8(ascii: "\"") { break }
            if b < 0x20 { return nil }
            if b == 92 { plain = false; at += 2; continue }
            at += 1
        }
        guard at < bytes.count else { return nil }
        let end = at
        at += 1  // closing quote
        if plain { return String(validating: bytes[start..<end], as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var i = start
        while i < end {
            let b = bytes[i]
            guard b == 92 else { out.append(b); i += 1; continue }
            guard i + 1 < end else { return nil }
            switch bytes[i + 1] {
            case UInt8(ascii: "\""): out.append(34); i += 2
            case 92: out.append(92); i += 2
            case UInt8(ascii: "n"): out.append(0x0A); i += 2
            case UInt8(ascii: "r"): out.append(0x0D); i += 2
            case UInt8(ascii: "t"): out.append(0x09); i += 2
            case UInt8(ascii: "u"):
                guard i + 6 <= end, bytes[i + 2] == 48, bytes[i + 3] == 48,
                      let hi = Self.hexDigit(bytes[i + 4]), hi < 2, let lo = Self.hexDigit(bytes[i + 5]) else { return nil }
                let c = UInt8(hi * 16 + lo)
                // \n, \r and \t have short forms; canonical JSON never writes them as \u00xx.
                guard c != 0x0A, c != 0x0D, c != 0x09 else { return nil }
                out.append(c)
                i += 6
            default: return nil
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hexDigit(_ b: UInt8) -> Int? {
        switch b {
        case 48...57: return Int(b - 48)
        case 97...102: return Int(b - 87)
        default: return nil  // upper-case hex is not canonical
        }
    }

    /// `0|[1-9][0-9]*` from `at` (moved past the digits), as canonical JSON writes a number's magnitude; nil
    /// when there is no digit, a leading zero, or more than 64 bits.
    static func magnitude<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at: inout Int) -> UInt64? where Bytes.Index == Int {
        let start = at
        var magnitude: UInt64 = 0
        while at < bytes.endIndex, (48...57).contains(bytes[at]) {
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(bytes[at] - 48))
            guard !o1, !o2 else { return nil }
            magnitude = s
            at += 1
        }
        let digits = at - start
        guard digits > 0, !(digits > 1 && bytes[start] == 48) else { return nil }
        return magnitude
    }

    /// `-?(0|[1-9][0-9]*)` within Int64, and never `-0`.
    private mutating func integer() -> Int64? {
        var negative = false
        if bytes[at] == UInt8(ascii: "-") { negative = true; at += 1 }
        guard let magnitude = Self.magnitude(bytes, at: &at) else { return nil }
        // A fraction or an exponent is not an integer: the caller sees the byte and refuses.
        if negative {
            guard magnitude != 0, magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }
}
