import FolioCore
import FolioTestSupport
import Foundation
import Testing

/// Inputs the fuzz targets (`Scripts/fuzz`, Docs/fuzzing.md) flagged, kept as ordinary tests: each is now
/// refused, or read the one way the readers promise.
@Suite struct FuzzRegressionTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    /// é as e + combining acute (NFD) and as one code point (NFC): different bytes, one `String` to Swift.
    static let decomposed: [UInt8] = [0x65, 0xCC, 0x81]
    static let precomposed: [UInt8] = [0xC3, 0xA9]

    static func replacing(_ old: [UInt8], with new: [UInt8], in bytes: [UInt8]) -> [UInt8] {
        guard let start = (0...(bytes.count - old.count)).first(where: { bytes[$0..<($0 + old.count)].elementsEqual(old) }) else {
            Issue.record("\(String(decoding: old, as: UTF8.self)) not found")
            return bytes
        }
        return Array(bytes[..<start]) + new + Array(bytes[(start + old.count)...])
    }

    // MARK: canonical JSON

    /// Keys in rising byte order that are one `String` were read as one member: the parser accepted a text
    /// that no canonical encoding writes, and a record signed over it kept only one of the two values.
    @Test func keysThatAreOneStringInTwoSpellingsAreRefused() {
        let text = Self.bytes("{\"") + Self.decomposed + Self.bytes("\":1,\"") + Self.precomposed + Self.bytes("\":2}")
        #expect(CanonicalParser.parse(text) == nil)
        // Keys that only share a prefix, and the two spellings as values, are still read and written back as they are.
        let near = Self.bytes("{\"e\":1,\"") + Self.precomposed + Self.bytes("\":2}")
        #expect(CanonicalParser.parse(near).map(CanonicalJSON.serialize) == near)
        let values = Self.bytes("[\"") + Self.decomposed + Self.bytes("\",\"") + Self.precomposed + Self.bytes("\"]")
        #expect(CanonicalParser.parse(values).map(CanonicalJSON.serialize) == values)
    }

    @Test func aRecordSignedOverTwoSpellingsOfOneKeyIsNotReadAsValid() throws {
        let identity = SchoolFixture.studentIdentity("112001")
        let event = Event(kind: .itemSelected, school: "000001", author: "112001", key: identity.publicKeyText,
                          at: Instant(iso: "2025-01-08T13:00")!, student: "112001", body: .object(["x": .int(1)]))
        let body = Self.bytes("{\"") + Self.decomposed + Self.bytes("\":1,\"") + Self.precomposed + Self.bytes("\":2}")
        let signedBytes = Self.replacing(Self.bytes(#"{"x":1}"#), with: body, in: try event.canonicalBytes())
        let file = Self.bytes("{\"event\":") + signedBytes + Self.bytes(",\"signature\":\"")
            + Self.bytes(try identity.sign(signedBytes)) + Self.bytes("\"}")
        #expect(CanonicalParser.parseSignedEvent(file) == nil)
        #expect(SignedEvent.readCanonical(file) == nil)
        // The general reader keeps one member; the record it holds is not the one signed, nor the file's.
        if let stored = SignedEvent.readStored(file) {
            #expect(!stored.signatureIsValid)
            #expect(try stored.signed.fileBytes() != file)
            #expect(stored.id != SHA256Hex.of(signedBytes))
        }
    }

    // MARK: instants at the ends of the years

    /// A day or a local time at the very start of year 1 (or end of year 9999) was read, but lay outside those
    /// years in UTC: its stored form (`0000-12-31T16:00:00Z`) could not be read back.
    @Test(arguments: ["0001-01-01", "0001-01-01T07:59", "0001-01-01T00:00+08:01", "0001-01-01T00:00:00+00:01",
                      "9999-12-31T23:59-00:01", "9999-12-31T23:59:59-08:00"])
    func anInstantOutsideTheWrittenYearsIsRefused(_ text: String) {
        #expect(Instant(iso: text) == nil)
    }

    @Test(arguments: ["0001-01-01T08:00", "0001-01-01T00:00:00Z", "0001-01-01T00:00+00:00", "9999-12-31T23:59:59Z",
                      "9999-12-31T23:59+00:00", "2025-07-01"])
    func anInstantAtTheEndsOfTheWrittenYearsIsReadAndReadsBack(_ text: String) throws {
        let instant = try #require(Instant(iso: text))
        #expect(Instant(iso: instant.description) == instant)
    }

    @Test func aRecordDatedBeforeYearOneInUTCIsNotRead() throws {
        let f = SchoolFixture.standard()
        let stored = f.schoolEvents[1]
        let at = Self.bytes("\"at\":\"\(stored.event.at.description)\"")
        let file = try stored.signed.fileBytes()
        #expect(SignedEvent.readStored(Self.replacing(at, with: Self.bytes(#""at":"0001-01-01""#), in: file)) == nil)
        // The first moment of year 1, in Taiwan time: read, and its canonical file reads back as the same record.
        let first = try #require(SignedEvent.readStored(Self.replacing(at, with: Self.bytes(#""at":"0001-01-01T08:00""#), in: file)))
        #expect(first.event.at.description == "0001-01-01T00:00:00Z")
        #expect(SignedEvent.readStored(try first.signed.fileBytes()) == first)
    }

    @Test func aBundleHeaderCreatedBeforeYearOneInUTCIsNotRead() throws {
        let header = BundleHeader(kind: .uploads, school: "000001", sender: BundleParty(replica: "kiosk-1", person: "IT1"),
                                  key: "k", recipient: BundleParty(replica: "hub"), sequence: 3,
                                  created: Instant(epochSeconds: 1_751_331_600), scope: [], holds: [], entries: [])
        let file = try SignedBundleHeader(header: header, signature: "c2ln").fileBytes()
        let created = Self.bytes("\"created\":\"\(header.created.description)\"")
        let early = Self.replacing(created, with: Self.bytes(#""created":"0001-01-01""#), in: file)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SignedBundleHeader.self, from: Data(early)) }
        let late = Self.replacing(created, with: Self.bytes(#""created":"9999-12-31T23:59:59Z""#), in: file)
        let read = try JSONDecoder().decode(SignedBundleHeader.self, from: Data(late))
        #expect(try JSONDecoder().decode(SignedBundleHeader.self, from: Data(read.fileBytes())) == read)
    }

    // MARK: bundle headers

    /// A negative size is never written by folio: the header's own reader leaves it to `JSONDecoder`, which
    /// reads it as it is (the import then finds no file of that size). It must never come back positive.
    @Test func aNegativeEntrySizeIsLeftToTheGeneralReader() throws {
        func header(size: Int64) -> SignedBundleHeader {
            SignedBundleHeader(header: BundleHeader(
                kind: .uploads, school: "000001", sender: BundleParty(replica: "kiosk-1", person: "IT1"), key: "k",
                recipient: BundleParty(replica: "hub"), sequence: 3, created: Instant(epochSeconds: 1_751_331_600),
                scope: [], holds: [], entries: [BundleEntry(path: "students/112001/files/I1/a.pdf", size: size,
                                                            sha256: String(repeating: "ab", count: 32))]),
                signature: "c2lnbmF0dXJl")
        }
        let negative = try header(size: -12).fileBytes()
        #expect(SignedBundleHeader.readCanonical(negative) == nil)
        #expect(try JSONDecoder().decode(SignedBundleHeader.self, from: Data(negative)).header.entries[0].size == -12)
        let positive = try #require(SignedBundleHeader.readCanonical(try header(size: 12).fileBytes()))
        #expect(positive.signed == header(size: 12))
    }
}
