import Foundation

/// One line of a receipt (收訖明細): one submitted file, or one submitted office record.
public struct ReceiptLine: Codable, Hashable, Sendable {
    /// Item category or office record kind code (`course-outcome`, `works`, `grade`, `cadre`, …).
    public var category: String
    public var term: Term
    /// The item's description, or the record's main field (subject, post).
    public var title: String
    public var course: String?
    /// The file's name, or for an office record the roster file it travels in (`grades.csv`).
    public var file: String
    public var size: Int
    /// SHA-256 of the file, or of the record's canonical JSON.
    public var sha256: String
    /// The item id, for items (so a dispute can name it); nil for office records.
    public var item: String?

    public init(category: String, term: Term, title: String, course: String?, file: String, size: Int,
                sha256: String, item: String?) {
        self.category = category
        self.term = term
        self.title = title
        self.course = course
        self.file = file
        self.size = size
        self.sha256 = sha256
        self.item = item
    }
}

/// One value of an office record as a printed receipt shows it: the column's name and what was submitted in it.
public struct ReceiptValue: Codable, Hashable, Sendable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A student's receipt for one submission: what the school sent to the central database about them.
/// Its digest is the SHA-256 of `canonicalText`, a form documented in Docs/receipts.md so that anyone
/// can recompute it without folio.
public struct Receipt: Codable, Hashable, Sendable {
    public static let format = "folio-receipt/1"

    public var school: String
    public var student: String
    /// The submission's id: `<office>-<period>-<sequence>`.
    public var submission: String
    public var office: String
    public var period: String
    public var lines: [ReceiptLine]

    public init(school: String, student: String, submission: String, office: String, period: String, lines: [ReceiptLine]) {
        self.school = school
        self.student = student
        self.submission = submission
        self.office = office
        self.period = period
        self.lines = lines.sorted { ($0.category, $0.term.description, $0.file, $0.sha256) < ($1.category, $1.term.description, $1.file, $1.sha256) }
    }

    /// One header block, then one tab-separated line per entry, each ending in a line feed (UTF-8, NFC):
    ///
    ///     folio-receipt/1
    ///     school\t999901
    ///     student\t112001
    ///     submission\tit-113-1
    ///     office\tit
    ///     period\t113
    ///     line\t<category>\t<term>\t<course or ->\t<title>\t<file>\t<size>\t<sha256>
    public var canonicalText: String {
        func clean(_ s: String) -> String {
            s.precomposedStringWithCanonicalMapping.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
        }
        var out = Self.format + "\n"
        out += "school\t\(school)\nstudent\t\(student)\nsubmission\t\(submission)\noffice\t\(office)\nperiod\t\(period)\n"
        for l in lines {
            out += "line\t\(l.category)\t\(l.term)\t\(l.course ?? "-")\t\(clean(l.title))\t\(clean(l.file))\t\(l.size)\t\(l.sha256)\n"
        }
        return out
    }

    public var digest: String { SHA256Hex.of(Array(canonicalText.utf8)) }

    /// What the QR code on the printed receipt holds, fields separated by `;` (Docs/receipts.md):
    /// `folio-receipt/1;<school>;<student>;<submission>;<digest>;<code>,<code>…`, each code the first 12 hex digits
    /// of a line's SHA-256 in the receipt's order. A phone's camera reads the receipt without typing it.
    public var qrText: String {
        [Self.format, school, student, submission, digest, lines.map { String($0.sha256.prefix(12)) }.joined(separator: ",")]
            .joined(separator: ";")
    }

    /// The receipt's code for paper: the digest's first 12 hex digits in groups of four.
    public var code: String { ShortCode.of(digest) }
}

/// Short codes printed on paper: the first 12 hex digits of a SHA-256, in groups of four, easy to read
/// aloud and to compare with the first characters `sha256sum` prints.
public enum ShortCode {
    public static func of(_ sha256: String) -> String {
        let chars = Array(sha256.prefix(12))
        return stride(from: 0, to: chars.count, by: 4).map { String(chars[$0..<min($0 + 4, chars.count)]) }.joined(separator: " ")
    }
}
