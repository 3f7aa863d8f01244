import Foundation

/// Writes the bytes `JSONEncoder` writes with `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]`, about
/// three times faster. Every `manifest.json` and `school.json` is written in that layout, and a full verify or an
/// import of a whole school encodes thousands of them: through `JSONEncoder` that was a twentieth of a full verify.
///
/// Only what views hold is handled: strings, integers, booleans, arrays, keyed values and nil. Anything else
/// (floating point, `Date`, `Data`, a key written twice, nothing at all) makes `encode` return
/// nil, and the caller falls back to `JSONEncoder`, so the output is always `JSONEncoder`'s. The layout is
/// pinned by `PrettyJSONTests` against `JSONEncoder` itself.
public enum PrettyJSON {
    public static func encode<T: Encodable>(_ value: T) -> [UInt8]? {
        let state = EncodingState()
        let encoder = TreeEncoder(state: state)
        do { try value.encode(to: encoder) } catch { return nil }
        if state.unsupported { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        // A value that encodes nothing at the top is an error to JSONEncoder; leave it to say so.
        guard let top = encoder.value, write(top, indent: 0, into: &out) else { return nil }
        return out
    }

    // MARK: the tree

    fileprivate enum Node {
        case null, bool(Bool), int(Int64), uint(UInt64), string(String)
        case array(ArrayBox), object(ObjectBox)
    }

    /// Containers are shared by reference, as Encoder's containers must be: a keyed container handed out
    /// early keeps adding to the same object.
    fileprivate final class ArrayBox { var items: [Node] = [] }
    fileprivate final class ObjectBox { var members: [(key: String, node: Node)] = [] }

    struct Unsupported: Error {}

    /// Set when a value asked for something only `JSONEncoder` does (a super encoder).
    fileprivate final class EncodingState { var unsupported = false }

    // MARK: writing

    private static func write(_ node: Node, indent: Int, into out: inout [UInt8]) -> Bool {
        switch node {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .int(let i): out += String(i).utf8
        case .uint(let u): out += String(u).utf8
        case .string(let s): writeString(s, into: &out)
        case .array(let box):
            out += "[\n".utf8
            for (n, item) in box.items.enumerated() {
                if n > 0 { out += ",\n".utf8 }
                pad(indent + 1, &out)
                guard write(item, indent: indent + 1, into: &out) else { return false }
            }
            out.append(10)
            pad(indent, &out)
            out.append(UInt8(ascii: "]"))
        case .object(let box):
            // JSONEncoder sorts keys by their UTF-8 bytes, not as Swift compares Strings (which would
            // put a composed é and a decomposed one together). Duplicate keys are left to it.
            let members = box.members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for i in members.indices.dropFirst() where members[i - 1].key.utf8.elementsEqual(members[i].key.utf8) { return false }
            out += "{\n".utf8
            for (n, m) in members.enumerated() {
                if n > 0 { out += ",\n".utf8 }
                pad(indent + 1, &out)
                writeString(m.key, into: &out)
                out += " : ".utf8
                guard write(m.node, indent: indent + 1, into: &out) else { return false }
            }
            out.append(10)
            pad(indent, &out)
            out.append(UInt8(ascii: "}"))
        }
        return true
    }

    private static func pad(_ level: Int, _ out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// JSONEncoder's escaping: quote, backslash and control characters; `/` is left alone
    /// (`.withoutEscapingSlashes`), and so is everything from 0x7F up.
    private static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings (ids, hashes, names) need no escape: copy them whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(contentsOf: s.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    // MARK: the encoder

    /// Encodes one value into a `Node`. Strings, integers and booleans are recognised by their type before
    /// going through `Encodable`; comparing metatypes is a pointer comparison, where a dynamic cast (`as?`)
    /// would cost a conformance lookup for every value of every manifest.
    fileprivate static func node<T: Encodable>(_ value: T, state: EncodingState) throws -> Node {
        let t = T.self
        if t == String.self { return .string(unsafeBitCast(value, to: String.self)) }
        if t == Int.self { return .int(Int64(unsafeBitCast(value, to: Int.self))) }
        if t == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
        if t == Int64.self || t == Int32.self || t == Int16.self || t == Int8.self || t == UInt.self || t == UInt64.self
            || t == UInt32.self || t == UInt16.self || t == UInt8.self {
            let i = value as! any BinaryInteger
            return integer(i)
        }
        // JSONEncoder writes these its own way rather than as they encode themselves.
        if t == Double.self || t == Float.self || t == Date.self || t == Data.self || t == URL.self || t == Decimal.self {
            throw Unsupported()
        }
        let sub = TreeEncoder(state: state)
        try value.encode(to: sub)
        return sub.value ?? .object(ObjectBox())
    }

    fileprivate static func integer<I: BinaryInteger>(_ i: I) -> Node {
        if let s = Int64(exactly: i) { return .int(s) }
        return .uint(UInt64(i))
    }
}

private final class TreeEncoder: Encoder {
    /// Always empty: no view reads it, and building it cost an array for each value of every manifest.
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var value: PrettyJSON.Node?
    let state: PrettyJSON.EncodingState

    init(state: PrettyJSON.EncodingState) {
        self.state = state
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: PrettyJSON.ObjectBox
        if case .object(let existing) = value { box = existing } else {
            box = PrettyJSON.ObjectBox()
            value = .object(box)
        }
        return KeyedEncodingContainer(Keyed(box: box, state: state))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: PrettyJSON.ArrayBox
        if case .array(let existing) = value { box = existing } else {
            box = PrettyJSON.ArrayBox()
            value = .array(box)
        }
        return Unkeyed(box: box, state: state)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(encoder: self) }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: PrettyJSON.ObjectBox
        let state: PrettyJSON.EncodingState
        var codingPath: [any CodingKey] { [] }

        private func put(_ node: PrettyJSON.Node, _ key: Key) { box.members.append((key.stringValue, node)) }

        mutating func encodeNil(forKey key: Key) throws { put(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { put(.bool(value), key) }
        mutating func encode(_ value: String, forKey key: Key) throws { put(.string(value), key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { throw PrettyJSON.Unsupported() }
        mutating func encode(_ value: Float, forKey key: Key) throws { throw PrettyJSON.Unsupported() }
        mutating func encode(_ value: Int, forKey key: Key) throws { put(.int(Int64(value)), key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { put(PrettyJSON.integer(value), key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { put(PrettyJSON.integer(value), key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { put(PrettyJSON.integer(value), key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { put(.int(value), key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { put(PrettyJSON.integer(value), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { put(PrettyJSON.integer(value), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { put(PrettyJSON.integer(value), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { put(PrettyJSON.integer(value), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { put(PrettyJSON.integer(value), key) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            put(try PrettyJSON.node(value, state: state), key)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                            forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let inner = PrettyJSON.ObjectBox()
            put(.object(inner), key)
            return KeyedEncodingContainer(Keyed<NestedKey>(box: inner, state: state))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let inner = PrettyJSON.ArrayBox()
            put(.array(inner), key)
            return Unkeyed(box: inner, state: state)
        }

        // Views never encode a superclass: leave that to JSONEncoder.
        mutating func superEncoder() -> any Encoder { unsupported() }
        mutating func superEncoder(forKey key: Key) -> any Encoder { unsupported() }
        private func unsupported() -> any Encoder {
            state.unsupported = true
            return TreeEncoder(state: state)
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let box: PrettyJSON.ArrayBox
        let state: PrettyJSON.EncodingState
        var codingPath: [any CodingKey] { [] }
        var count: Int { box.items.count }

        mutating func encodeNil() throws { box.items.append(.null) }
        mutating func encode(_ value: Bool) throws { box.items.append(.bool(value)) }
        mutating func encode(_ value: String) throws { box.items.append(.string(value)) }
        mutating func encode(_ value: Double) throws { throw PrettyJSON.Unsupported() }
        mutating func encode(_ value: Float) throws { throw PrettyJSON.Unsupported() }
        mutating func encode(_ value: Int) throws { box.items.append(.int(Int64(value))) }
        mutating func encode(_ value: Int64) throws { box.items.append(.int(value)) }
        mutating func encode(_ value: UInt64) throws { box.items.append(PrettyJSON.integer(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            box.items.append(try PrettyJSON.node(value, state: state))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let inner = PrettyJSON.ObjectBox()
            box.items.append(.object(inner))
            return KeyedEncodingContainer(Keyed<NestedKey>(box: inner, state: state))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let inner = PrettyJSON.ArrayBox()
            box.items.append(.array(inner))
            return Unkeyed(box: inner, state: state)
        }

        mutating func superEncoder() -> any Encoder {
            state.unsupported = true
            return TreeEncoder(state: state)
        }
    }

    struct Single: SingleValueEncodingContainer {
        let encoder: TreeEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        func encodeNil() throws { encoder.value = .null }
        func encode(_ value: Bool) throws { encoder.value = .bool(value) }
        func encode(_ value: String) throws { encoder.value = .string(value) }
        func encode(_ value: Double) throws { throw PrettyJSON.Unsupported() }
        func encode(_ value: Float) throws { throw PrettyJSON.Unsupported() }
        func encode(_ value: Int) throws { encoder.value = .int(Int64(value)) }
        func encode(_ value: Int64) throws { encoder.value = .int(value) }
        func encode(_ value: UInt64) throws { encoder.value = PrettyJSON.integer(value) }
        func encode<T: Encodable>(_ value: T) throws { encoder.value = try PrettyJSON.node(value, state: encoder.state) }
    }
}
