import FolioCore
import Foundation

/// What a students' roster (學生名冊) would change in the workspace: `folio roster import students` shows it,
/// and writes it only with `--apply` (`WorkspaceSession.register`).
///
/// The file is read a line at a time (`CSVFile`), and only the rows that change something are kept, so a
/// whole school's roster takes little memory. Every row is checked before anything is written: a bad row, a
/// student number (學號) or national ID (身分證號) given twice in the file, or a national ID that belongs to
/// another student of the workspace refuses the whole file, naming the lines.
public struct StudentRoster: Sendable {
    /// A field of a student's registration (學籍資料), as the roster's columns name it.
    public enum Field: String, CaseIterable, Sendable, Encodable {
        case name, nationalID, birthDate, className, grade, address, status, previousSchool, seat, postalCode

        /// The column's name: `class (班級)` in English, `班級` in Chinese.
        public var label: Message { Message("roster.field." + rawValue) }

        /// The field's value as folio prints it: a national ID masked; nil for the address and the birth date,
        /// which are personal and shown only as changed.
        public func shown(_ r: StudentRecord) -> String? {
            switch self {
            case .name: return r.name
            case .nationalID: return (try? NationalID(r.nationalID))?.masked ?? "****"
            case .birthDate, .address, .postalCode: return nil
            case .className: return r.className
            case .seat: return r.seat.map(String.init) ?? ""
            case .grade: return String(r.grade)
            case .status: return r.status.rawValue
            case .previousSchool: return r.previousSchool ?? ""
            }
        }

        func value(_ r: StudentRecord) -> String {
            switch self {
            case .name: return r.name
            case .nationalID: return r.nationalID
            case .birthDate: return r.birthDate?.description ?? ""
            case .className: return r.className
            case .grade: return String(r.grade)
            case .address: return r.address
            case .status: return r.status.rawValue
            case .previousSchool: return r.previousSchool ?? ""
            case .seat: return r.seat.map(String.init) ?? ""
            case .postalCode: return r.postalCode ?? ""
            }
        }
    }

    /// A row that registers a student the workspace does not hold yet.
    public struct New: Sendable {
        public var line: Int
        public var record: StudentRecord
    }

    /// A row that changes a registered student: the registration now and as the row gives it.
    public struct Change: Sendable {
        public var line: Int
        public var old: StudentRecord
        public var new: StudentRecord
        public var fields: [Field]
    }

    /// The roster's file name (and the sheet read from a workbook), for messages.
    public var file: ImportFile
    /// How the file was read.
    public var encoding: CSVEncoding = .utf8
    /// Rows in the file.
    public var rows = 0
    public var added: [New] = []
    public var changed: [Change] = []
    /// Rows that match the student's registration exactly.
    public var unchanged = 0
    /// Enrolled (在學) students of the workspace that the file does not list. They are only reported: a
    /// student leaves by a status (狀態) in the roster, never by being left out of it.
    public var missing: [StudentRecord] = []

    /// Whether importing the file would write anything.
    public var changesNothing: Bool { added.isEmpty && changed.isEmpty }

    /// Reads and checks the roster at `path` against the students `workspace` holds now.
    public static func plan(_ path: String, sheet: String? = nil, workspace: Workspace, school: SchoolState) throws(FolioError) -> StudentRoster {
        let table = try TableFile.open(path, sheet: sheet)
        let file = table.file
        var plan = StudentRoster(file: file)
        let registered = Registered(workspace)
        var columns: [String: Int] = [:]
        var lineOfNumber: [String: Int] = [:]
        var lineOfID: [String: (line: Int, number: String)] = [:]
        plan.encoding = try table.read(describe: { RosterImport.fileError(file, $0) }, header: { (header: [String]) throws(FolioError) in
            columns = try RosterImport.columns(header, file, [
                ("number", ["學號", "number", "student_no"], true), ("name", ["姓名", "name"], true),
                ("id", ["身分證號", "身分證統一編號", "national_id"], true), ("birth", ["出生日期", "birth_date"], true),
                ("class", ["班級", "class"], true), ("grade", ["年級", "grade"], true),
                ("address", ["通訊地址", "address"], false), ("status", ["狀態", "status"], false),
                ("previous", ["原就讀學校", "previous_school"], false),
                ("seat", ["座號", "seat"], false), ("postal", ["郵遞區號", "postal_code"], false),
            ])
        }, row: { (line: Int, row: [String]) throws(FolioError) in
            plan.rows += 1
            var record = try Self.record(row, columns: columns, file: file, line: line)
            try RosterImport.checkNumber(record.number, file: file, line: line, school: school)
            if let earlier = lineOfNumber[record.number] {
                throw RosterImport.lineError(file, line, "roster.row.studentTwice", ["number": record.number, "earlier": earlier])
            }
            lineOfNumber[record.number] = line
            if let earlier = lineOfID[record.nationalID] {
                throw RosterImport.lineError(file, line, "roster.row.idTwice", ["id": Self.masked(record.nationalID), "number": record.number,
                                                                                 "earlier": earlier.line, "other": earlier.number])
            }
            lineOfID[record.nationalID] = (line, record.number)
            guard let old = registered.records[record.number] else {
                plan.added.append(New(line: line, record: record))
                return
            }
            // A column the file does not have says nothing about the students: their value stays.
            if columns["address"] == nil { record.address = old.address }
            if columns["status"] == nil { record.status = old.status }
            if columns["previous"] == nil { record.previousSchool = old.previousSchool }
            if columns["seat"] == nil { record.seat = old.seat }
            if columns["postal"] == nil { record.postalCode = old.postalCode }
            let fields = Field.allCases.filter { $0.value(old) != $0.value(record) }
            if fields.isEmpty {
                plan.unchanged += 1
            } else {
                plan.changed.append(Change(line: line, old: old, new: record, fields: fields))
            }
        })
        // A national ID held by another student of the workspace is a second person with one ID, unless the
        // file gives that student another ID (two IDs swapped back to the right students). Rows were kept in the
        // file's order, so the first such row of either list, by line, is the first in the file.
        func conflict(_ line: Int, _ record: StudentRecord) -> FolioError? {
            guard let holder = registered.holders[record.nationalID], holder != record.number, lineOfNumber[holder] == nil else {
                return nil
            }
            let name = registered.records[holder]?.name ?? ""
            return RosterImport.lineError(file, line, "roster.row.idTaken", ["id": Self.masked(record.nationalID), "number": record.number,
                                                                             "holder": holder, "name": name])
        }
        let firstNew = plan.added.lazy.compactMap { n in conflict(n.line, n.record).map { (n.line, $0) } }.first
        let firstChanged = plan.changed.lazy.compactMap { c in conflict(c.line, c.new).map { (c.line, $0) } }.first
        if let first = [firstNew, firstChanged].compactMap({ $0 }).min(by: { $0.0 < $1.0 }) { throw first.1 }
        plan.missing = registered.records.values.filter { $0.status == .enrolled && lineOfNumber[$0.number] == nil }
            .sorted { $0.number < $1.number }
        return plan
    }

