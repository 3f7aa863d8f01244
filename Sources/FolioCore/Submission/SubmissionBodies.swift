import Foundation

/// Which office submits what to the central database (seed point 六), and the duty that authorises it.
public enum SubmittingOffice: String, Codable, Sendable, CaseIterable {
    /// 註冊組: enrolment data and grades, per term.
    case registration
    /// 資訊組: course learning outcomes, per academic year.
    case it
    /// 訓育組: cadre records, per term.
    case activities
    /// 資料組: diverse performance, per academic year.
    case data

    public var duty: String {
        switch self {
        case .registration: return "enrolment"
        case .it: return "outcome-submission"
        case .activities: return "cadre"
        case .data: return "diverse-submission"
        }
    }

    /// True when the office submits per academic year rather than per term.
    public var isYearly: Bool { self == .it || self == .data }

    public var title: String {
        switch self {
        case .registration: return "學籍資料及學業成績"
        case .it: return "課程學習成果"
        case .activities: return "幹部經歷"
        case .data: return "多元表現"
        }
    }

    /// The office's name for people.
    public var officeName: String {
        switch self {
        case .registration: return "註冊組"
        case .it: return "資訊組"
        case .activities: return "訓育組"
        case .data: return "資料組"
        }
    }
}

/// `submission.made` (school-wide): a package was written for the central database.
public struct SubmissionMade: Codable, Hashable, Sendable {
    /// `<office>-<period>-<n>`, e.g. `it-113-1`.
    public var id: String
    public var office: SubmittingOffice
    /// `113` for a yearly submission, `113-1` for a term's.
    public var period: String
    /// SHA-256 of the package tar.
    public var package: String
    public var students: Int
    public var lines: Int
    /// The submission this one corrects, if any; the earlier one stays on record.
    public var supersedes: String?

    public init(id: String, office: SubmittingOffice, period: String, package: String, students: Int, lines: Int,
                supersedes: String?) {
        self.id = id
        self.office = office
        self.period = period
        self.package = package
        self.students = students
        self.lines = lines
        self.supersedes = supersedes
    }
}

/// `confirmation.opened` (school-wide): the period in which students confirm or raise a doubt.
public struct ConfirmationOpened: Codable, Hashable, Sendable {
    public var id: String
    public var from: CivilDate
    public var to: CivilDate
    /// Submission ids whose receipts this period covers.
    public var submissions: [String]

    public init(id: String, from: CivilDate, to: CivilDate, submissions: [String]) {
        self.id = id
        self.from = from
        self.to = to
        self.submissions = submissions
    }
}

/// `confirmation.closed` (school-wide).
public struct ConfirmationClosed: Codable, Hashable, Sendable {
    public var id: String

    public init(id: String) { self.id = id }
}

/// `receipt.confirmed` / `receipt.disputed` (student): the student's answer to one receipt.
public struct ReceiptAnswer: Codable, Hashable, Sendable {
    public enum Via: String, Codable, Sendable { case kiosk, post }

    public var submission: String
    public var digest: String
    public var via: Via
    /// For a dispute: the item in doubt (nil: the receipt as a whole) and why.
    public var item: String?
    public var reason: String?

    public init(submission: String, digest: String, via: Via, item: String? = nil, reason: String? = nil) {
        self.submission = submission
        self.digest = digest
        self.via = via
        self.item = item
        self.reason = reason
    }
}

/// `dispute.answered` (student): the submitting office's finding on a dispute.
public struct DisputeAnswered: Codable, Hashable, Sendable {
    /// The `receipt.disputed` event answered.
    public var dispute: String
    public var finding: String
    /// The corrected resubmission, if one was needed.
    public var resubmission: String?

    public init(dispute: String, finding: String, resubmission: String?) {
        self.dispute = dispute
        self.finding = finding
        self.resubmission = resubmission
    }
}

/// A confirmation period as the school state holds it: opened, and possibly closed.
public struct ConfirmationPeriod: Codable, Hashable, Sendable {
    public var id: String
    public var from: CivilDate
    public var to: CivilDate
    public var submissions: [String]
    /// When `folio confirmation close` was recorded; from then on silence counts as confirmation.
    public var closed: Instant?

    public init(_ opened: ConfirmationOpened) {
        id = opened.id
        from = opened.from
        to = opened.to
        submissions = opened.submissions
    }
}
