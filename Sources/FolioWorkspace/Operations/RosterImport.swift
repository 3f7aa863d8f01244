import FolioCore
import Foundation

/// `folio roster import`: students, staff and courses as CSV exported by a school administration system
/// (UTF-8 with or without BOM, or Big5/CP950). A single bad row refuses the whole file, naming the row.
public enum RosterImport {
    public enum Kind: String, CaseIterable, Sendable { case students, staff, courses }

    /// A file that cannot be read as CSV: nothing of it is imported.
    static func fileError(_ file: ImportFile, _ error: CSVError) -> FolioError {
        FolioError(.badCSV, Message("roster.file.notCSV", ["file": file, "problem": error.what]), hint: error.next)
    }

    static func columns(_ header: [String], _ file: ImportFile, _ wanted: [(String, [String], Bool)]) throws(FolioError) -> [String: Int] {
        let t = CSVTable(header: header, rows: [])
        var out: [String: Int] = [:]
        for (key, aliases, required) in wanted {
            if let i = t.column(named: aliases) { out[key] = i } else if required {
                throw FolioError(.badCSV, "roster.file.noColumn", ["file": file, "column": aliases[0], "key": key,
                                                                   "columns": wanted.filter(\.2).map { $0.1[0] }.joined(separator: ", ")])
            }
        }
        return out
    }

    /// A refused line of a file: the whole file is refused. `key` names what is wrong with the line, a phrase
    /// without a full stop, and `key.hint` what to do; both may use `{file}` and `{line}` besides `values`.
    /// A sheet of a workbook counts rows (列) where a CSV file counts lines (行): Excel's own row numbers.
    static func lineError(_ file: ImportFile, _ line: Int, _ key: String, _ values: [String: any MessageValue] = [:]) -> FolioError {
        let values = values.merging(["file": file, "line": line]) { mine, _ in mine }
        return FolioError(.badCSV, Message(file.sheet == nil ? "roster.file.line" : "roster.file.row",
                                           ["file": file, "line": line, "what": Message(key, values)]),
                          hint: Message(key + ".hint", values))
    }

    /// The same, refused by another rule whose whole sentence (with its own full stop) says why.
    static func lineError(_ file: ImportFile, _ line: Int, sentence error: FolioError) -> FolioError {
        FolioError(.badCSV, Message(file.sheet == nil ? "roster.file.lineSentence" : "roster.file.rowSentence",
                                    ["file": file, "line": line, "what": error.what]), hint: error.next)
    }

    static func date(_ text: String) -> CivilDate? { DateInput.date(text) }

    /// A student number that can be a folder name and belongs to no sealed graduate, or the line's refusal.
    static func checkNumber(_ number: String, file: ImportFile, line: Int, school: SchoolState) throws(FolioError) {
        do { try WorkspaceSession.checkStudentNumber(number) } catch {
            throw lineError(file, line, sentence: error)
        }
        if let sealed = school.archived(number) {
            throw lineError(file, line, "roster.row.sealed", ["number": number, "sealed": "\(sealed.sealed.sealed)"])
        }
    }

