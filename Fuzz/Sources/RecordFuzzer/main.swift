import FolioCore
import Foundation
import FuzzSupport

// libFuzzer target for the readers of a record file: `CanonicalParser` (canonical JSON) and the path from a
// file's bytes to a stored signed record (`SignedEvent.readStored`, `readCanonical`, `readCanonicalUnchecked`),
// then the record's body decoded as the fold decodes it. Built with -parse-as-library: libFuzzer starts it.
//
// Besides "no crash, no hang", for every input:
//   1. what `CanonicalParser.parse` accepts re-encodes (`CanonicalJSON.serialize`) to exactly the input, and is
//      what `JSONDecoder` reads from it; what it refuses is not canonical JSON (or nests deeper than 64);
//   2. `parseSignedEvent` accepts exactly the canonical texts of shape {"event":…,"signature":"…"}, and the
//      range it returns holds the event's canonical bytes;
//   3. a record read by the fast path is the record `fileBytes()` writes as these very bytes, with the id and
//      signature verdict the general path (`JSONDecoder`) gives;
//   4. a record read at all (either path) writes a canonical file that reads back as the same record;
//   5. its body decodes through `decodeBody` (`JSONValueDecoder`) exactly as `JSONDecoder` decodes the body's
//      canonical text: both refuse, or both give the same value.
// A broken promise aborts, which libFuzzer records as a crash with the input.

/// `CanonicalParser`'s nesting limit: a value at this depth (the outermost value is at 0) is refused.
let maxDepth = 64

/// The depth of the deepest value in `v`, the outermost being at 0.
func deepest(_ v: JSONValue) -> Int {
    switch v {
    case .array(let a): return a.map { 1 + deepest($0) }.max() ?? 0
    case .object(let o): return o.values.map { 1 + deepest($0) }.max() ?? 0
    default: return 0
    }
}

func checkCanonicalParser(_ bytes: [UInt8]) -> JSONValue? {
    let strict = CanonicalParser.parse(bytes)
    let general = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    let generalCanonical = general.flatMap { CanonicalJSON.serialize($0) == bytes ? $0 : nil }
    if let strict {
        let again = CanonicalJSON.serialize(strict)
        if again != bytes {
            Fuzz.broken("what CanonicalParser accepts re-encodes to the same bytes",
                        "input:   \(Fuzz.show(bytes))\nwritten: \(Fuzz.show(again))")
        }
        if generalCanonical != strict {
            Fuzz.broken("CanonicalParser reads a canonical text as JSONDecoder does",
                        "input: \(Fuzz.show(bytes))\nparser: \(strict)\nJSONDecoder: \(String(describing: general))")
        }
    } else if let generalCanonical, deepest(generalCanonical) < maxDepth {
        Fuzz.broken("CanonicalParser refuses only what is not canonical (or nests too deep)",
                    "input: \(Fuzz.show(bytes))\nJSONDecoder: \(generalCanonical)")
    }
    return strict
}

func checkSignedShape(_ bytes: [UInt8], parsed: JSONValue?) {
    let signed = CanonicalParser.parseSignedEvent(bytes)
    var shaped = false
    if case .object(let o)? = parsed, o.count == 2, o["event"] != nil, case .string? = o["signature"] { shaped = true }
    guard let (event, range, signature) = signed else {
        if shaped { Fuzz.broken("parseSignedEvent reads every canonical {event, signature} text", Fuzz.show(bytes)) }
        return
    }
    if !shaped || parsed != .object(["event": event, "signature": .string(signature)]) {
        Fuzz.broken("parseSignedEvent accepts only canonical {event, signature} texts, read as parse reads them",
                    "input: \(Fuzz.show(bytes))\nparse: \(String(describing: parsed))")
    }
    if CanonicalJSON.serialize(event) != Array(bytes[range]) {
        Fuzz.broken("parseSignedEvent's range holds the event's canonical bytes", Fuzz.show(bytes))
    }
}

