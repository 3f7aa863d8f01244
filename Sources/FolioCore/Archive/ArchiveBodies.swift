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

/// An item a student brought from their earlier school, as that school's records show it. It keeps the
/// original school code, term and course; its files are under `earlier/<school>-<number>/files/`.
public struct EarlierItem: Codable, Hashable, Sendable {
    public var school: String
    public var schoolName: String
    public var item: String
    public var category: String
    public var term: Term
    public var course: String?
    public var courseName: String?
    public var description: String
    public var status: ItemStatus
    public var files: [StoredFile]

    public init(school: String, schoolName: String, item: ItemView, folder: String) {
        self.school = school
        self.schoolName = schoolName
        self.item = item.id
        self.category = item.category
        self.term = item.term
        self.course = item.course
        self.courseName = item.courseName
        self.description = item.description
        self.status = item.status
        self.files = item.files.map { f in
            var f = f
            f.path = folder + "/" + f.path
            return f
        }
    }
}

/// `student.transferred-in` (student): the registration section took in a transfer bundle from another
/// school. The items as that school's signed records show them are listed here; the records and files
/// themselves are kept under `folder`, with the sending school's records that prove their signatures.
public struct TransferredIn: Codable, Hashable, Sendable {
    public var fromSchool: String
    public var fromSchoolName: String
    public var fromNumber: String
    /// The sending school's root key, from its founding record: what the signatures were checked against.
    public var fromRootKey: String
    /// The transfer bundle's id (SHA-256 of its header).
    public var bundle: String
    /// `earlier/<school>-<number>`, inside the student's folder.
    public var folder: String
    public var items: [EarlierItem]

    public init(fromSchool: String, fromSchoolName: String, fromNumber: String, fromRootKey: String, bundle: String,
                folder: String, items: [EarlierItem]) {
        self.fromSchool = fromSchool
        self.fromSchoolName = fromSchoolName
        self.fromNumber = fromNumber
        self.fromRootKey = fromRootKey
        self.bundle = bundle
        self.folder = folder
        self.items = items
    }
}
