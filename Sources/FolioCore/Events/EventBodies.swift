/// The bodies of each event kind. Field names are part of the file format (Docs/formats.md).

public struct SchoolCreated: Codable, Hashable, Sendable {
    public var code: String
    public var name: String
    /// The school root key (base64 Ed25519). Kept offline by the IT section; it signs staff and devices.
    public var rootKey: String
    /// Return address of the data section (資料組), printed on letters.
    public var address: String?
    /// Set for a demo or test school (the sample, `folio sample generate`): only its workspaces accept
    /// `FOLIO_NOW`, the test hooks and the published demo keys. Signed by the root, so no bundle can turn a
    /// real school into a demo one.
    public var demo: Bool?

    public init(code: String, name: String, rootKey: String, address: String? = nil, demo: Bool = false) {
        self.code = code
        self.name = name
        self.rootKey = rootKey
        self.address = address
        self.demo = demo ? true : nil
    }
}

public struct KeyRevoked: Codable, Hashable, Sendable {
    public var publicKey: String
    public var reason: String

    public init(publicKey: String, reason: String) {
        self.publicKey = publicKey
        self.reason = reason
    }
}

/// The school root key replaced by a new one, signed by the current root (the IT section's ceremony
/// for a root key that must be retired; see the IT section's page).
public struct RootReplaced: Codable, Hashable, Sendable {
    public var newRootKey: String
    public var reason: String

    public init(newRootKey: String, reason: String) {
        self.newRootKey = newRootKey
        self.reason = reason
    }
}

/// A student's signing key, registered when the registration section (註冊組) issues (or resets) the
/// secret printed on the student's slip. The key is derived from that secret with `cost` (`StudentSecret`).
public struct StudentKey: Codable, Hashable, Sendable {
    public var publicKey: String
    public var cost: ScryptCost

    public init(publicKey: String, cost: ScryptCost) {
        self.publicKey = publicKey
        self.cost = cost
    }
}

/// A closed range of days.
public struct Window: Codable, Hashable, Sendable, CustomStringConvertible {
    public var from: CivilDate
    public var to: CivilDate

    public init(from: CivilDate, to: CivilDate) {
        self.from = from
        self.to = to
    }

    public func contains(_ day: CivilDate) -> Bool { day >= from && day <= to }
    public var description: String { "\(from) to \(to)" }
}

/// One term of the school calendar and the windows the data section (資料組) sets for it.
public struct CalendarTerm: Codable, Hashable, Sendable {
    public var term: Term
    public var start: CivilDate
    public var end: CivilDate
    /// 休業式: upload windows must stay open at least two weeks after it (except grade 12, semester 2).
    public var closingCeremony: CivilDate
    public var upload: Window
    public var certify: Window
    /// Selection (勾選) window; selections count per academic year.
    public var select: Window

    public init(term: Term, start: CivilDate, end: CivilDate, closingCeremony: CivilDate, upload: Window,
                certify: Window, select: Window) {
        self.term = term
        self.start = start
        self.end = end
        self.closingCeremony = closingCeremony
        self.upload = upload
        self.certify = certify
        self.select = select
    }
}

/// Rule settings. Defaults follow the seed; a school changes them with a `settings` event.
public struct Settings: Codable, Hashable, Sendable {
    /// 課程學習成果 uploads per student per semester (the seed: 6; other schools allow 9).
    public var uploadLimitPerTerm: Int
    public var courseSelectionLimit: Int
    public var diverseSelectionLimit: Int
    public var descriptionLimit: Int
    public var documentLimitBytes: Int
    public var mediaLimitBytes: Int
    public var retentionYears: Int
    /// The office's telephone number, printed in the letterhead of letters to students who have left.
    public var phone: String?

    public init(uploadLimitPerTerm: Int = 6, courseSelectionLimit: Int = 6, diverseSelectionLimit: Int = 10,
                descriptionLimit: Int = 100, documentLimitBytes: Int = 4 * 1024 * 1024,
                mediaLimitBytes: Int = 10 * 1024 * 1024, retentionYears: Int = 5, phone: String? = nil) {
        self.uploadLimitPerTerm = uploadLimitPerTerm
        self.courseSelectionLimit = courseSelectionLimit
        self.diverseSelectionLimit = diverseSelectionLimit
        self.descriptionLimit = descriptionLimit
        self.documentLimitBytes = documentLimitBytes
        self.mediaLimitBytes = mediaLimitBytes
        self.retentionYears = retentionYears
        self.phone = phone
    }
}

/// A course as the instruction section (教學組) sets it up: its teachers and, for a joint course (合開課程),
/// the reviewer (審核老師) who certifies.
public struct Course: Codable, Hashable, Sendable {
    public var code: String
    public var name: String
    public var term: Term
    public var teachers: [String]
    public var reviewer: String?

    public init(code: String, name: String, term: Term, teachers: [String], reviewer: String? = nil) {
        self.code = code
        self.name = name
        self.term = term
        self.teachers = teachers
        self.reviewer = reviewer
    }