func checkRecord(_ bytes: [UInt8]) {
    let fast = SignedEvent.readCanonical(bytes)
    let unchecked = SignedEvent.readCanonicalUnchecked(bytes)
    let stored = SignedEvent.readStored(bytes)
    if (fast == nil) != (unchecked == nil) {
        Fuzz.broken("readCanonical and readCanonicalUnchecked accept the same files", Fuzz.show(bytes))
    }
    if let fast, let unchecked {
        if fast.id != unchecked.id || fast.signed != unchecked.signed || !fast.fileIsCanonical {
            Fuzz.broken("readCanonical and readCanonicalUnchecked read the same record", Fuzz.show(bytes))
        }
        if (try? fast.signed.fileBytes()) != bytes {
            Fuzz.broken("a record read by the fast path is exactly its canonical file", Fuzz.show(bytes))
        }
        if fast.id != SHA256Hex.of(Array(bytes[unchecked.canonical])) || (try? fast.signed.id()) != fast.id {
            Fuzz.broken("the fast path's id is the SHA-256 of the event's canonical bytes", Fuzz.show(bytes))
        }
        // The general path, as it was before the fast one existed, reads the same record.
        let general = (try? SignedEvent.parse(bytes)).flatMap { try? StoredEvent($0) }
        if general != fast {
            Fuzz.broken("the fast and the general path read a canonical record alike",
                        "input: \(Fuzz.show(bytes))\nfast: \(fast)\ngeneral: \(String(describing: general))")
        }
        if stored != fast { Fuzz.broken("readStored takes the fast path's record", Fuzz.show(bytes)) }
    }
    guard let stored else { return }
    // Whatever path read it, the record's own canonical file (what a bundle carries) reads back as itself.
    guard let file = try? stored.signed.fileBytes() else {
        Fuzz.broken("a record that was read can be written", Fuzz.show(bytes))
    }
    if SignedEvent.readStored(file) != stored {
        Fuzz.broken("a record's canonical file reads back as the same record",
                    "input: \(Fuzz.show(bytes))\nfile:  \(Fuzz.show(file))")
    }
    checkBody(stored.event, bytes)
}

/// The body decoded through `decodeBody` (the fold's way) and through `JSONDecoder` from its canonical text.
func checkBody(_ event: Event, _ input: [UInt8]) {
    func same<T: Codable>(_ type: T.Type) {
        let fast = try? event.decodeBody(T.self)
        let general = try? JSONDecoder().decode(T.self, from: Data(CanonicalJSON.serialize(event.body)))
        let agree: Bool
        switch (fast, general) {
        case (nil, nil): agree = true
        case (let f?, let g?): agree = (try? CanonicalJSON.encode(f)) == (try? CanonicalJSON.encode(g))
        default: agree = false
        }
        if !agree {
            Fuzz.broken("a \(event.kind.rawValue) body decodes as JSONDecoder decodes its canonical text (\(T.self))",
                        "input: \(Fuzz.show(input))\ndecodeBody: \(String(describing: fast))\nJSONDecoder: \(String(describing: general))")
        }
    }
    switch event.kind {
    case .schoolCreated: same(SchoolCreated.self)
    case .staffSet: same(Principal.self)
    case .staffAvailability: same(Availability.self)
    case .keyRevoked: same(KeyRevoked.self)
    case .dutyTable: same(DutyTable.self)
    case .calendarTerm: same(CalendarTerm.self)
    case .settings: same(Settings.self)
    case .courseSet: same(Course.self)
    case .activityRecorded: same(ActivityRecorded.self)
    case .studentSet: same(StudentRecord.self)
    case .itemUploaded: same(ItemUploaded.self)
    case .itemCertified, .itemRejected: same(ItemDecision.self)
    case .itemSelected, .itemUnselected: same(ItemSelection.self)
    case .recordAdded: same(RecordAdded.self)
    case .submissionMade: same(SubmissionMade.self)
    case .receiptIssued: same(Receipt.self)
    case .confirmationOpened: same(ConfirmationOpened.self)
    case .confirmationClosed: same(ConfirmationClosed.self)
    case .receiptConfirmed, .receiptDisputed: same(ReceiptAnswer.self)
    case .disputeAnswered: same(DisputeAnswered.self)
    case .studentGraduated: same(StudentGraduated.self)
    case .archiveSealed: same(ArchiveSealed.self)
    case .archivePurged: same(ArchivePurged.self)
    case .studentTransferredIn: same(TransferredIn.self)
    case .rootReplaced: same(RootReplaced.self)
    case .studentKeySet: same(StudentKey.self)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Fuzz.bytes(data, size)
    let parsed = checkCanonicalParser(bytes)
    checkSignedShape(bytes, parsed: parsed)
    checkRecord(bytes)
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<Int32>?,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> Int32 {
    Fuzz.writeSeeds(RecordSeeds.all)
    return 0
}

@_cdecl("RecordFuzzer_main")
public func recordFuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    Fuzz.run(argc, argv) { data, size in fuzzerTestOneInput(data, size) }
}
