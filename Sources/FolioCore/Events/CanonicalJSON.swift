import Foundation

/// folio's canonical JSON: object keys sorted by their UTF-8 bytes, no insignificant white space,
/// strings escaped only where JSON requires it (`"`, `\`, control characters), integers only.
/// Event ids and signatures are computed over these bytes, so the form is documented in
/// Docs/formats.md and must never change for format version 1.
public enum CanonicalJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        try serialize(toValue(value))
    }

    public static func toValue<T: Encodable>(_ value: T) throws -> JSONValue {
        if let v = value as? JSONValue { return v }
        let data = try JSONEncoder().encode(value)
        return try JSONDecoder().decode(JSONValue.self, from: data)
    }

    public static func fromValue<T: Decodable>(_ type: T.Type, _ value: JSONValue) throws -> T {
        try JSONValueDecoder(value).singleValueContainer().decode(T.self)
    }

    /// An object whose members write their own values, in canonical key order: for a value too large to
    /// build as a `JSONValue` tree first (a bundle header listing 100,000 files).
    public static func writeObject(_ members: [String: (inout [UInt8]) -> Void], into out: inout [UInt8]) {
        writeMembers(members, into: &out) { writeValue, out in writeValue(&out) }
    }

    /// `{"key":value,…}` with the keys in UTF-8 byte order.
    private static func writeMembers<V>(_ members: [String: V], into out: inout [UInt8],
                                        _ writeValue: (V, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "{"))
        let keys = members.keys.map { (Array($0.utf8), $0) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }
        for (n, key) in keys.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            writeString(key.1, into: &out)
            out.append(UInt8(ascii: ":"))
            writeValue(members[key.1]!, &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    public static func serialize(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    public static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .int(let i): out.append(contentsOf: Array(String(i).utf8))
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (n, element) in a.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            writeMembers(o, into: &out) { value, out in write(value, into: &out) }
        }
    }

    public static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
