import FolioCore
import Foundation
import Testing

/// Event bodies are decoded straight from `JSONValue`; the result must be what `JSONDecoder` gives from
/// the same canonical text, and the same values must be refused.
@Suite struct JSONValueDecoderTests {
    enum Colour: String, Codable { case red, blue }
    struct Inner: Codable, Equatable { var n: Int; var tags: [String]? }
    struct Sample: Codable, Equatable {
        var text: String
        var small: Int8
        var big: Int64
        var ratio: Double
        var flag: Bool
        var colour: Colour
        var maybe: String?
        var list: [Inner]
        var table: [String: Inner]
        var grid: [[Int]]
        var raw: JSONValue
        var optionals: [Int?]
    }

    static func both<T: Decodable & Equatable>(_ type: T.Type, _ value: JSONValue) -> (T?, T?) {
        let fast = try? CanonicalJSON.fromValue(T.self, value)
        let general = try? JSONDecoder().decode(T.self, from: Data(CanonicalJSON.serialize(value)))
        return (fast, general)
    }

    static let good: JSONValue = .object([
        "text": .string("中文\n"), "small": .int(-128), "big": .int(Int64.max), "ratio": .int(3), "flag": .bool(true),
        "colour": .string("blue"), "maybe": .null,
        "list": .array([.object(["n": .int(1)]), .object(["n": .int(2), "tags": .array([.string("a")])])]),
        "table": .object(["x": .object(["n": .int(3), "tags": .null])]), "grid": .array([.array([.int(1), .int(2)]), .array([])]),
        "raw": .object(["any": .array([.null, .bool(false)])]), "optionals": .array([.int(1), .null]),
    ])

    @Test func decodesWhatJSONDecoderDecodes() throws {
        let (fast, general) = Self.both(Sample.self, Self.good)
        #expect(fast != nil)
        #expect(fast == general)
        #expect(fast?.maybe == nil && fast?.table["x"]?.tags == nil && fast?.optionals == [1, nil])
    }

    @Test(arguments: [
        ("small", JSONValue.int(128)), ("small", .string("1")), ("text", .int(1)), ("text", .null), ("flag", .int(1)),
        ("colour", .string("green")), ("list", .object([:])), ("list", .array([.object([:])])), ("grid", .array([.array([.null])])),
        ("table", .array([])),
    ])
    func refusesWhatJSONDecoderRefuses(_ field: String, _ bad: JSONValue) {
        guard case .object(var o) = Self.good else { return }
        o[field] = bad
        let (fast, general) = Self.both(Sample.self, .object(o))
        #expect(general == nil)
        #expect(fast == nil)
    }

    @Test func aMissingKeyIsRefusedUnlessOptional() {
        guard case .object(var o) = Self.good else { return }
        o["maybe"] = nil
        #expect(Self.both(Sample.self, .object(o)).0 != nil)
        o["text"] = nil
        #expect(Self.both(Sample.self, .object(o)).0 == nil)
        #expect(Self.both(Sample.self, .object(o)).1 == nil)
    }

    /// Every record body in the sample school reads the same both ways.
    @Test func sampleSchoolBodiesDecodeTheSameBothWays() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../SampleWorkspace").standardizedFileURL
        let files = FileManager.default.enumerator(atPath: root.path)!.compactMap { $0 as? String }.filter { $0.contains("events/") }
        var checked = 0
        for path in files {
            let stored = try #require(SignedEvent.readStored(Array(try Data(contentsOf: root.appendingPathComponent(path)))))
            let body = stored.event.body
            func same<T: Codable>(_ t: T.Type) throws {
                let fast = try CanonicalJSON.fromValue(T.self, body)
                let general = try JSONDecoder().decode(T.self, from: Data(CanonicalJSON.serialize(body)))
                #expect(try CanonicalJSON.encode(fast) == CanonicalJSON.encode(general), "\(path)")
                checked += 1
            }
            switch stored.event.kind {
            case .itemUploaded: try same(ItemUploaded.self)
            case .itemCertified, .itemRejected: try same(ItemDecision.self)
            case .itemSelected, .itemUnselected: try same(ItemSelection.self)
            case .recordAdded: try same(RecordAdded.self)
            case .studentSet: try same(StudentRecord.self)
            case .staffSet: try same(Principal.self)
            case .staffAvailability: try same(Availability.self)
            case .courseSet: try same(Course.self)
            case .dutyTable: try same(DutyTable.self)
            case .calendarTerm: try same(CalendarTerm.self)
            case .activityRecorded: try same(ActivityRecorded.self)
            case .schoolCreated: try same(SchoolCreated.self)
            default: break
            }
        }
        #expect(checked > 80)
    }
}
