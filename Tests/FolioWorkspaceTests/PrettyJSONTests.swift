import FolioCore
import FolioWorkspace
import Foundation
import Testing

/// `PrettyJSON` stands in for `JSONEncoder` when writing `manifest.json` and `school.json`. A byte of
/// difference would make `folio verify` report every manifest written by the other encoder as damaged, so
/// its output is checked against `JSONEncoder` itself, never against hand-written expectations.
@Suite struct PrettyJSONTests {
    static func foundation<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    @Test func everySampleViewIsWrittenAsJSONEncoderWritesIt() throws {
        let ws = try Workspace.open(VerifierTests.sample)
        let school = ws.school()
        let numbers = ws.studentNumbers()
        #expect(numbers.count == 12)
        #expect(try PrettyJSON.encode(school) == Self.foundation(school))
        #expect(numbers.contains { !ws.view($0, school: school).items.isEmpty })
        for number in numbers {
            let view = ws.view(number, school: school)
            #expect(try PrettyJSON.encode(view) == Self.foundation(view), "\(number)")
        }
    }

    static let alphabet: [String] = ["a", "Z", "_", "0", "9", "-", "/", "\"", "\\", "\n", "\t", "\u{08}", "\u{0C}", "\r",
                                     "\u{01}", "\u{1F}", "\u{7F}", "\u{2028}", "é", "e\u{301}", "學", "\u{FF21}", "😀", " "]

    func text(_ rng: inout SplitMix64, max: Int) -> String {
        (0..<rng.below(max + 1)).map { _ in Self.alphabet[rng.below(Self.alphabet.count)] }.joined()
    }

    func value(_ rng: inout SplitMix64, depth: Int) -> JSONValue {
        switch rng.below(depth > 3 ? 4 : 6) {
        case 0: return .null
        case 1: return .bool(rng.below(2) == 0)
        case 2:
            let extremes: [Int64] = [0, -1, .min, .max, 1_000_000_000_000]
            return .int(rng.below(2) == 0 ? extremes[rng.below(extremes.count)] : Int64(bitPattern: rng.next()) >> rng.below(64))
        case 3: return .string(text(&rng, max: 12))
        case 4: return .array((0..<rng.below(4)).map { _ in value(&rng, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<rng.below(6) { members[text(&rng, max: 5)] = value(&rng, depth: depth + 1) }
            return .object(members)
        }
    }

    @Test func randomValuesAreWrittenAsJSONEncoderWritesThem() throws {
        var rng = SplitMix64(seed: 0x9E77)
        for _ in 0..<2_000 {
            let v = value(&rng, depth: 0)
            #expect(try PrettyJSON.encode(v) == Self.foundation(v), "\(v)")
        }
    }

    /// Where byte order, UTF-16 order and Swift's String order disagree: a composed and a decomposed é,
    /// a fullwidth letter (U+FF21) against an emoji (a surrogate pair in UTF-16), upper against lower case.
    @Test func keysAreOrderedAsJSONEncoderOrdersThem() throws {
        let keys = ["\u{FF21}", "😀", "e\u{301}a", "\u{E9}Z", "Z", "a", "a10", "a9", "_", ""]
        let v = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
        #expect(v.count == keys.count)
        #expect(try PrettyJSON.encode(v) == Self.foundation(v))
    }

    struct Optionals: Encodable {
        var a: String? = nil
        var b: Int? = 7
        var nothing = Nothing()
        var small: [Int8] = [-128, 127]
        var large: UInt64 = .max
        var empty: [String] = []
        var emptyObject: [String: Int] = [:]
    }

    /// Encodes no container at all; `JSONEncoder` writes an empty object for it.
    struct Nothing: Encodable { func encode(to encoder: any Encoder) throws {} }

    @Test func absentOptionalsAndEmptyContainersMatch() throws {
        let v = Optionals()
        #expect(try PrettyJSON.encode(v) == Self.foundation(v))
        #expect(try PrettyJSON.encode([v, v]) == Self.foundation([v, v]))
        // JSONEncoder refuses a value that encodes nothing at the top; PrettyJSON leaves it to say so.
        #expect(PrettyJSON.encode(Nothing()) == nil)
    }

    struct WithDouble: Encodable { var x = 1.5 }
    struct WithDate: Encodable { var at = Date(timeIntervalSince1970: 0) }
    struct WithData: Encodable { var bytes = Data([1, 2, 3]) }
    /// The same key twice: JSONEncoder keeps the last.
    struct DuplicateKeys: Encodable {
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(1, forKey: Key(stringValue: "a"))
            try c.encode(2, forKey: Key(stringValue: "a"))
        }
    }

    @Test func whatOnlyJSONEncoderKnowsIsLeftToIt() throws {
        #expect(PrettyJSON.encode(WithDouble()) == nil)
        #expect(PrettyJSON.encode(WithDate()) == nil)
        #expect(PrettyJSON.encode(WithData()) == nil)
        #expect(PrettyJSON.encode(DuplicateKeys()) == nil)
        // ... and the views' writer then uses JSONEncoder, so the bytes are the same either way.
        #expect(try Workspace.viewBytes(WithDouble()) == Self.foundation(WithDouble()) + [10])
        #expect(try Workspace.viewBytes(WithData()) == Self.foundation(WithData()) + [10])
    }
}
