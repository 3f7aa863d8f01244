import FolioTestSupport
import Foundation
import Testing

/// `folio verify` must find the workspace consistent.
func expectVerifies(_ ws: SampleCopy, _ when: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws {
    let r = try ws.folio(["verify"])
    #expect(r.succeeded && r.stdout.contains("all consistent"), "verify \(when): \(r)", sourceLocation: sourceLocation)
}

/// The command must succeed.
@discardableResult
func expectSuccess(_ r: FolioResult, sourceLocation: SourceLocation = #_sourceLocation) -> FolioResult {
    #expect(r.succeeded, "\(r)", sourceLocation: sourceLocation)
    return r
}

/// A refusal: exit code 1, `error:` and `hint:` lines on standard error, every one of `words` (which name the
/// rule) in the message, and not one byte of the workspace changed.
func expectRefused(_ r: FolioResult, naming words: [String], workspace ws: SampleCopy, unchangedFrom before: TreeSnapshot,
                   sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(!r.signalled && r.status == 1, "expected exit 1: \(r)", sourceLocation: sourceLocation)
    #expect(r.stderr.hasPrefix("error: ") || r.stderr.contains("\nerror: "), "no error line: \(r)", sourceLocation: sourceLocation)
    #expect(r.stderr.contains("\nhint: "), "no hint line: \(r)", sourceLocation: sourceLocation)
    for word in words {
        #expect(r.stderr.localizedCaseInsensitiveContains(word), "the message should name the rule (\(word)): \(r.stderr)",
                sourceLocation: sourceLocation)
    }
    let after = try ws.snapshot()
    #expect(after == before, "the refused command changed the workspace:\n\(after.differences(from: before))",
            sourceLocation: sourceLocation)
}

/// The parsed rows of a CSV file folio wrote: the UTF-8 BOM is checked and dropped; cells hold no commas or quotes here.
func csvRows(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String]] {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]), "\(path) should start with the UTF-8 BOM", sourceLocation: sourceLocation)
    let text = String(decoding: bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...], as: UTF8.self)
    return text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
}

extension Dictionary where Key == String, Value == Any {
    func string(_ key: String) -> String? { self[key] as? String }
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
}