    /// Who certifies: the reviewer of a joint course, otherwise its teachers.
    public var certifiers: [String] { reviewer.map { [$0] } ?? teachers }
}

/// Seed point 九: briefings (宣導說明), system training (系統操作訓練) and workshops (專業研習), each at least
/// once per academic year.
public struct ActivityRecorded: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case briefing, teacherTraining = "teacher-training", studentTraining = "student-training", workshop
    }

    public var kind: Kind
    public var date: CivilDate
    public var title: String

    public init(kind: Kind, date: CivilDate, title: String) {
        self.kind = kind
        self.date = date
        self.title = title
    }
}

public enum StudentStatus: String, Codable, Sendable, CaseIterable {
    /// 在學
    case enrolled
    /// 離校 (休學、退學): receives receipts by post.
    case left
    /// 畢業
    case graduated
    /// 轉出
    case transferred
}

/// A student's registration data (學籍資料) as the registration section (註冊組) enters it.
///
/// Registered as two records: `student.set` with who the student is at school (number, name, class, grade,
/// status), which every replica that serves the student holds, and `student.personal` (`StudentPersonal`) with
/// the national ID, birth date and address, which stay with the office. A view joins them. An older `student.set`
/// that carries all of it is still read.
public struct StudentRecord: Codable, Hashable, Sendable {
    public var number: String
    public var name: String
    /// Empty where the personal record is not held (a kiosk, a teacher's laptop).
    public var nationalID: String
    public var birthDate: CivilDate?
    public var className: String
    public var grade: Int
    /// Empty where the personal record is not held.
    public var address: String
    public var status: StudentStatus
    /// School code of the school a transferred-in student came from.
    public var previousSchool: String?
    /// 座號, the student's number within the class: receipts are printed in class and seat order.
    public var seat: Int?
    /// 郵遞區號 of `address`, printed above it on a letter; nil where the personal record is not held.
    public var postalCode: String?

    public init(number: String, name: String, nationalID: String, birthDate: CivilDate?, className: String,
                grade: Int, address: String, status: StudentStatus, previousSchool: String? = nil,
                seat: Int? = nil, postalCode: String? = nil) {
        self.number = number
        self.name = name
        self.nationalID = nationalID
        self.birthDate = birthDate
        self.className = className
        self.grade = grade
        self.address = address
        self.status = status
        self.previousSchool = previousSchool
        self.seat = seat
        self.postalCode = postalCode
    }

    private enum CodingKeys: String, CodingKey {
        case number, name, nationalID, birthDate, className, grade, address, status, previousSchool, seat, postalCode
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = try c.decode(String.self, forKey: .number)
        name = try c.decode(String.self, forKey: .name)
        nationalID = try c.decodeIfPresent(String.self, forKey: .nationalID) ?? ""
        birthDate = try c.decodeIfPresent(CivilDate.self, forKey: .birthDate)
        className = try c.decode(String.self, forKey: .className)
        grade = try c.decode(Int.self, forKey: .grade)
        address = try c.decodeIfPresent(String.self, forKey: .address) ?? ""
        status = try c.decode(StudentStatus.self, forKey: .status)
        previousSchool = try c.decodeIfPresent(String.self, forKey: .previousSchool)
        seat = try c.decodeIfPresent(Int.self, forKey: .seat)
        postalCode = try c.decodeIfPresent(String.self, forKey: .postalCode)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(number, forKey: .number)
        try c.encode(name, forKey: .name)
        if !nationalID.isEmpty { try c.encode(nationalID, forKey: .nationalID) }
        try c.encodeIfPresent(birthDate, forKey: .birthDate)
        try c.encode(className, forKey: .className)
        try c.encode(grade, forKey: .grade)
        if !address.isEmpty { try c.encode(address, forKey: .address) }
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(previousSchool, forKey: .previousSchool)
        // Absent unless given, so a record made before these fields existed keeps its bytes.
        try c.encodeIfPresent(seat, forKey: .seat)
        try c.encodeIfPresent(postalCode, forKey: .postalCode)
    }

    /// What `student.set` carries: the record without its personal part.
    public var atSchool: StudentRecord {
        var r = self
        r.nationalID = ""
        r.birthDate = nil
        r.address = ""
        r.postalCode = nil
        return r
    }

    /// The personal part, for `student.personal`; nil when the record carries none.
    public var personal: StudentPersonal? {
        guard !nationalID.isEmpty, let birthDate else { return nil }
        return StudentPersonal(nationalID: nationalID, birthDate: birthDate, address: address, postalCode: postalCode)
    }

    /// Whether it carries its personal part (an older `student.set`, or a view that joined both records).
    public var hasPersonal: Bool { !nationalID.isEmpty }
}

/// The personal part of a student's registration (`student.personal`): kept by the office and its own machines,
/// never sent to a kiosk or a teacher's laptop (see Docs/bundles.md, *What each replica holds*).
public struct StudentPersonal: Codable, Hashable, Sendable {
    public var nationalID: String
    public var birthDate: CivilDate
    public var address: String
    /// 郵遞區號; absent in records made before the roster had the column.
    public var postalCode: String?