    /// Staff (教職員名冊): people, their offices and whether they are away. Keys are registered separately with
    /// `folio staff add`; a person's key stays as it is.
    public static func staff(_ path: String, sheet: String? = nil, existing: SchoolState, today: CivilDate) throws(FolioError) -> RosterChanges<StaffRow> {
        let table = try TableFile.open(path, sheet: sheet)
        let file = table.file
        var out = RosterChanges<StaffRow>(file: file)
        var c: [String: Int] = [:]
        let byChinese = Dictionary(Office.names.map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var seen: [String: Int] = [:]
        let statuses: [String: AvailabilityStatus] = ["": .available, "在職": .available, "available": .available,
                                                      "請假": .onLeave, "on-leave": .onLeave, "離職": .left, "left": .left]
        try table.read(describe: { fileError(file, $0) }, header: { (header: [String]) throws(FolioError) in
            c = try columns(header, file, [
                ("id", ["職員編號", "id", "staff_id"], true), ("name", ["姓名", "name"], true),
                ("offices", ["處室", "offices", "office"], true), ("status", ["狀態", "status"], false),
            ])
        }, row: { (line: Int, row: [String]) throws(FolioError) in
            func cell(_ k: String) -> String { c[k].map { $0 < row.count ? row[$0] : "" } ?? "" }
            out.rows += 1
            let id = cell("id")
            guard !id.isEmpty, id != SchoolState.rootPrincipal, id.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw lineError(file, line, "roster.row.staffId", ["id": id])
            }
            if let earlier = seen[id] {
                throw lineError(file, line, "roster.row.staffTwice", ["id": id, "earlier": earlier])
            }
            seen[id] = line
            var offices: [String] = []
            for part in cell("offices").split(whereSeparator: { ";、/".contains($0) }) {
                let text = part.trimmingCharacters(in: .whitespaces)
                guard let code = Office.names[text] != nil ? text : byChinese[text] else {
                    throw lineError(file, line, "roster.row.office", ["office": text])
                }
                offices.append(code)
            }
            guard let status = statuses[cell("status")] else {
                throw lineError(file, line, "roster.row.staffStatus", ["status": cell("status")])
            }
            let old = existing.principal(id)
            var p = old ?? Principal(id: id, name: "", kind: .staff, offices: [], publicKey: nil)
            p.name = cell("name")
            p.offices = offices
            // 在職 in the file does not end a leave recorded here: the school system's export may be older.
            let now = existing.unavailability(id, on: today)?.status ?? .available
            let marksAway = status != .available && status != now
            var changes: [Message] = []
            if let old {
                if old.name != p.name { changes.append(Message("roster.change.staff.name", ["from": old.name, "to": p.name])) }
                if old.offices != p.offices {
                    changes.append(Message("roster.change.staff.offices", ["from": StaffRow.list(old.offices), "to": StaffRow.list(p.offices)]))
                }
            }
            if marksAway {
                changes.append(Message("roster.change.staff.status", ["from": Message("staff.status." + now.rawValue),
                                                                      "to": Message("staff.status." + status.rawValue)]))
            }
            let entry = RosterEntry(line: line, id: id, title: p.name, changes: changes,
                                    value: StaffRow(principal: p, writesPrincipal: old != p, status: marksAway ? status : nil))
            if old == nil { out.added.append(entry) } else if changes.isEmpty { out.unchanged += 1 } else { out.changed.append(entry) }
        })
        return out
    }

    /// Courses (開課資料): teachers and, for joint courses, the reviewer.
    public static func courses(_ path: String, sheet: String? = nil, existing: SchoolState) throws(FolioError) -> RosterChanges<Course> {
        let table = try TableFile.open(path, sheet: sheet)
        let file = table.file
        var out = RosterChanges<Course>(file: file)
        var c: [String: Int] = [:]
        var seen: [String: Int] = [:]
        try table.read(describe: { fileError(file, $0) }, header: { (header: [String]) throws(FolioError) in
            c = try columns(header, file, [
                ("code", ["課程代碼", "code"], true), ("name", ["課程名稱", "name"], true), ("term", ["學期", "term"], true),
                ("teachers", ["授課教師", "teachers"], true), ("reviewer", ["審核教師", "reviewer"], false),
            ])
        }, row: { (line: Int, row: [String]) throws(FolioError) in
            func cell(_ k: String) -> String { c[k].map { $0 < row.count ? row[$0] : "" } ?? "" }
            out.rows += 1
            guard let term = TermInput.term(cell("term")) else {
                throw lineError(file, line, "roster.row.term", ["term": cell("term"), "forms": TermInput.forms])
            }
            let teachers = cell("teachers").split(whereSeparator: { ";、/".contains($0) })
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard !cell("code").isEmpty, !teachers.isEmpty else {
                throw lineError(file, line, "roster.row.courseIncomplete")
            }
            let key = "\(cell("code")) \(term)"
            if let earlier = seen[key] {
                throw lineError(file, line, "roster.row.courseTwice", ["course": key, "earlier": earlier])
            }
            seen[key] = line
            let reviewer = cell("reviewer")
            let course = Course(code: cell("code"), name: cell("name"), term: term, teachers: teachers,
                                reviewer: reviewer.isEmpty ? nil : reviewer)
            let old = existing.course(course.code, term: term)
            var changes: [Message] = []
            if let old {
                if old.name != course.name { changes.append(Message("roster.change.course.name", ["from": old.name, "to": course.name])) }
                if old.teachers != course.teachers {
                    changes.append(Message("roster.change.course.teachers", ["from": old.teachers.joined(separator: "、"),
                                                                             "to": course.teachers.joined(separator: "、")]))
                }
                if old.reviewer != course.reviewer {
                    func reviewer(_ id: String?) -> any MessageValue { id ?? Message("roster.reviewer.none") }
                    changes.append(Message("roster.change.course.reviewer", ["from": reviewer(old.reviewer), "to": reviewer(course.reviewer)]))
                }
            }
            let entry = RosterEntry(line: line, id: key, title: course.name, changes: changes, value: course)
            if old == nil { out.added.append(entry) } else if changes.isEmpty { out.unchanged += 1 } else { out.changed.append(entry) }
        })
        return out
    }

