import Foundation

/// What a bundle is for. One format serves every exchange; the kind says which events it may carry,
/// so a teacher's answer can never smuggle in, say, a new staff key.
public enum BundleKind: String, Codable, Sendable, CaseIterable {
    /// Office (hub) → one teacher: that teacher's pending items, with the school records they need.
    case certRequest = "cert-request"
    /// Teacher → hub: the teacher's certifications and returns.
    case certifications
    /// An office laptop → hub: office records (cadre posts, enrolment, activities).
    case officeRecords = "office-records"
    /// Classroom kiosk → hub: student uploads and selections.
    case uploads
    /// Hub → every replica: keys, staff, courses, calendar, revocations.
    case schoolUpdate = "school-update"
    /// School → school: one student's portfolio and history, with the sending school's records that
    /// prove its signatures.
    case transfer

    /// Short ASCII word used in bundle file names.
    public var fileWord: String {
        switch self {
        case .certRequest: return "request"
        case .certifications: return "certs"
        case .officeRecords: return "records"
        case .uploads: return "uploads"
        case .schoolUpdate: return "update"
        case .transfer: return "transfer"
        }
    }

    /// The event kinds a bundle of this kind may carry. A request carries whole item histories, so it
    /// admits student events too; every other kind carries only what its sender makes.
    public func admits(_ kind: EventKind) -> Bool {
        switch self {
        case .certRequest, .transfer: return true
        // To a classroom kiosk, each student's portfolio as it stands (see `kioskKinds`); files stay at the office.
        case .schoolUpdate: return kind.isSchoolWide || Self.kioskKinds.contains(kind) || Self.officeKinds.contains(kind)
        case .certifications: return kind == .itemCertified || kind == .itemRejected
        case .officeRecords:
            return kind == .recordAdded || kind == .studentSet || kind == .studentPersonal || kind == .studentKeySet || kind == .activityRecorded
                || kind == .disputeAnswered
        case .uploads:
            return kind == .itemUploaded || kind == .itemSelected || kind == .itemUnselected
                || kind == .receiptConfirmed || kind == .receiptDisputed
        }
    }

    /// The student records a classroom kiosk holds: registrations, so it takes uploads only from enrolled
    /// students; their keys, so it can check who signs; every item's uploads, decisions and selections, so a
    /// student sees status, return reasons and counts and can select there; receipts and their answers, so
    /// students confirm them there; graduation, so it stops taking uploads.
    public static let kioskKinds: Set<EventKind> = [
        .studentSet, .studentKeySet, .itemUploaded, .itemCertified, .itemRejected, .itemSelected, .itemUnselected,
        .receiptIssued, .receiptConfirmed, .receiptDisputed, .disputeAnswered, .studentGraduated,
    ]

    /// The student records an office's own machine holds (a clerk of 註冊組, 教學組, 訓育組 or 資料組 working on a
    /// replica): registrations with their personal part and keys, so it records for enrolled students and its
    /// rosters and submissions name them; office records (grades, cadre
    /// posts, enrolment changes), which its reports list; graduation; receipts and their answers, which the
    /// data section follows up. Not items: those are the kiosks' and teachers'.
    public static let officeKinds: Set<EventKind> = [
        .studentSet, .studentPersonal, .studentKeySet, .recordAdded, .studentGraduated, .receiptIssued, .receiptConfirmed,
        .receiptDisputed, .disputeAnswered,
    ]

    /// Whether a bundle of this kind brings the files of the uploads it carries. A school update does not:
    /// a kiosk shows each item's state, and the files stay with the sender, which holds them.
    public var carriesFiles: Bool { self != .schoolUpdate }

    /// Whether an upload in a bundle of this kind may come without its files, which its sender keeps: a school
    /// update never carries them, and a certification request carries those of the items the teacher decides on
    /// but not those of another teacher's items it brings for context (see `BundleExport.source`).
    public var mayLeaveFilesWithSender: Bool { self == .schoolUpdate || self == .certRequest }

    /// In words for a clerk, in the language messages are shown in.
    public var name: Message { Message("bundle.kind." + rawKey) }

    private var rawKey: String {
        switch self {
        case .certRequest: "certRequest"
        case .certifications: "certifications"
        case .officeRecords: "officeRecords"
        case .uploads: "uploads"
        case .schoolUpdate: "schoolUpdate"
        case .transfer: "transfer"
        }
    }

