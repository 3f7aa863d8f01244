/// The school-wide view folded from `school/events`: people and their keys, the duty table, calendar,
/// settings and courses. Written to `school/school.json` and checked by `folio verify`.
public struct SchoolState: Codable, Hashable, Sendable {
    public static let rootPrincipal = "root"

    public var code: String = ""
    public var name: String = ""
    public var address: String?
    /// A demo or test school (`SchoolCreated.demo`).
    public var demo: Bool?
    /// The current school root key: the founding one, or the last one a `root.replaced` record named.
    public var rootKey: String = ""
    /// Root keys replaced by a later one, oldest first. Records they signed before the replacement stand.
    public var formerRootKeys: [String] = []
    public var principals: [String: Principal] = [:]
    /// Every key each principal has held, so events signed before a key change still verify.
    public var keys: [String: [String]] = [:]
    /// Revoked keys and the instant from which events signed with them are refused.
    public var revoked: [String: Instant] = [:]
    public var availability: [Availability] = []
    public var dutyTable: DutyTable = .seedDefault
    public var calendar: [CalendarTerm] = []
    public var settings: Settings = Settings()
    public var courses: [Course] = []
    public var activities: [ActivityRecorded] = []
    /// Packages sent to the central database, oldest first.
    public var submissions: [SubmissionMade] = []
    public var confirmations: [ConfirmationPeriod] = []
    /// The archive register: sealed graduates, and tombstones of purged archives.
    public var archive: [ArchiveEntry] = []
    public var problems: [Problem] = []

    public init() {}

    /// The part of the state a student's fold reads (`StudentFolder` uses everything but the archive
    /// register, the activity list and the school's own problems). When a school event leaves this
    /// unchanged — a graduate sealed or purged, an activity recorded — no student's view can change, so
    /// writers re-fold only the students who got new records. Keep it in step with `StudentFolder`.
    public var studentFacing: SchoolState {
        var s = self
        s.archive = []
        s.activities = []
        s.problems = []
        return s
    }

    public func principal(_ id: String) -> Principal? { principals[id] }

    /// Roles that are not an office (處室): a teacher's, or a kiosk's.
    public static let teachingRoles: Set<String> = ["course-teacher", "consultation-teacher", "homeroom-teacher", "device"]

    /// Whether `id` is a staff member who holds an office (註冊組, 資訊組, …), not only a teaching role: who
    /// works on the office's machine and signs for it.
    public func holdsAnOffice(_ id: String?) -> Bool {
        guard let id, let p = principals[id], p.kind == .staff else { return false }
        return !Set(p.offices).subtracting(Self.teachingRoles).isEmpty
    }

    /// The key a bundle for `id` is encrypted to: the one registered with their current signing key, unless
    /// that signing key is revoked or they have left the school. Nil when there is none to use.
    public func encryptionKey(of id: String, on day: CivilDate) -> String? {
        guard let p = principals[id], let key = p.encryptionKey, let signing = p.publicKey, revoked[signing] == nil,
              unavailability(id, on: day)?.status != .left else { return nil }
        return key
    }

    /// Who may open a bundle sent to the office (the hub): everyone holding an office, with a key to use.
    public func officeReaders(on day: CivilDate) -> [String] {
        principals.keys.sorted().filter { holdsAnOffice($0) && encryptionKey(of: $0, on: day) != nil }
    }

    /// Who may open a school update for everyone: every person and device with a key to use.
    public func everyone(on day: CivilDate) -> [String] {
        principals.keys.sorted().filter { principals[$0]?.kind != .student && encryptionKey(of: $0, on: day) != nil }
    }

    public func submission(_ id: String) -> SubmissionMade? { submissions.first { $0.id == id } }

    /// The register entry of a student's sealed archive, if sealed.
    public func archived(_ student: String) -> ArchiveEntry? { archive.last { $0.sealed.student == student } }

    /// The confirmation period covering a submission, if one was opened.
    public func confirmation(for submission: String) -> ConfirmationPeriod? {
        confirmations.last { $0.submissions.contains(submission) }
    }

    public func course(_ code: String, term: Term) -> Course? {
        courses.first { $0.code == code && $0.term == term }
    }

    public func calendar(for term: Term) -> CalendarTerm? { calendar.first { $0.term == term } }

    /// The term whose calendar covers `day`, if any.
    public func term(containing day: CivilDate) -> Term? {
        calendar.first { day >= $0.start && day <= $0.end }?.term
    }

    public func isAvailable(_ id: String, on day: CivilDate) -> Bool {
        guard principals[id] != nil else { return false }
        return !availability.contains { $0.id == id && $0.status != .available && $0.covers(day) }
    }

    public func unavailability(_ id: String, on day: CivilDate) -> Availability? {
        availability.last { $0.id == id && $0.status != .available && $0.covers(day) }
    }
}