    /// Office records from CSV or a sheet of a workbook: 學號, 學期 and one column per field (English name or
    /// Chinese label).
    public static func records(_ path: String, sheet: String? = nil, kind: RecordKind) throws(FolioError) -> [(String, RecordAdded)] {
        let table = try TableFile.open(path, sheet: sheet)
        let file = table.file
        var wanted: [(String, [String], Bool)] = [("number", ["學號", "number"], true), ("term", ["學期", "term"], true)]
        for f in kind.fields { wanted.append((f.name, [f.label, f.name], f.required)) }
        var c: [String: Int] = [:]
        var out: [(String, RecordAdded)] = []
        try table.read(describe: { fileError(file, $0) }, header: { (header: [String]) throws(FolioError) in
            c = try columns(header, file, wanted)
        }, row: { (line: Int, row: [String]) throws(FolioError) in
            func cell(_ k: String) -> String { c[k].map { $0 < row.count ? row[$0] : "" } ?? "" }
            guard let term = TermInput.term(cell("term")) else {
                throw lineError(file, line, "roster.row.term", ["term": cell("term"), "forms": TermInput.forms])
            }
            var fields: [String: String] = [:]
            for f in kind.fields {
                let v = cell(f.name)
                if f.required && v.isEmpty {
                    throw lineError(file, line, "roster.row.fieldEmpty", ["label": f.label, "kind": kind.title])
                }
                if !v.isEmpty { fields[f.name] = v }
            }
            out.append((cell("number"), RecordAdded(kind: kind.code, term: term, fields: fields)))
        })
        return out
    }
}

/// What a staff or courses roster would change: rows that add an entry, rows that change one (each change
/// in words), and how many rows match what the school holds.
public struct RosterChanges<Value: Sendable>: Sendable {
    /// The file, and the sheet read from a workbook.
    public var file: ImportFile
    public var rows = 0
    public var added: [RosterEntry<Value>] = []
    public var changed: [RosterEntry<Value>] = []
    public var unchanged = 0

    public var changesNothing: Bool { added.isEmpty && changed.isEmpty }
}

/// One row of a staff or courses roster that adds or changes something.
public struct RosterEntry<Value: Sendable>: Sendable {
    public var line: Int
    /// The staff id, or the course code and term.
    public var id: String
    /// The person's or the course's name.
    public var title: String
    /// What changes, in words (empty for a new entry).
    public var changes: [Message]
    public var value: Value
}

/// A staff roster row to record: the person (their key kept) and, when they are away from today, how.
public struct StaffRow: Sendable {
    public var principal: Principal
    /// Whether the person's entry itself changes (a row that only marks someone away does not).
    public var writesPrincipal: Bool
    /// Set when the row records the person as on leave or left from today.
    public var status: AvailabilityStatus?

    /// Offices as `註冊組 (registration), 任課教師 (course-teacher)`, or none.
    public static func list(_ offices: [String]) -> Message {
        offices.isEmpty ? Message("roster.offices.none") : .verbatim(offices.map(Office.label).joined(separator: ", "))
    }
}