    /// In words for a clerk, in English with the school's Chinese term.
    public var title: String {
        switch self {
        case .certRequest: return "certification request (認證請求)"
        case .certifications: return "certifications (認證結果)"
        case .officeRecords: return "office records (處室紀錄)"
        case .uploads: return "student uploads (學生上傳)"
        case .schoolUpdate: return "school update (學校設定)"
        case .transfer: return "transfer (轉學)"
        }
    }
}

/// One file in a bundle, as promised by the signed header.
public struct BundleEntry: Hashable, Sendable {
    public var path: String
    public var size: Int64
    /// The SHA-256 in lowercase hex, as the header gives it.
    public var sha256: String {
        get { hash.hex }
        set { hash = Hash(newValue) }
    }
    /// Kept as 32 bytes rather than 64 characters: a whole-school header lists 92,000 entries, and their
    /// hex strings were megabytes of an import's memory.
    private var hash: Hash

    public init(path: String, size: Int64, sha256: String) {
        self.path = path
        self.size = size
        self.hash = Hash(sha256)
    }

    /// 64 lowercase hex digits (all that folio writes) as four 64-bit words; anything else as written, so
    /// that the header reads back exactly as signed.
    private enum Hash: Hashable, Sendable {
        case digest(UInt64, UInt64, UInt64, UInt64)
        case text(String)

        init(_ text: String) {
            guard SHA256Hex.isValid(text) else {
                self = .text(text)
                return
            }
            var words = [UInt64](repeating: 0, count: 4)
            for (i, b) in text.utf8.enumerated() { words[i / 16] = words[i / 16] << 4 | UInt64(b <= 57 ? b - 48 : b - 87) }
            self = .digest(words[0], words[1], words[2], words[3])
        }

        var hex: String {
            switch self {
            case .text(let text): return text
            case .digest(let a, let b, let c, let d):
                return withUnsafeBytes(of: (a.bigEndian, b.bigEndian, c.bigEndian, d.bigEndian)) { SHA256Hex.hex($0) }
            }
        }
    }
}

extension BundleEntry: Codable {
    private enum CodingKeys: String, CodingKey {
        case path, sha256, size
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(path: try c.decode(String.self, forKey: .path), size: try c.decode(Int64.self, forKey: .size),
                  sha256: try c.decode(String.self, forKey: .sha256))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(sha256, forKey: .sha256)
        try c.encode(size, forKey: .size)
    }
}

/// Where a bundle comes from: the replica (workspace) that wrote it and the person whose key signed it.
public struct BundleParty: Codable, Hashable, Sendable {
    public var replica: String?
    public var person: String?

    public init(replica: String? = nil, person: String? = nil) {
        self.replica = replica
        self.person = person
    }

    /// Nobody in particular: a school update anyone of the school may import.
    public var isEveryone: Bool { replica == nil && person == nil }
}

/// The signed first entry of every bundle (`bundle.json`). Completeness and integrity come from here:
/// libarchive reads a tar cut at an entry boundary as a clean, shorter archive, so the reader checks the
/// archive against this list, entry by entry, byte for byte.
public struct BundleHeader: Codable, Hashable, Sendable {
    public static let format = "folio-bundle/1"
    /// The header's own name inside the archive; it sorts before `school/` and `students/`.
    public static let entryName = "bundle.json"

    public var format: String
    public var kind: BundleKind
    public var school: String
    public var sender: BundleParty
    /// The sender's public key (base64 Ed25519); it must belong to `sender.person` in the school's records.
    public var key: String
    public var recipient: BundleParty
    /// Counts bundles this replica has written, so a copied workspace shows up as two different bundles
    /// with the same replica id and number.
    public var sequence: Int
    public var created: Instant
    /// What the bundle covers, in words and codes (courses, students); for people and the preview.
    public var scope: [String]
    /// Ids of the recipient's bundles the sender has already imported: the next bundle back need not
    /// repeat what was in them.
    public var holds: [String]
    public var entries: [BundleEntry]

