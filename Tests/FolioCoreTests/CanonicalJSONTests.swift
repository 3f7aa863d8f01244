import FolioCore
import FolioTestSupport
import Foundation
import Testing

@Suite struct CanonicalJSONTests {
    @Test func keysAreSortedByUTF8BytesWithoutWhitespace() throws {
        // "Z" (0x5A) sorts before "a" (0x61) and "é" (0xC3 0xA9) after both, byte-wise.
        let value = JSONValue.object(["a": .int(1), "é": .bool(true), "Z": .array([.null, .string("x")])])
        let text = String(decoding: CanonicalJSON.serialize(value), as: UTF8.self)
        #expect(text == #"{"Z":[null,"x"],"a":1,"é":true}"#)
    }

    @Test func stringsEscapeOnlyWhatJSONRequires() {
        let text = String(decoding: CanonicalJSON.serialize(.string("a\"b\\c\nd\u{01}/中")), as: UTF8.self)
        #expect(text == #""a\"b\\c\nd\u0001/中""#)
    }

    @Test func encodingIsIndependentOfInputKeyOrder() throws {
        struct A: Codable { var b = 2; var a = "x" }
        struct B: Codable { var a = "x"; var b = 2 }
        #expect(try CanonicalJSON.encode(A()) == CanonicalJSON.encode(B()))
    }

    @Test func fractionalNumbersAreRefused() {
        #expect(throws: (any Error).self) { try JSONDecoder().decode(JSONValue.self, from: Data("1.5".utf8)) }
    }
}

@Suite struct EventSigningTests {
    @Test func eventIDIsSHA256OfCanonicalBytesAndSignatureVerifies() throws {
        let f = SchoolFixture()
        let stored = f.schoolEvents[0]
        let bytes = try stored.event.canonicalBytes()
        // Independent hash: CryptoKit-free check through the shell's sha256sum.
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("ev-\(UUID().uuidString)")
        try Data(bytes).write(to: tmp)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        p.arguments = [tmp.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        p.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(out.hasPrefix(stored.id))
        #expect(stored.signed.signatureIsValid)
    }

    @Test func changingAnyFieldBreaksTheSignature() throws {
        let f = SchoolFixture()
        var signed = f.schoolEvents[0].signed
        signed.event.at = signed.event.at.adding(seconds: 1)
        #expect(!signed.signatureIsValid)
        var other = f.schoolEvents[0].signed
        other.event.body = .object(["code": .string("999902")])
        #expect(!other.signatureIsValid)
    }

    @Test func storedFileRoundTripsToTheSameID() throws {
        let f = SchoolFixture()
        let bytes = try f.schoolEvents[0].signed.fileBytes()
        let parsed = try SignedEvent.parse(bytes)
        #expect(try parsed.id() == f.schoolEvents[0].id)
        #expect(try parsed.fileBytes() == bytes)
    }
}

@Suite struct TimeTests {
    @Test func instantsParseTaiwanTimeAndPrintUTC() {
        #expect(Instant(iso: "2024-09-10T09:30")?.description == "2024-09-10T01:30:00Z")
        #expect(Instant(iso: "2024-09-10T01:30:00Z")?.taipeiText == "2024-09-10 09:30")
        #expect(Instant(iso: "2024-09-10T00:30:00+08:00")?.taipeiDay == CivilDate(iso: "2024-09-10"))
        // 23:30 UTC is already the next day in Taiwan.
        #expect(Instant(iso: "2024-09-10T23:30:00Z")?.taipeiDay == CivilDate(iso: "2024-09-11"))
        #expect(Instant(iso: "2024-13-10") == nil)
        #expect(Instant(iso: "2024-09-10T25:00") == nil)
    }

    @Test func termsAndAcademicYearsFollowTheROCCalendar() {
        #expect(AcademicYear(containing: CivilDate(iso: "2024-08-01")!).value == 113)
        #expect(AcademicYear(containing: CivilDate(iso: "2025-07-31")!).value == 113)
        #expect(Term(containing: CivilDate(iso: "2025-01-15")!) == Term("113-1"))
        #expect(Term(containing: CivilDate(iso: "2025-02-15")!) == Term("113-2"))
        #expect(Term("113-3") == nil)
        #expect(Term("113-2")!.next == Term("114-1"))
        #expect(CivilDate(iso: "2024-02-29")!.adding(years: 5) == CivilDate(iso: "2029-02-28"))
        #expect(CivilDate(iso: "2024-02-28")!.adding(days: 2) == CivilDate(iso: "2024-03-01"))
    }
}

/// A bundle header's canonical bytes are written by hand (a whole-school header lists ~100,000 entries);
/// they must equal what the general encoder gives, or no bundle id or signature would match across versions.
@Suite struct BundleHeaderEncodingTests {
    static let alphabet: [String] = ["a", "Z", "0", "-", "/", "\"", "\\", "\n", "\u{01}", "\u{1F}", "é", "學", "😀", " "]

