import Foundation

/// One change to a workspace: who made it, when they say they made it, about whom, and what.
/// Events are immutable; the id is the SHA-256 of the event's canonical JSON, and the signature is
/// Ed25519 over those same bytes.
public struct Event: Codable, Hashable, Sendable {
    /// Format version of the envelope.
    public var v: Int
    public var kind: EventKind
    /// The school's code (學校代碼): an event from another school is refused.
    public var school: String
    /// The principal (staff member, device or student) that signed the event.
    public var author: String
    /// The author's public key (base64), so the event can be checked on its own.
    public var key: String
    /// Set when a delegate (代理人) acts for an unavailable colleague.
    public var onBehalfOf: String?
    public var at: Instant
    /// The student number for events about one student; nil for school-wide events.
    public var student: String?
    public var body: JSONValue

    public init(kind: EventKind, school: String, author: String, key: String, onBehalfOf: String? = nil,
                at: Instant, student: String? = nil, body: JSONValue) {
        self.v = 1
        self.kind = kind
        self.school = school
        self.author = author
        self.key = key
        self.onBehalfOf = onBehalfOf
        self.at = at
        self.student = student
        self.body = body
    }

    /// The canonical JSON of the event. Built directly rather than through `JSONEncoder` (records are encoded
    /// by the thousand); `CanonicalParserTests` checks it gives the same bytes as `CanonicalJSON.encode`.
    public func canonicalBytes() throws -> [UInt8] { CanonicalJSON.serialize(canonicalValue) }

    /// The event as a JSON value, with the same fields `Codable` writes (an absent optional is left out).
    public var canonicalValue: JSONValue {
        var o: [String: JSONValue] = ["v": .int(Int64(v)), "kind": .string(kind.rawValue), "school": .string(school),
                                      "author": .string(author), "key": .string(key), "at": .string(at.description),
                                      "body": body]
        if let onBehalfOf { o["onBehalfOf"] = .string(onBehalfOf) }
        if let student { o["student"] = .string(student) }
        return .object(o)
    }

    public func decodeBody<T: Decodable>(_ type: T.Type) throws -> T {
        // Uploads are most of a school's records; see `ItemUploaded.init(plain:)`.
        if T.self == ItemUploaded.self, let upload = ItemUploaded(plain: body) { return upload as! T }
        return try CanonicalJSON.fromValue(T.self, body)
    }
}

/// The kinds of event folio version 1 knows. Unknown kinds are refused rather than ignored, so that a
/// newer replica's events are never silently dropped by an older one.
public enum EventKind: String, Codable, Sendable, CaseIterable {
    case schoolCreated = "school.created"
    case staffSet = "staff.set"
    case staffAvailability = "staff.availability"
    case keyRevoked = "key.revoked"
    case dutyTable = "duty.table"
    case calendarTerm = "calendar.term"
    case settings = "settings"
    case courseSet = "course.set"
    case activityRecorded = "activity.recorded"
    case studentSet = "student.set"
    case itemUploaded = "item.uploaded"
    case itemCertified = "item.certified"
    case itemRejected = "item.rejected"
    case itemSelected = "item.selected"
    case itemUnselected = "item.unselected"
    case recordAdded = "record.added"
    // Submission and receipts (收訖明細). New kinds go last: a kind's rank is its position.
    case submissionMade = "submission.made"
    case receiptIssued = "receipt.issued"
    case confirmationOpened = "confirmation.opened"
    case confirmationClosed = "confirmation.closed"
    case receiptConfirmed = "receipt.confirmed"
    case receiptDisputed = "receipt.disputed"
    case disputeAnswered = "dispute.answered"
    // Graduates and sealed archives.
    case studentGraduated = "student.graduated"
    case archiveSealed = "archive.sealed"
    case archivePurged = "archive.purged"
    case studentTransferredIn = "student.transferred-in"
    // Trust.
    case rootReplaced = "root.replaced"
    case studentKeySet = "student.key"
    case studentPersonal = "student.personal"

    /// Position within one second; see `StoredEvent.foldOrder`.
    public var rank: Int { EventKind.allCases.firstIndex(of: self)! }

    public var isSchoolWide: Bool {
        switch self {
        case .schoolCreated, .staffSet, .staffAvailability, .keyRevoked, .dutyTable, .calendarTerm, .settings,
             .courseSet, .activityRecorded, .submissionMade, .confirmationOpened, .confirmationClosed, .archiveSealed,
             .archivePurged, .rootReplaced:
            return true
        default:
            return false
        }
    }
}

/// An event with its signature, as stored in `events/<id>.json`.
public struct SignedEvent: Codable, Hashable, Sendable {
    public var event: Event
    public var signature: String

    public init(event: Event, signature: String) {
        self.event = event
        self.signature = signature
    }

    public static func sign(_ event: Event, with identity: SigningIdentity) throws -> SignedEvent {
        SignedEvent(event: event, signature: try identity.sign(try event.canonicalBytes()))
    }

    /// The event id: lower-case hex SHA-256 of the event's canonical JSON (without the signature).
    public func id() throws -> String { SHA256Hex.of(try event.canonicalBytes()) }

    public var signatureIsValid: Bool {
        guard let bytes = try? event.canonicalBytes() else { return false }
        return SignatureCheck.isValid(signature: signature, bytes: bytes, publicKey: event.key)
    }

    /// The stored file's bytes: canonical JSON of the signed event.
    public func fileBytes() throws -> [UInt8] {
        CanonicalJSON.serialize(.object(["event": event.canonicalValue, "signature": .string(signature)]))
    }

