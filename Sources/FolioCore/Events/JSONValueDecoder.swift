/// Decodes a `Decodable` straight from a `JSONValue`, the way `JSONDecoder` would from its canonical text.
///
/// Why: every fold decodes every event's body, and going through text (serialize, then `JSONDecoder`) cost
/// more than reading the event. The rules are `JSONDecoder`'s defaults for what folio bodies use: a
/// missing key is `keyNotFound`, `null` or a missing key is nil for an optional, integers must fit the
/// type, and an integer may be read as a floating-point number. `JSONValueDecoderTests` compares the two
/// on every body type.
struct JSONValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: JSONValue, path: [any CodingKey] = []) {
        self.value = value
        self.codingPath = path
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let o) = value else { throw mismatch([String: JSONValue].self, value, codingPath) }
        return KeyedDecodingContainer(Keyed<Key>(object: o, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let a) = value else { throw mismatch([JSONValue].self, value, codingPath) }
        return Unkeyed(array: a, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(value: value, codingPath: codingPath) }
}

private func mismatch(_ type: Any.Type, _ value: JSONValue, _ path: [any CodingKey]) -> DecodingError {
    .typeMismatch(type, .init(codingPath: path, debugDescription: "Expected \(type) but found \(value)"))
}

/// The scalar rules shared by all three containers.
private func scalar<T: Decodable>(_ type: T.Type, _ value: JSONValue, _ path: [any CodingKey]) throws -> T {
    switch value {
    case .string(let s): if let r = s as? T { return r }
    case .bool(let b): if let r = b as? T { return r }
    case .int(let i):
        if T.self == Int.self, let r = Int(exactly: i) { return r as! T }
        if T.self == Int64.self { return i as! T }
        if T.self == Int32.self, let r = Int32(exactly: i) { return r as! T }
        if T.self == Int16.self, let r = Int16(exactly: i) { return r as! T }
        if T.self == Int8.self, let r = Int8(exactly: i) { return r as! T }
        if T.self == UInt.self, let r = UInt(exactly: i) { return r as! T }
        if T.self == UInt64.self, let r = UInt64(exactly: i) { return r as! T }
        if T.self == UInt32.self, let r = UInt32(exactly: i) { return r as! T }
        if T.self == UInt16.self, let r = UInt16(exactly: i) { return r as! T }
        if T.self == UInt8.self, let r = UInt8(exactly: i) { return r as! T }
        if T.self == Double.self { return Double(i) as! T }
        if T.self == Float.self { return Float(i) as! T }
    default: break
    }
    if T.self == JSONValue.self { return value as! T }
    // A primitive that did not match above is the wrong type; anything else decodes itself (and a
    // primitive must not, or String(from:) would ask this function again forever).
    if primitives.contains(where: { $0 == T.self }) {
        if value == .null { throw DecodingError.valueNotFound(T.self, .init(codingPath: path, debugDescription: "null")) }
        throw mismatch(T.self, value, path)
    }
    return try T(from: JSONValueDecoder(value, path: path))
}

private let primitives: [Any.Type] = [String.self, Bool.self, Int.self, Int64.self, Int32.self, Int16.self, Int8.self,
                                      UInt.self, UInt64.self, UInt32.self, UInt16.self, UInt8.self, Double.self, Float.self]

private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: [String: JSONValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }
    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    func get(_ key: Key) throws -> JSONValue {
        guard let v = object[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value for \(key.stringValue)"))
        }
        return v
    }

    func decodeNil(forKey key: Key) throws -> Bool { try get(key) == .null }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try scalar(T.self, try get(key), codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try JSONValueDecoder(try get(key), path: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try JSONValueDecoder(try get(key), path: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { JSONValueDecoder(.object(object), path: codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder { JSONValueDecoder(object[key.stringValue] ?? .null, path: codingPath + [key]) }
}

private struct Index: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ i: Int) { intValue = i }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct Unkeyed: UnkeyedDecodingContainer {
    let array: [JSONValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(array: [JSONValue], codingPath: [any CodingKey]) {
        self.array = array
        self.codingPath = codingPath
    }

    var count: Int? { array.count }
    var isAtEnd: Bool { currentIndex >= array.count }

    mutating func next<T>(_ type: T.Type) throws -> JSONValue {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(T.self, .init(codingPath: codingPath + [Index(currentIndex)], debugDescription: "Unkeyed container is at end."))
        }
        defer { currentIndex += 1 }
        return array[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        if array[currentIndex] == .null { currentIndex += 1; return true }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let path = codingPath + [Index(currentIndex)]
        return try scalar(T.self, try next(T.self), path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let path = codingPath + [Index(currentIndex)]
        return try JSONValueDecoder(try next([String: JSONValue].self), path: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let path = codingPath + [Index(currentIndex)]
        return try JSONValueDecoder(try next([JSONValue].self), path: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let path = codingPath + [Index(currentIndex)]
        return JSONValueDecoder(try next(JSONValue.self), path: path)
    }
}

private struct Single: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { value == .null }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try scalar(T.self, value, codingPath) }
}