    func text(_ rng: inout SplitMix64, max: Int) -> String {
        (0..<rng.below(max + 1)).map { _ in Self.alphabet[rng.below(Self.alphabet.count)] }.joined()
    }

    func header(_ rng: inout SplitMix64) -> BundleHeader {
        let entries = (0..<rng.below(40)).map { _ in
            BundleEntry(path: "students/\(text(&rng, max: 6))/files/\(text(&rng, max: 12))",
                        size: Int64(rng.below(3)) == 0 ? Int64(rng.next() >> 2) : Int64(rng.below(10_000)),
                        sha256: String(repeating: "0123456789abcdef", count: 4).shuffled(using: &rng).map(String.init).joined())
        }
        return BundleHeader(kind: BundleKind.allCases[rng.below(BundleKind.allCases.count)], school: text(&rng, max: 6),
                            sender: BundleParty(replica: rng.below(2) == 0 ? nil : text(&rng, max: 8), person: text(&rng, max: 4)),
                            key: text(&rng, max: 44), recipient: BundleParty(person: rng.below(2) == 0 ? nil : text(&rng, max: 4)),
                            sequence: rng.below(100_000), created: Instant(epochSeconds: Int64(rng.below(2_000_000_000))),
                            scope: (0..<rng.below(4)).map { _ in text(&rng, max: 10) },
                            holds: (0..<rng.below(3)).map { _ in text(&rng, max: 64) }, entries: entries)
    }

    @Test func handWrittenBytesEqualTheGeneralEncoder() throws {
        var rng = SplitMix64(seed: 0xB0DE)
        for _ in 0..<500 {
            let h = header(&rng)
            #expect(try h.canonicalBytes() == CanonicalJSON.encode(h))
            let signed = SignedBundleHeader(header: h, signature: text(&rng, max: 88))
            #expect(try signed.fileBytes() == CanonicalJSON.encode(signed))
        }
    }

    /// The reader for folio's own `bundle.json` (used by import for a whole school's header) decodes what
    /// `JSONDecoder` decodes, and the range it returns is exactly the header's canonical JSON, the bytes
    /// its signature and id are computed over. Names with quotes, backslashes or control characters are
    /// escaped in the file; the reader leaves those to `JSONDecoder` (nil), and takes every other header.
    @Test func theCanonicalReaderAgreesWithJSONDecoder() throws {
        var rng = SplitMix64(seed: 0xFA57)
        let base64 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
        var taken = 0
        for _ in 0..<500 {
            var h = header(&rng)
            if rng.below(2) == 0 {   // half of them with names as a school's are, with nothing to escape
                h.entries = h.entries.map { e in
                    BundleEntry(path: String(e.path.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\"" && $0 != "\\" }),
                                size: e.size, sha256: e.sha256)
                }
            }
            let signature = String((0..<88).map { _ in base64[rng.below(base64.count)] })
            let bytes = try SignedBundleHeader(header: h, signature: signature).fileBytes()
            let decoded = try JSONDecoder().decode(SignedBundleHeader.self, from: Data(bytes))
            let escaped = h.entries.contains { e in e.path.utf8.contains { $0 == 34 || $0 == 92 || $0 < 0x20 } }
            guard let (read, range) = SignedBundleHeader.readCanonical(bytes) else {
                #expect(escaped, "a header without escapes in its entries was not read")
                continue
            }
            taken += 1
            #expect(read == decoded)
            #expect(Array(bytes[range]) == (try h.canonicalBytes()))
        }
        #expect(taken >= 250)
    }

