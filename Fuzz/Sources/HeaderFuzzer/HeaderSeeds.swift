import Crypto
import FolioCore
import Foundation
import FuzzSupport

/// The header target's seed corpus: signed headers of every bundle kind as an export writes them (signed with
/// a fixed key, so the seeds are the same on every run), headers with names that need escapes, and the
/// variants `CanonicalJSONTests` refuses.
enum HeaderSeeds {
    static func all() throws -> [(name: String, bytes: [UInt8])] {
        let identity = SigningIdentity(principal: "IT1",
                                       privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 7, count: 32)))
        let created = Instant(epochSeconds: 1_751_331_600)
        let entries = [
            BundleEntry(path: "school/events/" + String(repeating: "a", count: 64) + ".json", size: 812,
                        sha256: SHA256Hex.of(Array("a".utf8))),
            BundleEntry(path: "students/112001/files/I1/學習成果.pdf", size: 1234, sha256: String(repeating: "ab", count: 32)),
            BundleEntry(path: "students/112001/events/x.json", size: 0, sha256: String(repeating: "0F", count: 32)),
            BundleEntry(path: "students/112002/files/I2/big.bin", size: Int64.max, sha256: "not a hash"),
        ]
        var seeds: [(name: String, bytes: [UInt8])] = []
        for (n, kind) in BundleKind.allCases.enumerated() {
            let header = BundleHeader(kind: kind, school: "000001", sender: BundleParty(replica: "kiosk-\(n)", person: "IT1"),
                                      key: identity.publicKeyText,
                                      recipient: n % 2 == 0 ? BundleParty(replica: "hub") : BundleParty(),
                                      sequence: n, created: created.adding(seconds: Int64(n) * 86_400),
                                      scope: n % 3 == 0 ? [] : ["112001", "物理 PHY-11A"], holds: n % 2 == 0 ? [] : ["x"],
                                      entries: Array(entries.prefix(n)))
            seeds.append((name: "signed-" + kind.rawValue, bytes: try SignedBundleHeader.sign(header, with: identity).fileBytes()))
        }
        // Names a JSON string must escape, and signatures readCanonical leaves to JSONDecoder.
        let odd = BundleHeader(kind: .transfer, school: "000001", sender: BundleParty(replica: "hub", person: "R01"),
                               key: "a/b", recipient: BundleParty(replica: "他校"), sequence: 9_999, created: created,
                               scope: ["\"quoted\"", "tab\there"], holds: [],
                               entries: [BundleEntry(path: "students/1/files/I1/a\"b\\c\u{01}.txt", size: 3, sha256: "")])
        for signature in ["c2lnbmF0dXJl", "", "c2ln\\/bmF0", "c2ln bmF0"] {
            seeds.append((name: "odd", bytes: try SignedBundleHeader(header: odd, signature: signature).fileBytes()))
        }

        // CanonicalJSONTests.theCanonicalReaderTakesOnlyFolioOwnForm and aLargeHeaderIsComparedPieceByPiece.
        let h = BundleHeader(kind: .uploads, school: "000001", sender: BundleParty(replica: "kiosk-1", person: "IT1"),
                             key: "a/b", recipient: BundleParty(replica: "hub"), sequence: 3, created: created,
                             scope: ["112001"], holds: ["x"], entries: Array(entries.prefix(3)))
        let text = String(decoding: try SignedBundleHeader(header: h, signature: "c2lnbmF0dXJl").fileBytes(), as: UTF8.self)
        let createdText = "\"created\":\"\(created.description)\""
        let variants = [
            text.replacingOccurrences(of: "{\"header\":", with: "{ \"header\":"),
            text.replacingOccurrences(of: ",\"signature\":", with: ",\"extra\":1,\"signature\":"),
            text.replacingOccurrences(of: "\"size\":1234", with: "\"size\":01234"),
            text.replacingOccurrences(of: "\"size\":1234", with: "\"size\":1234.0"),
            text.replacingOccurrences(of: "\"kind\":\"uploads\"", with: "\"kind\":\"uploads\",\"more\":[]"),
            text.replacingOccurrences(of: createdText, with: #""created":"2025-07-01T09:00""#),
            text.replacingOccurrences(of: #""key":"a/b""#, with: #""key":"a\/b""#),
            text.replacingOccurrences(of: #""holds":["x"]"#, with: #""holds":[ "x"]"#),
            text.replacingOccurrences(of: #""format":"folio-bundle/1""#, with: #""format":"folio-bundle/2""#),
            String(text.dropLast(3)),
            // The ends of the years an instant is written in, spelled as the general reader also takes them.
            text.replacingOccurrences(of: createdText, with: #""created":"0001-01-01""#),
            text.replacingOccurrences(of: createdText, with: #""created":"9999-12-31T23:59-00:01""#),
            text.replacingOccurrences(of: createdText, with: #""created":"9999-12-31T23:59:59Z""#),
            "{}", "[]", "",
        ]
        seeds += variants.map { (name: "variant", bytes: Array($0.utf8)) }
        return seeds
    }
}