    public static func parse(_ bytes: [UInt8]) throws -> SignedEvent {
        try JSONDecoder().decode(SignedEvent.self, from: Data(bytes))
    }

    /// Reads a stored event file: the event with its id and signature verdict, or nil when the bytes
    /// cannot be read as an event. A canonical file (every file folio writes) is read in one pass and its
    /// event's bytes are a slice of the file, so the id and signature are checked on that slice; any other
    /// file goes through `JSONDecoder` and a canonical re-encoding, exactly as before the fast path existed.
    public static func readStored(_ bytes: [UInt8]) -> StoredEvent? {
        if let stored = readCanonical(bytes) { return stored }
        guard let signed = try? parse(bytes), let stored = try? StoredEvent(signed) else { return nil }
        return stored
    }

    /// The fast path of `readStored` alone: nil unless `bytes` are exactly the canonical file of the event
    /// they hold (what `fileBytes()` would write).
    ///
    /// `signatureChecked`: the caller has already read these very bytes (it compared their SHA-256 with
    /// that of bytes this function found validly signed), so the Ed25519 check is not repeated.
    public static func readCanonical(_ bytes: [UInt8], signatureChecked: Bool = false) -> StoredEvent? {
        guard let (id, signed, canonical) = readCanonicalUnchecked(bytes) else { return nil }
        return StoredEvent(id: id, signed: signed,
                           signatureIsValid: signatureChecked
                               || SignatureCheck.isValid(signature: signed.signature, bytes: bytes[canonical], publicKey: signed.event.key),
                           fileIsCanonical: true)
    }

    /// The fast path without the signature check: the id, the signed event and where its canonical bytes
    /// lie in `bytes`. For a caller that checks the signature itself later (an export checks them while it
    /// writes the bundle) and must not trust the event before then.
    public static func readCanonicalUnchecked(_ bytes: [UInt8]) -> (id: String, signed: SignedEvent, canonical: Range<Int>)? {
        guard let (value, range, signature) = CanonicalParser.parseSignedEvent(bytes),
              let event = Event(canonical: value) else { return nil }
        return (SHA256Hex.of(bytes[range]), SignedEvent(event: event, signature: signature), range)
    }
}

extension Event {
    private static let fields: Set<String> = ["v", "kind", "school", "author", "key", "onBehalfOf", "at", "student", "body"]

    /// The event a canonical value holds, or nil when the value is anything the general decoder would not
    /// turn back into these exact bytes (an unknown field, a null optional, an instant not in its usual
    /// form): such files take the general path, which decides as it always did.
    init?(canonical value: JSONValue) {
        guard case .object(let o) = value, o.keys.allSatisfy(Event.fields.contains),
              case .int(let v)? = o["v"], let v = Int(exactly: v),
              case .string(let kindText)? = o["kind"], let kind = EventKind(rawValue: kindText),
              case .string(let school)? = o["school"], case .string(let author)? = o["author"],
              case .string(let key)? = o["key"],
              case .string(let atText)? = o["at"], let at = Instant(iso: atText), at.description == atText,
              let body = o["body"] else { return nil }
        var onBehalfOf: String? = nil, student: String? = nil
        if let x = o["onBehalfOf"] { guard case .string(let s) = x else { return nil }; onBehalfOf = s }
        if let x = o["student"] { guard case .string(let s) = x else { return nil }; student = s }
        self.init(kind: kind, school: school, author: author, key: key, onBehalfOf: onBehalfOf, at: at,
                  student: student, body: body)
        self.v = v
    }
}

/// A signed event with its id, ready to be folded. Folding order is (at, id), so the same set of events
/// always folds the same way whatever order they arrived in.
public struct StoredEvent: Hashable, Sendable {
    public let id: String
    public let signed: SignedEvent
    /// Whether the signature verifies over the event's canonical bytes. Checked once, when the event is
    /// read or made, because an Ed25519 check is the dearest step in reading a record.
    public let signatureIsValid: Bool
    /// Whether the file it was read from holds exactly `signed.fileBytes()`, so that the file can be copied
    /// as it is (into a bundle) instead of being kept in memory. Not part of the event's identity.
    public let fileIsCanonical: Bool

    /// For a reader that has already computed the id and checked the signature on the canonical bytes.
    public init(id: String, signed: SignedEvent, signatureIsValid: Bool, fileIsCanonical: Bool = false) {
        self.id = id
        self.signed = signed
        self.signatureIsValid = signatureIsValid
        self.fileIsCanonical = fileIsCanonical
    }

    public init(_ signed: SignedEvent) throws {
        let bytes = try signed.event.canonicalBytes()
        self.id = SHA256Hex.of(bytes)
        self.signed = signed
        self.signatureIsValid = SignatureCheck.isValid(signature: signed.signature, bytes: bytes,
                                                       publicKey: signed.event.key)
        self.fileIsCanonical = false
    }

    public static func == (a: StoredEvent, b: StoredEvent) -> Bool {
        a.id == b.id && a.signed == b.signed && a.signatureIsValid == b.signatureIsValid
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(signed)
        hasher.combine(signatureIsValid)
    }

    public var event: Event { signed.event }

    /// Fold order: time, then the kind's rank (so that within one second a school is created before its
    /// staff, and an item is uploaded before it is certified and selected), then id.
    public static func foldOrder(_ a: StoredEvent, _ b: StoredEvent) -> Bool {
        if a.event.at != b.event.at { return a.event.at < b.event.at }
        let ra = a.event.kind.rank, rb = b.event.kind.rank
        return ra != rb ? ra < rb : a.id < b.id
    }
}
