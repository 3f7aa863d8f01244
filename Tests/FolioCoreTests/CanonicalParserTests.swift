import FolioCore
import FolioTestSupport
import Foundation
import Testing

/// The strict reader must agree with the general path (`JSONDecoder` + canonical re-encoding) on every
/// canonical input and refuse every other one, or event ids would depend on which path read a file.
@Suite struct CanonicalParserTests {
    static let alphabet: [String] = ["a", "b", "Z", "é", "中", "\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}",
                                     "/", " ", "\u{7F}", "0", "{", "😀"]

    static func string(_ r: inout SplitMix64) -> String {
        (0..<r.below(6)).map { _ in alphabet[r.below(alphabet.count)] }.joined()
    }

    static func value(_ r: inout SplitMix64, depth: Int = 0) -> JSONValue {
        switch r.below(depth > 3 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(r.below(2) == 0)
        case 2:
            let special: [Int64] = [0, 1, -1, 10, Int64.max, Int64.min, 1_234_567]
            return .int(r.below(2) == 0 ? special[r.below(special.count)] : Int64(bitPattern: r.next()))
        case 3, 4: return .string(string(&r))
        case 5: return .array((0..<r.below(4)).map { _ in value(&r, depth: depth + 1) })
        default:
            var o: [String: JSONValue] = [:]
            for _ in 0..<r.below(5) { o[string(&r)] = value(&r, depth: depth + 1) }
            return .object(o)
        }
    }