    public init(nationalID: String, birthDate: CivilDate, address: String, postalCode: String? = nil) {
        self.nationalID = nationalID
        self.birthDate = birthDate
        self.address = address
        self.postalCode = postalCode
    }
}

/// One file of an item: its document (PDF/JPG/PNG) or media file (MP3/MP4).
public struct ItemFile: Codable, Hashable, Sendable {
    public enum Role: String, Codable, Sendable { case document, media }

    public var role: Role
    public var name: String
    public var size: Int
    public var sha256: String
    public var kind: String

    public init(role: Role, name: String, size: Int, sha256: String, kind: String) {
        self.role = role
        self.name = name
        self.size = size
        self.sha256 = sha256
        self.kind = kind
    }

    /// Where the file lives inside the student's directory. The digest prefix keeps every version of an
    /// item's file, so a re-upload never overwrites evidence a certification was bound to.
    public func path(item: String) -> String { "files/\(item)/\(sha256.prefix(12))/\(name)" }
}

public struct ItemUploaded: Codable, Hashable, Sendable {
    public var item: String
    public var category: String
    public var term: Term
    public var course: String?
    public var description: String
    public var fields: [String: String]
    public var files: [ItemFile]
    public var link: String?

    public init(item: String, category: String, term: Term, course: String?, description: String,
                fields: [String: String], files: [ItemFile], link: String? = nil) {
        self.item = item
        self.category = category
        self.term = term
        self.course = course
        self.description = description
        self.fields = fields
        self.files = files
        self.link = link
    }

    /// The item version a certification is bound to: SHA-256 over the sorted `role:sha256` lines of its
    /// files. The same bytes re-uploaded give the same version and keep the certification.
    public var version: String {
        SHA256Hex.of(Array(files.map { "\($0.role.rawValue):\($0.sha256)\n" }.sorted().joined().utf8))
    }
}

extension ItemUploaded {
    /// Reads an upload of the usual shape straight from its value, without going through `Decoder`: every
    /// fold decodes every upload, and the generic decoding was a twentieth of a full verify. Returns nil for
    /// anything else (a member of another type, a bad term, a size that does not fit), which the caller then
    /// decodes through `Codable`, so that what is accepted and the error for what is not stay `Codable`'s;
    /// `EventBodyDecodingTests` holds the two to the same answers. Unknown members are ignored, as `Codable` does.
    public init?(plain value: JSONValue) {
        guard case .object(let o) = value,
              case .string(let item)? = o["item"], case .string(let category)? = o["category"],
              case .string(let termText)? = o["term"], let term = Term(termText),
              case .string(let description)? = o["description"],
              case .object(let fieldValues)? = o["fields"], case .array(let fileValues)? = o["files"],
              let course = Self.optionalString(o["course"]), let link = Self.optionalString(o["link"]) else { return nil }
        var fields: [String: String] = [:]
        fields.reserveCapacity(fieldValues.count)
        for (key, v) in fieldValues {
            guard case .string(let text) = v else { return nil }
            fields[key] = text
        }
        var files: [ItemFile] = []
        files.reserveCapacity(fileValues.count)
        for f in fileValues {
            guard case .object(let m) = f,
                  case .string(let roleText)? = m["role"], let role = ItemFile.Role(rawValue: roleText),
                  case .string(let name)? = m["name"], case .int(let size64)? = m["size"], let size = Int(exactly: size64),
                  case .string(let sha256)? = m["sha256"], case .string(let kind)? = m["kind"] else { return nil }
            files.append(ItemFile(role: role, name: name, size: size, sha256: sha256, kind: kind))
        }
        self.init(item: item, category: category, term: term, course: course, description: description,
                  fields: fields, files: files, link: link)
    }

    /// `.some(nil)` for a member that is absent or null, `.some(text)` for a string, nil for anything else.
    private static func optionalString(_ v: JSONValue?) -> String?? {
        switch v {
        case nil, .null?: return .some(nil)
        case .string(let s)?: return .some(s)
        default: return nil
        }
    }
}

public struct ItemDecision: Codable, Hashable, Sendable {
    public var item: String
    public var version: String
    /// Required for a rejection (退回), shown to the student.
    public var reason: String?
    /// Set by `folio resolve`: the ids of the disagreeing decisions this one settles. When it names every
    /// decision standing on this version, they give way to it; they stay in the item's history.
    public var settles: [String]?

    public init(item: String, version: String, reason: String? = nil, settles: [String]? = nil) {
        self.item = item
        self.version = version
        self.reason = reason
        self.settles = settles
    }
}

public struct ItemSelection: Codable, Hashable, Sendable {
    public var item: String
    public var year: AcademicYear

    public init(item: String, year: AcademicYear) {
        self.item = item
        self.year = year
    }
}

public struct RecordAdded: Codable, Hashable, Sendable {
    public var kind: String
    public var term: Term
    public var fields: [String: String]

    public init(kind: String, term: Term, fields: [String: String]) {
        self.kind = kind
        self.term = term
        self.fields = fields
    }
}