    /// Only folio's own form is read: other spacing, an unknown key (which only the write-back catches), a
    /// size spelled otherwise or a cut file are nil, left to `JSONDecoder` and the signature check.
    @Test func theCanonicalReaderTakesOnlyFolioOwnForm() throws {
        let h = BundleHeader(kind: .uploads, school: "000001", sender: BundleParty(replica: "kiosk-1", person: "IT1"),
                             key: "k", recipient: BundleParty(replica: "hub"), sequence: 3,
                             created: Instant(epochSeconds: 1_751_331_600), scope: ["112001"], holds: [],
                             entries: [BundleEntry(path: "students/112001/files/I1/學習成果.pdf", size: 1234,
                                                   sha256: String(repeating: "ab", count: 32)),
                                       BundleEntry(path: "students/112001/events/x.json", size: 0,
                                                   sha256: String(repeating: "0F", count: 32))])
        let bytes = try SignedBundleHeader(header: h, signature: "c2lnbmF0dXJl").fileBytes()
        let read = try #require(SignedBundleHeader.readCanonical(bytes))
        #expect(read.signed.header == h && read.signed.signature == "c2lnbmF0dXJl")
        #expect(read.signed.header.entries[1].sha256 == String(repeating: "0F", count: 32))
        let text = String(decoding: bytes, as: UTF8.self)
        for variant in [text.replacingOccurrences(of: "{\"header\":", with: "{ \"header\":"),
                        text.replacingOccurrences(of: ",\"signature\":", with: ",\"extra\":1,\"signature\":"),
                        text.replacingOccurrences(of: "\"size\":1234", with: "\"size\":01234"),
                        text.replacingOccurrences(of: "\"size\":1234", with: "\"size\":1234.0"),
                        text.replacingOccurrences(of: "\"kind\":\"uploads\"", with: "\"kind\":\"uploads\",\"more\":[]"),
                        String(text.dropLast(3))] {
            #expect(variant != text)
            #expect(SignedBundleHeader.readCanonical(Array(variant.utf8)) == nil, "read: \(variant)")
        }
    }

    /// A header past 1 MB is written back and compared in several pieces: it is still read, and a difference
    /// in the first piece, in the last, or in the length still makes it nil.
    @Test func aLargeHeaderIsComparedPieceByPiece() throws {
        let entries = (0..<20_000).map { n in
            BundleEntry(path: "students/\(112_000 + n / 10)/files/I\(n)/學習成果 \(n).pdf", size: Int64(n * 1_000),
                        sha256: SHA256Hex.of(Array("\(n)".utf8)))
        }
        let h = BundleHeader(kind: .uploads, school: "000001", sender: BundleParty(replica: "kiosk-1", person: "IT1"),
                             key: "a/b", recipient: BundleParty(replica: "hub"), sequence: 3,
                             created: Instant(epochSeconds: 1_751_331_600), scope: ["2000 students"], holds: ["x"],
                             entries: entries)
        let bytes = try SignedBundleHeader(header: h, signature: "c2lnbmF0dXJl").fileBytes()
        #expect(bytes.count > 2 << 20)   // three pieces at least
        let read = try #require(SignedBundleHeader.readCanonical(bytes))
        #expect(read.signed.header == h)
        #expect(Array(bytes[read.header]) == (try h.canonicalBytes()))
        let text = String(decoding: bytes, as: UTF8.self)
        let created = "\"created\":\"\(h.created.description)\""
        #expect(text.contains(created) && text.contains(#""key":"a/b""#) && text.contains(#""holds":["x"]"#))
        // The same header in JSON's eyes, spelled otherwise: Taiwan time, an escaped slash, a space.
        for variant in [text.replacingOccurrences(of: created, with: #""created":"2025-07-01T09:00""#),
                        text.replacingOccurrences(of: #""key":"a/b""#, with: #""key":"a\/b""#),
                        text.replacingOccurrences(of: #""holds":["x"]"#, with: #""holds":[ "x"]"#)] {
            #expect(variant != text)
            #expect(try JSONDecoder().decode(SignedBundleHeader.self, from: Data(variant.utf8)).header == h)
            #expect(SignedBundleHeader.readCanonical(Array(variant.utf8)) == nil)
        }
        for signature in ["", "c2ln\\/bmF0", "c2ln bmF0"] {
            let odd = try SignedBundleHeader(header: h, signature: signature).fileBytes()
            #expect(SignedBundleHeader.readCanonical(odd) == nil, "signature \(signature)")
        }
    }

    /// A header's SHA-256 is kept as 32 bytes when it can be, and always reads back as written.
    @Test func anEntryHashReadsBackAsWritten() throws {
        let texts = [String(repeating: "0123456789abcdef", count: 4), String(repeating: "f", count: 64),
                     String(repeating: "A", count: 64), String(repeating: "a", count: 63), String(repeating: "a", count: 65),
                     "", "not a hash", String(repeating: "0", count: 64)]
        for t in texts {
            let e = BundleEntry(path: "p", size: 1, sha256: t)
            #expect(e.sha256 == t)
            #expect(try JSONDecoder().decode(BundleEntry.self, from: JSONEncoder().encode(e)) == e)
            for u in texts where u != t { #expect(BundleEntry(path: "p", size: 1, sha256: u) != e) }
        }
    }

    @Test func anEmptyEntryListIsWrittenAsAnEmptyArray() throws {
        var rng = SplitMix64(seed: 7)
        var h = header(&rng)
        h.entries = []
        let text = String(decoding: try h.canonicalBytes(), as: UTF8.self)
        #expect(text.contains(#""entries":[]"#))
        #expect(try h.canonicalBytes() == CanonicalJSON.encode(h))
    }
}
