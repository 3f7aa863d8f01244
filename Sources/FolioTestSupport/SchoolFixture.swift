import Crypto
import FolioCore
import Foundation

/// Builds signed events for a small school in memory, so FolioCore's rules can be tested without a disk.
/// Keys are made fresh for each fixture; times are given explicitly.
public struct SchoolFixture {
    public let code = "999901"
    public private(set) var keys: [String: SigningIdentity] = [:]
    public private(set) var schoolEvents: [StoredEvent] = []

    public init() {
        let root = SigningIdentity.generate(principal: SchoolState.rootPrincipal)
        keys[SchoolState.rootPrincipal] = root
        schoolEvents.append(event(.schoolCreated, by: "root", at: "2024-08-01T09:00",
                                  body: SchoolCreated(code: code, name: "測試高中", rootKey: root.publicKeyText)))
    }

    public var school: SchoolState { SchoolFolder.fold(schoolEvents, root: keys[SchoolState.rootPrincipal]?.publicKeyText) }

    /// Registers a person with a fresh key.
    public mutating func person(_ id: String, _ offices: [String], kind: Principal.Kind = .staff,
                                at: String = "2024-08-01T10:00") {
        let identity = SigningIdentity.generate(principal: id)
        keys[id] = identity
        schoolEvents.append(event(.staffSet, by: "root", at: at,
                                  body: Principal(id: id, name: id, kind: kind, offices: offices,
                                                  publicKey: identity.publicKeyText, encryptionKey: identity.encryptionKeyText)))
    }

    public mutating func school(_ kind: EventKind, by: String, at: String, body: some Encodable, for delegate: String? = nil) {
        schoolEvents.append(event(kind, by: by, at: at, body: body, for: delegate))
    }

    /// The usual sample: registration R01, instruction I01, data D01, reader-services L01, it IT1, teachers
    /// T001 (PHY) and T002 (HIS), kiosk K1, calendar for 113-1 and 113-2, and two courses per term.
    public static func standard() -> SchoolFixture {
        var f = SchoolFixture()
        for (id, office) in [("R01", "registration"), ("I01", "instruction"), ("D01", "data"),
                             ("L01", "reader-services"), ("IT1", "it"), ("T001", "course-teacher"),
                             ("T002", "course-teacher"), ("T003", "course-teacher")] {
            f.person(id, [office])
        }
        f.person("K1", ["device"], kind: .device)
        var table = DutyTable.seedDefault
        let i = table.duties.firstIndex { $0.id == "certification" }!
        table.duties[i].delegates = ["reader-services", "it"]
        f.school(.dutyTable, by: "root", at: "2024-08-01T11:00", body: table)
        func d(_ s: String) -> CivilDate { CivilDate(iso: s)! }
        f.school(.calendarTerm, by: "D01", at: "2024-08-02T09:00", body: CalendarTerm(
            term: Term("113-1")!, start: d("2024-08-30"), end: d("2025-01-31"), closingCeremony: d("2025-01-20"),
            upload: Window(from: d("2024-09-02"), to: d("2025-02-03")),
            certify: Window(from: d("2024-09-02"), to: d("2025-02-10")),
            select: Window(from: d("2025-01-06"), to: d("2025-02-10"))))
        f.school(.calendarTerm, by: "D01", at: "2024-08-02T09:01", body: CalendarTerm(
            term: Term("113-2")!, start: d("2025-02-11"), end: d("2025-07-31"), closingCeremony: d("2025-06-30"),
            upload: Window(from: d("2025-02-17"), to: d("2025-07-14")),
            certify: Window(from: d("2025-02-17"), to: d("2025-07-21")),
            select: Window(from: d("2025-06-16"), to: d("2025-07-21"))))
        for (code, term, teacher) in [("PHY", "113-1", "T001"), ("HIS", "113-1", "T002"),
                                      ("PHY2", "113-2", "T001"), ("HIS2", "113-2", "T002")] {
            f.school(.courseSet, by: "I01", at: "2024-08-03T09:00",
                     body: Course(code: code, name: code, term: Term(term)!, teachers: [teacher]))
        }
        return f
    }

    /// A student's own signing key in these tests: fixed per student number, without a secret to derive.
    public static func studentIdentity(_ number: String) -> SigningIdentity {
        let seed = Data(SHA256Hex.of(Array("fixture-student-\(number)".utf8)).utf8.prefix(32))
        return SigningIdentity(principal: number, privateKey: try! Curve25519.Signing.PrivateKey(rawRepresentation: seed))
    }

    public func event(_ kind: EventKind, by author: String, at: String, student: String? = nil,
                      body: some Encodable, for delegate: String? = nil) -> StoredEvent {
        let identity = keys[author] ?? Self.studentIdentity(author)
        let e = Event(kind: kind, school: code, author: author, key: identity.publicKeyText, onBehalfOf: delegate,
                      at: Instant(iso: at)!, student: student, body: try! CanonicalJSON.toValue(body))
        return try! StoredEvent(SignedEvent.sign(e, with: identity))
    }

    /// A valid fictional national ID (checksum computed by hand: A123456789 is the domain's example).
    public static let sampleID = "A123456789"

    public func enrol(_ number: String, at: String = "2024-08-05T09:00") -> StoredEvent {
        event(.studentSet, by: "R01", at: at, student: number, body: StudentRecord(
            number: number, name: "學生" + number, nationalID: Self.sampleID, birthDate: CivilDate(iso: "2008-03-14")!,
            className: "201", grade: 11, address: "臺北市虛構區", status: .enrolled))
    }

    /// The student's key, registered by the registration section as when a secret is issued.
    public func studentKey(_ number: String, at: String = "2024-08-05T09:01",
                           identity: SigningIdentity? = nil) -> StoredEvent {
        event(.studentKeySet, by: "R01", at: at, student: number,
              body: StudentKey(publicKey: (identity ?? Self.studentIdentity(number)).publicKeyText, cost: .studentSecret))
    }

    /// A registered student with their key: what a student's folder starts with.
    public func enrolled(_ number: String) -> [StoredEvent] { [enrol(number), studentKey(number)] }

    /// An upload with one fake PDF entry whose digest is derived from `seed`, signed by the student unless
    /// `by` says otherwise.
    public func upload(_ number: String, item: String, course: String? = "PHY", term: String = "113-1",
                       category: String = "course-outcome", seed: String = "a", at: String = "2024-10-01T09:00",
                       description: String = "實驗報告", fields: [String: String] = [:], by: String? = nil) -> StoredEvent {
        let file = ItemFile(role: .document, name: "report.pdf", size: 1000,
                            sha256: SHA256Hex.of(Array(seed.utf8)), kind: "pdf")
        return event(.itemUploaded, by: by ?? number, at: at, student: number, body: ItemUploaded(
            item: item, category: category, term: Term(term)!, course: category == "course-outcome" ? course : nil,
            description: description, fields: fields, files: [file]))
    }
}
