import FolioCore
import Foundation
import Testing

/// Uploads are read by `ItemUploaded(plain:)` before `Codable` is tried. Whatever it takes it must read exactly
/// as `Codable` does, and it must take the usual shape, or it saves nothing.
@Suite struct EventBodyDecodingTests {
    static let usual: JSONValue = .object([
        "item": .string("A1B2C3D4E5"), "category": .string("course-outcome"), "term": .string("113-1"),
        "course": .string("MAT1131"), "description": .string("函數圖形的探究報告"),
        "fields": .object(["title": .string("探究"), "hours": .string("4")]),
        "files": .array([
            .object(["role": .string("document"), "name": .string("report.pdf"), "size": .int(123_456),
                     "sha256": .string(String(repeating: "ab", count: 32)), "kind": .string("pdf")]),
            .object(["role": .string("media"), "name": .string("talk.mp3"), "size": .int(9_000_000),
                     "sha256": .string(String(repeating: "0f", count: 32)), "kind": .string("mp3")]),
        ]),
    ])

    func codable(_ v: JSONValue) -> ItemUploaded? { try? CanonicalJSON.fromValue(ItemUploaded.self, v) }

    func event(_ body: JSONValue) -> Event {
        Event(kind: .itemUploaded, school: "000000", author: "S1", key: "", at: Instant(epochSeconds: 0), student: "S1", body: body)
    }

    @Test func theUsualUploadIsReadWithoutCodable() throws {
        let plain = try #require(ItemUploaded(plain: Self.usual))
        #expect(plain == codable(Self.usual))
        #expect(plain.files.map(\.size) == [123_456, 9_000_000])
        #expect(plain.term.description == "113-1")
        #expect(plain.course == "MAT1131")
        #expect(plain.link == nil)
    }

    /// The shapes real uploads take are all read without `Codable`: a plain reader that gave up on them would
    /// still give the right answer (through the fallback) and only be slow, so no other test would notice.
    @Test func everyUsualVariantIsReadWithoutCodable() throws {
        guard case .object(let usual) = Self.usual else { Issue.record("not an object"); return }
        var variants: [[String: JSONValue]] = []
        var o = usual; o["course"] = nil; variants.append(o)
        o = usual; o["course"] = .null; variants.append(o)
        o = usual; o["link"] = .string("https://example.edu.tw/x"); variants.append(o)
        o = usual; o["link"] = .null; variants.append(o)
        o = usual; o["note"] = .string("a member a newer folio might add"); variants.append(o)
        o = usual; o["files"] = .array([]); variants.append(o)
        o = usual; o["fields"] = .object([:]); variants.append(o)
        for v in variants {
            let plain = ItemUploaded(plain: .object(v))
            #expect(plain != nil, "\(v)")
            #expect(plain == codable(.object(v)))
        }
    }

    /// Random changes to the usual body: a member dropped, retyped, nulled or added, a bad term, role or size.
    /// Every body the plain reader takes is read as `Codable` reads it; `decodeBody` always agrees with
    /// `Codable`, refusals included.
    @Test func thePlainReaderAgreesWithCodable() throws {
        var rng = SplitMix64(seed: 0x6F6C_696F)
        var taken = 0, refusedByBoth = 0
        for _ in 0..<3000 {
            var body = Self.usual
            for _ in 0...rng.below(2) { body = mutate(body, &rng, depth: 0) }
            let slow = codable(body)
            if let plain = ItemUploaded(plain: body) {
                taken += 1
                #expect(plain == slow, "\(body)")
            }
            let viaEvent = try? event(body).decodeBody(ItemUploaded.self)
            #expect(viaEvent == slow, "\(body)")
            if slow == nil { refusedByBoth += 1 }
        }
        // Both paths were exercised: the plain reader took many bodies, and many were refused.
        #expect(taken > 300)
        #expect(refusedByBoth > 300)
    }

    private func mutate(_ value: JSONValue, _ rng: inout SplitMix64, depth: Int) -> JSONValue {
        let odd: [JSONValue] = [.null, .bool(true), .int(-1), .int(Int64.max), .string("x"), .string("113-3"),
                                .string("media"), .array([]), .object([:])]
        switch value {
        case .object(var o):
            let keys = o.keys.sorted()
            switch rng.below(4) {
            case 0 where !keys.isEmpty: o[keys[rng.below(keys.count)]] = nil
            case 1 where !keys.isEmpty:
                let k = keys[rng.below(keys.count)]
                o[k] = depth < 3 && rng.below(2) == 0 ? mutate(o[k]!, &rng, depth: depth + 1) : odd[rng.below(odd.count)]
            case 2: o[["link", "course", "extra", "term"][rng.below(4)]] = odd[rng.below(odd.count)]
            default: if let k = keys.first { o[k] = mutate(o[k]!, &rng, depth: depth + 1) }
            }
            return .object(o)
        case .array(var a):
            if a.isEmpty || rng.below(3) == 0 { a.append(odd[rng.below(odd.count)]) } else {
                let i = rng.below(a.count)
                a[i] = mutate(a[i], &rng, depth: depth + 1)
            }
            return .array(a)
        default:
            return odd[rng.below(odd.count)]
        }
    }
}
