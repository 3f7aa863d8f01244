import FolioCore
import FolioTar
import Foundation

/// What `folio submit` did.
public struct SubmissionReport: Codable, Sendable {
    public var submission: SubmissionMade
    public var path: String
    public var gradeTwelveOnly: Bool
}

/// `index.json` inside a submission package: every file with its SHA-256, and every student's receipt.
public struct SubmissionIndex: Codable, Sendable {
    public var format = "folio-submission/1"
    public var school: String
    public var id: String
    public var office: SubmittingOffice
    public var period: String
    public var created: Instant
    public var supersedes: String?
    public var files: [BundleEntry]
    public var receipts: [Receipt]
}

extension WorkspaceSession {
    /// `folio submit`: gathers what `office` submits for `period` (a term like 113-1, or an academic year
    /// like 113 for course outcomes and diverse performance), writes the deterministic package under
    /// `submissions/`, and records the submission and each student's receipt — all in one step.
    public func submit(office: SubmittingOffice, period typed: String, actor: Actor,
                       now: Instant) throws(FolioError) -> SubmissionReport {
        let (year, term) = try parsePeriod(office, typed)
        // Recorded and compared in folio's own form, however it was typed: 113學年度第1學期 is 113-1.
        let text = term?.description ?? year.description
        let day = now.taipeiDay
        // Seed point 五: a term's data goes in during the next term, a year's during the next year; grade 12
        // is submitted within the same term or year, since they leave.
        let end = term.map { school.calendar(for: $0)?.end ?? ($0.semester == 1 ? CivilDate(year: $0.year.value + 1912, month: 1, day: 31)! : $0.year.lastDay) }
            ?? year.lastDay
        let gradeTwelveOnly = day <= end
        var perStudent: [String: [ReceiptLine]] = [:]
        var files: [(path: String, source: String, line: ReceiptLine)] = []
        var rows = NationalRows()
        var included: [String: StudentRecord] = [:]
        let earlier = school.submissions.filter { $0.office == office && $0.period == text }
        var previous: [Receipt] = []   // the latest earlier submission's receipts, to see whether anything changed
        for number in workspace.studentNumbers() {
            let view = workspace.view(number, school: school)
            if let last = earlier.last, let r = view.receipts.first(where: { $0.receipt.submission == last.id }) {
                previous.append(r.receipt)
            }
            guard let student = view.student, !gradeTwelveOnly || student.grade == 12 else { continue }
            var lines: [ReceiptLine] = []
            let birth = NationalRoster.birthDate(student.birthDate)
            switch office {
            case .it, .data:
                let group: ItemCategory.Group = office == .it ? .courseOutcome : .diverse
                let limit = office == .it ? school.settings.courseSelectionLimit : school.settings.diverseSelectionLimit
                let items = view.selected(in: year, group: group)
                    .filter { $0.group == .diverse || $0.status == .certified }
                    .sorted { ($0.term, $0.id) < ($1.term, $1.id) }.prefix(limit)
                for item in items {
                    let key = NationalRoster.key(school: school.code, term: item.term, nationalID: student.nationalID)
                    var inPackage: [ItemFile.Role: String] = [:]
                    for f in item.files {
                        let path = "files/\(number)/\(item.id)/\(f.name)"
                        let line = ReceiptLine(category: item.category, term: item.term, title: item.description,
                                               course: item.course, file: f.name, size: f.size, sha256: f.sha256, item: item.id)
                        lines.append(line)
                        files.append((path, workspace.studentDir(number) + "/" + f.path, line))
                        inPackage[f.role] = path
                        if office == .it {
                            let credits = view.records.first { $0.kind == "grade" && $0.term == item.term && $0.fields["course"] == item.course }?
                                .fields["credits"] ?? ""
                            rows.add(.courseOutcomes, NationalRoster.courseOutcomes.sheets[0].name, key + [
                                birth, String(item.term.semester), item.course ?? "", item.courseName ?? "", String(student.grade),
                                credits, item.description, path, String(f.size), f.sha256])
                        }
                    }
                    if office == .data, let sheet = NationalRoster.diverseSheets.first(where: { $0.category == item.category }) {
                        rows.add(.diverse, sheet.sheet, key + sheet.columns.map { item.fields[$0.field] ?? "" }
                                 + [item.description, inPackage[.document] ?? "", inPackage[.media] ?? "", item.link ?? ""])
                    }
                }
            case .registration:
                let key = NationalRoster.key(school: school.code, term: term!, nationalID: student.nationalID)
                lines.append(recordLine("student", term!, "學籍資料", NationalRoster.students.fileName, student))
                rows.add(.students, NationalRoster.students.sheets[0].name, key + NationalRoster.studentCells(student))
                for r in view.records where r.kind == "grade" && r.term == term {
                    lines.append(recordLine("grade", r.term, r.fields["subject"] ?? "", NationalRoster.grades.fileName, r.fields))
                    rows.add(.grades, NationalRoster.grades.sheets[0].name, key + NationalRoster.gradeCells(r.fields, student: student))
                }
            case .activities:
                for r in view.records where r.kind == "cadre" && r.term == term {
                    let key = NationalRoster.key(school: school.code, term: r.term, nationalID: student.nationalID)
                    lines.append(recordLine("cadre-record", r.term, (r.fields["unit"] ?? "") + " " + (r.fields["post"] ?? ""),
                                            NationalRoster.cadre.fileName, r.fields))
                    rows.add(.cadre, NationalRoster.cadre.sheets[0].name, key + NationalRoster.cadreCells(r.fields))
                }
            }
            if !lines.isEmpty {
                perStudent[number] = lines
                included[number] = student
            }
        }
        guard !perStudent.isEmpty else {
            throw FolioError(.badInput, gradeTwelveOnly ? Message("submit.nothing.gradeTwelve", ["period": text, "office": office.title])
                                                        : Message("submit.nothing", ["period": text, "office": office.title]),
                             hint: gradeTwelveOnly ? Message(office.isYearly ? "submit.nothing.nextYear.hint" : "submit.nothing.nextTerm.hint")
                                                   : Message("submit.nothing.hint"))
        }
        let id = "\(office.rawValue)-\(text)-\(earlier.count + 1)"
        let receipts = perStudent.keys.sorted().map {
            Receipt(school: school.code, student: $0, submission: id, office: office.rawValue, period: text, lines: perStudent[$0]!)
        }
        if let last = earlier.last {
            if previous.map({ [$0.student: $0.lines] }) == receipts.map({ [$0.student: $0.lines] }) {
                throw FolioError(.duplicate, "submit.unchanged", ["submission": last.id])
            }
        }
        // The package is built under .folio/ and renamed into submissions/ with the records.
        let staging = workspace.root + "/.folio/incoming/submit-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        try FileIO.makeDirectories(staging)
        defer {
            FileIO.removeTree(staging)
            removeIncomingFolder()
        }
        var inputs: [TarInput] = files.map { .file($0.path, sourcePath: $0.source) }
        var entries = files.map { BundleEntry(path: $0.path, size: Int64($0.line.size), sha256: $0.line.sha256) }
        for roster in NationalRoster.of(office) {
            let bytes = try rows.workbook(roster, school: school.code, year: year, term: term).bytes()
            inputs.append(.bytes(roster.path, Data(bytes)))
            entries.append(BundleEntry(path: roster.path, size: Int64(bytes.count), sha256: SHA256Hex.of(bytes)))
        }
        entries.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        let index = SubmissionIndex(school: school.code, id: id, office: office, period: text, created: now,
                                    supersedes: earlier.last?.id, files: entries, receipts: receipts)
        guard let indexBytes = try? CanonicalJSON.encode(index) else {
            throw FolioError(.internalError, "submit.indexNotEncoded")
        }
        inputs.append(.bytes("index.json", Data(indexBytes)))
        let package = staging + "/" + id + ".tar"
        do { try TarWriter.writeArchive(atPath: package, inputs) } catch {
            throw FolioError(.io, Message("submit.packageNotWritten", ["why": error.what]), hint: error.next)
        }
        let packageHash = try FileIO.hashFile(package).sha256
        let made = SubmissionMade(id: id, office: office, period: text, package: packageHash, students: receipts.count,
                                  lines: receipts.reduce(0) { $0 + $1.lines.count }, supersedes: earlier.last?.id)
        let schoolEvent = try sign(actor, .submissionMade, at: now, body: made)
        var studentEvents: [String: [StoredEvent]] = [:]
        for r in receipts {
            studentEvents[r.student] = [try sign(actor, .receiptIssued, student: r.student, at: schoolEvent.event.at, body: r)]
        }
        try appendAll(school: [schoolEvent], students: studentEvents, adopting: [(package, "submissions/\(id).tar")])
        return SubmissionReport(submission: made, path: workspace.root + "/submissions/\(id).tar", gradeTwelveOnly: gradeTwelveOnly)
    }

    private func recordLine(_ category: String, _ term: Term, _ title: String, _ file: String,
                            _ value: some Encodable) -> ReceiptLine {
        let bytes = (try? CanonicalJSON.encode(value)) ?? []
        return ReceiptLine(category: category, term: term, title: title, course: nil, file: file, size: bytes.count,
                           sha256: SHA256Hex.of(bytes), item: nil)
    }

    private func parsePeriod(_ office: SubmittingOffice, _ text: String) throws(FolioError) -> (AcademicYear, Term?) {
        if office.isYearly {
            guard let year = TermInput.academicYear(text), (100...200).contains(year.value) else {
                throw FolioError(.badTerm, "submit.period.notAYear", ["office": office.title, "text": text])
            }
            return (year, nil)
        }
        guard let term = TermInput.term(text) else {
            throw FolioError(.badTerm, "submit.period.notATerm", ["office": office.title, "text": text])
        }
        return (term.year, term)
    }
}