    public init(kind: BundleKind, school: String, sender: BundleParty, key: String, recipient: BundleParty,
                sequence: Int, created: Instant, scope: [String], holds: [String], entries: [BundleEntry]) {
        self.format = Self.format
        self.kind = kind
        self.school = school
        self.sender = sender
        self.key = key
        self.recipient = recipient
        self.sequence = sequence
        self.created = created
        self.scope = scope
        self.holds = holds
        self.entries = entries
    }

    /// The canonical JSON of the header: the same bytes as `CanonicalJSON.encode(self)`, but the entries
    /// are written straight out. A whole-school bundle lists about 100,000 of them, and building them as a
    /// tree first cost hundreds of megabytes.
    public func canonicalBytes() throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(canonicalSizeEstimate)
        try writeCanonical(into: &out)
        return out
    }

    /// Room for the canonical bytes, so the buffer is not regrown (and briefly held twice) for a large list.
    var canonicalSizeEstimate: Int {
        entries.reduce(4096) { $0 + $1.path.utf8.count + $1.sha256.utf8.count + 60 }
    }

    /// `piece`, when given, is handed `out` whenever the entries have made it about 1 MB long, to take the
    /// bytes away (see `writes(exactly:)`).
    func writeCanonical(into out: inout [UInt8], piece: ((inout [UInt8]) -> Void)? = nil) throws {
        var rest = self
        rest.entries = []
        guard case .object(let members) = try CanonicalJSON.toValue(rest) else {
            throw EncodingError.invalidValue(self, .init(codingPath: [], debugDescription: "a header is an object"))
        }
        var writers = members.mapValues { value -> (inout [UInt8]) -> Void in { CanonicalJSON.write(value, into: &$0) } }
        writers["entries"] = { [entries] out in
            out.append(UInt8(ascii: "["))
            for (n, e) in entries.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                // Keys in byte order: path, sha256, size.
                out.append(contentsOf: Array("{\"path\":".utf8))
                CanonicalJSON.writeString(e.path, into: &out)
                out.append(contentsOf: Array(",\"sha256\":".utf8))
                CanonicalJSON.writeString(e.sha256, into: &out)
                out.append(contentsOf: Array(",\"size\":\(e.size)}".utf8))
                if let piece, out.count >= 1 << 20 { piece(&out) }
            }
            out.append(UInt8(ascii: "]"))
        }
        CanonicalJSON.writeObject(writers, into: &out)
    }

    /// The bundle id: SHA-256 of the header's canonical JSON.
    public func id() throws -> String { SHA256Hex.of(try canonicalBytes()) }

    /// A short, FAT32/exFAT-safe ASCII file name saying kind, sender and date, e.g.
    /// `request-hub-3fa2c1d0-20241105-0003.tar`.
    /// `text` with anything but ASCII letters, digits and `-` replaced by `_`: safe in any file name.
    public static func safeName(_ text: String) -> String {
        String(text.unicodeScalars.map {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") ? Character($0) : "_"
        })
    }

    public var fileName: String {
        let replica = Self.safeName(sender.replica ?? "x")
        let day = created.taipeiDay
        let date = String(format: "%04d%02d%02d", day.year, day.month, day.day)
        return "\(kind.fileWord)-\(replica.prefix(24))-\(date)-\(String(format: "%04d", sequence % 10_000)).tar"
    }
}

/// `bundle.json` as stored: the header and the sender's Ed25519 signature over its canonical JSON.
public struct SignedBundleHeader: Codable, Hashable, Sendable {
    public var header: BundleHeader
    public var signature: String

    public init(header: BundleHeader, signature: String) {
        self.header = header
        self.signature = signature
    }

    public static func sign(_ header: BundleHeader, with identity: SigningIdentity) throws -> SignedBundleHeader {
        SignedBundleHeader(header: header, signature: try identity.sign(try header.canonicalBytes()))
    }

    public var signatureIsValid: Bool {
        guard let bytes = try? header.canonicalBytes() else { return false }
        return SignatureCheck.isValid(signature: signature, bytes: bytes, publicKey: header.key)
    }

    /// `{"header":…,"signature":…}` in canonical form, the header written as `canonicalBytes()` writes it.
    public func fileBytes() throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(header.canonicalSizeEstimate + 200)
        out.append(contentsOf: Array("{\"header\":".utf8))
        try header.writeCanonical(into: &out)
        out.append(contentsOf: Array(",\"signature\":".utf8))
        CanonicalJSON.writeString(signature, into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
