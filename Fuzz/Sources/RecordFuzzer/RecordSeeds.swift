import FolioCore
import Foundation
import FuzzSupport

/// The record target's seed corpus: every JSON file of the sample school (its records first), the texts
/// `CanonicalParserTests` refuses, and records changed the ways those tests change them.
enum RecordSeeds {
    static func all() throws -> [(name: String, bytes: [UInt8])] {
        let samples = Fuzz.samples { $0.hasSuffix(".json") }
        var seeds = samples.map { (name: "sample-" + ($0.name as NSString).lastPathComponent, bytes: $0.bytes) }
        let text = { (s: String) in Array(s.utf8) }

        // Refused by CanonicalParserTests.refusesNonCanonicalText and its neighbours.
        let refused = [
            #"{"b":1,"a":2}"#, #"{"a":1,"a":1}"#, "[1, 2]", " 1", "01", "-0", "1.0", "1e2", "+1",
            "9223372036854775808", "-9223372036854775809", #""\u0041""#, #""\/""#, #""\u000a""#, #""\u001F""#,
            #""\b""#, #""\f""#, "tru", "nul", "[1,]", #"{"a":}"#, "{,}", "[", #""abc"#,
        ]
        seeds += refused.map { (name: "refused", bytes: text($0)) }
        seeds += [
            (name: "bad-utf8", bytes: [34, 0xFF, 34]), (name: "cut-utf8", bytes: [34, 0xC3, 34]),
            (name: "raw-lf", bytes: [34, 0x0A, 34]), (name: "escaped-ff", bytes: text(#""\u00ff""#)),
            (name: "escaped-1f", bytes: text(#""\u001f""#)),
            (name: "deep-100", bytes: text(String(repeating: "[", count: 100) + String(repeating: "]", count: 100))),
            (name: "deep-64", bytes: text(String(repeating: "[", count: 64) + String(repeating: "]", count: 64))),
            (name: "deep-65", bytes: text(String(repeating: "[", count: 65) + String(repeating: "]", count: 65))),
            (name: "ints", bytes: text("[0,-1,9223372036854775807,-9223372036854775808,1234567]")),
            (name: "escapes", bytes: text(#"{"\t":"\"\\\n\r\u0001","a":[true,false,null],"é":"中😀"}"#)),
        ]

        // Records changed as CanonicalParserTests changes them: white space, an unknown field, a null optional,
        // another record's signature, a cut file.
        let records = samples.filter { $0.name.contains("events/") }.map(\.bytes)
        for (n, record) in records.prefix(12).enumerated() {
            let s = String(decoding: record, as: UTF8.self)
            var spaced = record
            spaced.insert(32, at: 1)
            seeds.append((name: "spaced", bytes: spaced))
            seeds.append((name: "unknown-field", bytes: text(s.replacingOccurrences(of: "},\"signature\"", with: ",\"zzz\":1},\"signature\""))))
            seeds.append((name: "null-optional", bytes: text(s.replacingOccurrences(of: "\"school\":", with: "\"onBehalfOf\":null,\"school\":"))))
            seeds.append((name: "cut", bytes: Array(record.dropLast(n + 1))))
            if n > 0, let other = records.first,
               let theirs = String(decoding: other, as: UTF8.self).range(of: ",\"signature\":"),
               let ours = s.range(of: ",\"signature\":") {
                let forged = String(s[..<ours.lowerBound]) + String(String(decoding: other, as: UTF8.self)[theirs.lowerBound...])
                seeds.append((name: "forged-signature", bytes: text(forged)))
            }
        }
        // Boundaries of the formats: keys and values that are different bytes but the same text to Swift
        // (é decomposed and precomposed), and record instants at the ends of the years folio writes, in the
        // other spellings the general reader takes (a date alone, Taiwan time, an offset).
        let decomposed: [UInt8] = [0x65, 0xCC, 0x81], precomposed: [UInt8] = [0xC3, 0xA9]
        seeds += [
            (name: "nfd-nfc-keys", bytes: text("{\"") + decomposed + text("\":1,\"") + precomposed + text("\":2}")),
            (name: "nfd-nfc-values", bytes: text("[\"") + decomposed + text("\",\"") + precomposed + text("\"]")),
        ]
        let instants = ["0001-01-01T00:00:00Z", "0001-01-01T00:00+08:01", "0001-01-01", "9999-12-31T23:59:59Z",
                        "9999-12-31T23:59-00:01", "2025-07-01T09:00", "2025-07-01T09:00:00+08:00"]
        let first = String(decoding: records.first ?? [], as: UTF8.self)
        if let at = first.range(of: #""at":"[^"]*""#, options: .regularExpression) {
            for instant in instants {
                seeds.append((name: "instant", bytes: text(first.replacingCharacters(in: at, with: "\"at\":\"\(instant)\""))))
            }
        }
        return seeds
    }
}
