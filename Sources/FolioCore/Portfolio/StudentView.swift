/// A student's `manifest.json`: the view folded from their events and the school state. It is derived
/// data: `folio verify` rebuilds it and reports any difference from the file on disk.
public struct StudentView: Codable, Hashable, Sendable {
    public var format = "folio-manifest/1"
    public var school: String
    public var number: String
    public var student: StudentRecord?
    public var items: [ItemView] = []
    public var records: [RecordView] = []
    public var conflicts: [Conflict] = []
    public var receipts: [ReceiptView] = []
    /// Graduation day (畢業), once recorded; the archive is kept five years from it.
    public var graduated: CivilDate?
    /// Items brought from earlier schools (轉學), tagged with their school, term and course as they were.
    public var earlier: [EarlierItem] = []
    /// The student's own signing key, derived from the secret the registration section (註冊組) issued on
    /// a slip: every upload, selection and answer to a receipt is signed with it.
    public var signingKey: StudentKeyView?
    public var problems: [Problem] = []
    /// Ids of every event folded, in fold order.
    public var events: [String] = []

    public init(school: String, number: String) {
        self.school = school
        self.number = number
    }

    public func item(_ id: String) -> ItemView? { items.first { $0.id == id } }

    /// Items selected for submission in `year`, by group.
    public func selected(in year: AcademicYear, group: ItemCategory.Group) -> [ItemView] {
        items.filter { $0.selected && $0.term.year == year && $0.group == group }
    }
}

public enum ItemStatus: String, Codable, Sendable {
    /// 已上傳, waiting for the teacher (course outcomes) or ready to select (diverse performance).
    case uploaded
    /// 已認證
    case certified
    /// 退回
    case rejected
    /// Two authorised people decided differently about the same version.
    case conflict
}

public struct Decision: Codable, Hashable, Sendable {
    public var event: String
    public var certified: Bool
    public var by: String
    public var onBehalfOf: String?
    public var at: Instant
    public var reason: String?
}

public struct ItemView: Codable, Hashable, Sendable {
    public var id: String
    public var category: String
    public var group: ItemCategory.Group
    public var term: Term
    public var course: String?
    public var courseName: String?
    public var description: String
    public var fields: [String: String]
    public var files: [StoredFile]
    public var link: String?
    public var version: String
    public var status: ItemStatus
    public var decision: Decision?
    public var selected: Bool
    public var uploadedAt: Instant
    public var uploadedBy: String
    /// Ids of the events that shaped this item, oldest first.
    public var history: [String]
}

/// A file as listed in the manifest, with its path inside the student's directory.
public struct StoredFile: Codable, Hashable, Sendable {
    public var role: ItemFile.Role
    public var name: String
    public var path: String
    public var size: Int
    public var sha256: String
    public var kind: String
}

public struct RecordView: Codable, Hashable, Sendable {
    public var event: String
    public var kind: String
    public var term: Term
    public var fields: [String: String]
    public var by: String
    public var onBehalfOf: String?
    public var at: Instant
}

/// Two authorised decisions that disagree about one item version. Both are kept; the item shows as a
/// conflict until a person settles it with a new decision.
public struct Conflict: Codable, Hashable, Sendable {
    public var item: String
    public var version: String
    public var decisions: [Decision]
}

/// A receipt (收訖明細) as the student's manifest shows it, with the student's answer.
public struct ReceiptView: Codable, Hashable, Sendable {
    public enum Answer: String, Codable, Sendable {
        /// Waiting for the student within the confirmation period.
        case open
        case confirmed
        case disputed
        /// The period closed without an answer: deemed confirmed (seed point 六).
        case deemed
    }

    public var receipt: Receipt
    public var digest: String
    public var code: String
    /// The `receipt.issued` event.
    public var event: String
    /// A later submission corrected this one.
    public var superseded: Bool
    public var answer: Answer
    public var answeredAt: Instant?
    public var via: ReceiptAnswer.Via?
    public var disputes: [DisputeView]
}

public struct DisputeView: Codable, Hashable, Sendable {
    public var event: String
    public var item: String?
    public var reason: String
    public var at: Instant
    /// The office the dispute is routed to: the one that submitted the receipt.
    public var office: SubmittingOffice
    public var finding: String?
    public var resubmission: String?
}

/// The student's current signing key, as the fold found it.
public struct StudentKeyView: Codable, Hashable, Sendable {
    public var publicKey: String
    public var cost: ScryptCost
    /// When and by whom the secret was issued (the first time) or reset.
    public var issued: Instant
    public var by: String
    /// How many secrets were issued before this one.
    public var resets: Int
}