    /// `A12****789`.
    static func masked(_ id: String) -> String { (try? NationalID(id))?.masked ?? "****" }

    /// One row as a registration, or the reason it is refused.
    static func record(_ row: [String], columns c: [String: Int], file: ImportFile, line: Int) throws(FolioError) -> StudentRecord {
        func cell(_ k: String) -> String { c[k].map { $0 < row.count ? row[$0] : "" } ?? "" }
        let number = cell("number")
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw RosterImport.lineError(file, line, "roster.row.studentNumber", ["number": number])
        }
        do { _ = try NationalID(cell("id")) } catch {
            throw RosterImport.lineError(file, line, sentence: FolioError(.badNationalID, error.what, hint: error.next))
        }
        guard let birth = RosterImport.date(cell("birth")) else {
            throw RosterImport.lineError(file, line, "roster.row.birth", ["date": cell("birth")])
        }
        guard let grade = Int(cell("grade")), (10...12).contains(grade) else {
            throw RosterImport.lineError(file, line, "roster.row.grade", ["grade": cell("grade")])
        }
        let statusText = cell("status")
        guard let status = Self.statuses[statusText] else {
            throw RosterImport.lineError(file, line, "roster.row.studentStatus", ["status": statusText])
        }
        let name = cell("name")
        guard !name.isEmpty else { throw RosterImport.lineError(file, line, "roster.row.noName") }
        let previous = cell("previous")
        let seatText = cell("seat")
        var seat: Int?
        if !seatText.isEmpty {
            guard let n = Int(seatText), (1...99).contains(n) else {
                throw RosterImport.lineError(file, line, "roster.row.seat", ["seat": seatText])
            }
            seat = n
        }
        // 3+2 or 3+3 digits (3 alone is the old form); a hyphen or space between the parts is dropped.
        let postal = cell("postal").filter { $0 != "-" && $0 != " " }
        guard postal.isEmpty || ([3, 5, 6].contains(postal.count) && postal.allSatisfy({ $0.isASCII && $0.isNumber })) else {
            throw RosterImport.lineError(file, line, "roster.row.postalCode", ["code": cell("postal")])
        }
        return StudentRecord(number: number, name: name, nationalID: cell("id"), birthDate: birth,
                             className: cell("class"), grade: grade, address: cell("address"), status: status,
                             previousSchool: previous.isEmpty ? nil : previous, seat: seat,
                             postalCode: postal.isEmpty ? nil : postal)
    }

    static let statuses: [String: StudentStatus] = ["": .enrolled, "在學": .enrolled, "enrolled": .enrolled,
                                                    "離校": .left, "休學": .left, "left": .left,
                                                    "畢業": .graduated, "graduated": .graduated,
                                                    "轉出": .transferred, "transferred": .transferred]

    /// The registrations the workspace holds now, from each student's stored view (folded again where it is
    /// missing), and which student holds each national ID.
    struct Registered {
        var records: [String: StudentRecord] = [:]
        var holders: [String: String] = [:]

        init(_ workspace: Workspace) {
            let numbers = workspace.studentNumbers()
            let found = Parallel.map(numbers.count) { i in workspace.storedManifest(numbers[i])?.student }
            var school: SchoolState?
            for (number, stored) in zip(numbers, found) {
                var record = stored
                if record == nil {
                    if school == nil { school = workspace.school() }
                    record = workspace.view(number, school: school!).student
                }
                guard let record else { continue }
                records[number] = record
                holders[record.nationalID] = number
            }
        }
    }
}
