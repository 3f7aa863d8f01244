import Foundation

/// `student.graduated` (student): the registration section records the graduation day (畢業).
public struct StudentGraduated: Codable, Hashable, Sendable {
    public var date: CivilDate

    public init(date: CivilDate) { self.date = date }
}

/// `archive.sealed` (school): one graduate's sealed tarball, as listed in the archive register.
public struct ArchiveSealed: Codable, Hashable, Sendable {
    public var student: String
    /// Path inside the workspace: `archive/<school>-<student>.tar`.
    public var path: String
    public var size: Int
    public var sha256: String
    public var graduated: CivilDate
    public var sealed: CivilDate
    /// The first day the archive may be deleted: graduation plus the retention setting (5 years).
    public var retainUntil: CivilDate

    public init(student: String, path: String, size: Int, sha256: String, graduated: CivilDate, sealed: CivilDate,
                retainUntil: CivilDate) {
        self.student = student
        self.path = path
        self.size = size
        self.sha256 = sha256
        self.graduated = graduated
        self.sealed = sealed
        self.retainUntil = retainUntil
    }
}

/// `archive.purged` (school): the tombstone of a deleted archive, kept for good.
public struct ArchivePurged: Codable, Hashable, Sendable {
    public var student: String
    public var path: String
    public var sha256: String
    public var purged: CivilDate

    public init(student: String, path: String, sha256: String, purged: CivilDate) {
        self.student = student
        self.path = path
        self.sha256 = sha256
        self.purged = purged
    }
}

/// One line of the archive register (school.json's `archive`): a sealed graduate and, once deleted, the
/// tombstone.
public struct ArchiveEntry: Codable, Hashable, Sendable {
    public var sealed: ArchiveSealed
    /// The `archive.sealed` event.
    public var event: String
    public var sealedBy: String
    public var purged: ArchivePurged?
    public var purgedBy: String?
}