    /// What the general path makes of `bytes`: the value, if re-encoding gives back exactly these bytes.
    static func generalCanonical(_ bytes: [UInt8]) -> JSONValue? {
        guard let v = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)),
              CanonicalJSON.serialize(v) == bytes else { return nil }
        return v
    }

    @Test func readsBackEveryCanonicalValueAsTheGeneralDecoderDoes() {
        var r = SplitMix64(seed: 7)
        for _ in 0..<3_000 {
            let v = Self.value(&r)
            let bytes = CanonicalJSON.serialize(v)
            let parsed = CanonicalParser.parse(bytes)
            #expect(parsed == v, "\(String(decoding: bytes, as: UTF8.self))")
            #expect(parsed == Self.generalCanonical(bytes))
        }
    }

    @Test func acceptsAChangedTextExactlyWhenItIsStillCanonical() {
        // Insert, delete or replace one byte of a canonical text; the strict reader must accept the result
        // if and only if the general path reads it and re-encodes it to the same bytes.
        var r = SplitMix64(seed: 11)
        let interesting = Array(" \t\n,:{}[]\"\\-0123456789.eEtrufalsn/u".utf8) + [0xC3, 0xA9, 0xFF, 0x00]
        var accepted = 0
        for _ in 0..<6_000 {
            var bytes = CanonicalJSON.serialize(Self.value(&r))
            let i = r.below(bytes.count + 1)
            let b = interesting[r.below(interesting.count)]
            switch r.below(3) {
            case 0: bytes.insert(b, at: i)
            case 1: if i < bytes.count { bytes.remove(at: i) }
            default: if i < bytes.count { bytes[i] = b }
            }
            let strict = CanonicalParser.parse(bytes)
            #expect(strict == Self.generalCanonical(bytes), "\(String(decoding: bytes, as: UTF8.self))")
            if strict != nil { accepted += 1 }
        }
        // Both outcomes must actually occur, or the property says little.
        #expect(accepted > 100 && accepted < 5_900)
    }

    @Test(arguments: [
        #"{"b":1,"a":2}"#, #"{"a":1,"a":1}"#, "[1, 2]", " 1", "01", "-0", "1.0", "1e2", "+1",
        "9223372036854775808", "-9223372036854775809", #""\u0041""#, #""\/""#, #""\u000a""#, #""\u001F""#,
        #""\b""#, #""\f""#, "tru", "nul", "[1,]", #"{"a":}"#, "{,}", "[", #""abc"#,
    ])
    func refusesNonCanonicalText(_ text: String) {
        #expect(CanonicalParser.parse(Array(text.utf8)) == nil)
    }

    @Test func refusesInvalidUTF8AndRawControlCharacters() {
        #expect(CanonicalParser.parse([34, 0xFF, 34]) == nil)
        #expect(CanonicalParser.parse([34, 0xC3, 34]) == nil)
        #expect(CanonicalParser.parse([34, 0x0A, 34]) == nil)
        #expect(CanonicalParser.parse(Array(#""\u00ff""#.utf8)) == nil)
        #expect(CanonicalParser.parse(Array(#""\u001f""#.utf8)) == .string("\u{1F}"))
    }

    @Test func refusesNestingDeeperThanAnyRecord() {
        let deep = Array(String(repeating: "[", count: 100).utf8) + Array(String(repeating: "]", count: 100).utf8)
        #expect(CanonicalParser.parse(deep) == nil)
        let fine = Array(String(repeating: "[", count: 20).utf8) + Array(String(repeating: "]", count: 20).utf8)
        #expect(CanonicalParser.parse(fine) != nil)
    }

    @Test func storedEventsReadTheSameOnBothPaths() throws {
        let f = SchoolFixture.standard()
        for stored in f.schoolEvents {
            let bytes = try stored.signed.fileBytes()
            let fast = try #require(SignedEvent.readCanonical(bytes))
            #expect(fast == stored)
            #expect(fast.signatureIsValid)
            // A file with white space added is not canonical: the fast path declines, the general one reads it.
            var spaced = bytes
            spaced.insert(32, at: 1)
            #expect(SignedEvent.readCanonical(spaced) == nil)
            #expect(SignedEvent.readStored(spaced) == stored)
        }
    }

    /// Events are encoded by hand for speed; the bytes must be what the generic `Codable` path gives,
    /// including an event with every optional field set and one with none.
    @Test func handEncodedEventsMatchTheCodablePath() throws {
        let f = SchoolFixture.standard()
        var events = f.schoolEvents.map(\.event)
        var delegate = events[0]
        delegate.onBehalfOf = "T002"
        delegate.student = "112001"
        delegate.body = .object(["list": .array([.int(-3), .null, .bool(false)]), "text": .string("中\u{01}\"")])
        events.append(delegate)
        for event in events {
            #expect(try event.canonicalBytes() == CanonicalJSON.serialize(try CanonicalJSON.toValue(event)))
            let signed = SignedEvent(event: event, signature: "c2ln")
            let generic = CanonicalJSON.serialize(try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(signed)))
            #expect(try signed.fileBytes() == generic)
        }
    }

    @Test func aForgedSignatureIsCaughtOnTheFastPath() throws {
        let f = SchoolFixture.standard()
        var signed = f.schoolEvents[1].signed
        let other = f.schoolEvents[0].signed.signature
        #expect(signed.signature != other)
        signed.signature = other
        let fast = try #require(SignedEvent.readCanonical(try signed.fileBytes()))
        #expect(!fast.signatureIsValid)
        #expect(fast.id == f.schoolEvents[1].id)
    }

    @Test func anUnknownFieldOrNullOptionalLeavesTheFastPath() throws {
        let f = SchoolFixture.standard()
        let bytes = try f.schoolEvents[0].signed.fileBytes()
        let text = String(decoding: bytes, as: UTF8.self)
        // "zzz" sorts after every envelope field, so the text stays canonical JSON but is not an event
        // the general path would write back the same way.
        let extra = text.replacingOccurrences(of: "},\"signature\"", with: ",\"zzz\":1},\"signature\"")
        #expect(extra != text)
        #expect(CanonicalParser.parse(Array(extra.utf8)) != nil)
        #expect(SignedEvent.readCanonical(Array(extra.utf8)) == nil)
        let general = try #require(SignedEvent.readStored(Array(extra.utf8)))
        #expect(general.id == f.schoolEvents[0].id)  // the general decoder drops the field, as it always did
    }
}
