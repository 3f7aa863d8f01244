import FolioCore
import Foundation

/// `folio roster import`: students, staff and courses as CSV exported by a school administration system
/// (UTF-8 with or without BOM, or Big5/CP950). A single bad row refuses the whole file, naming the row.
public enum RosterImport {
    public enum Kind: String, CaseIterable, Sendable { case students, staff, courses }

    static func table(_ path: String) throws(FolioError) -> CSVTable {
        let bytes = try FileIO.readAll(path)
        do { return try CSVTable.parse(bytes) } catch {
            throw FolioError(.badCSV, "\((path as NSString).lastPathComponent): \(error.message)", hint: error.hint)
        }
    }

    static func columns(_ t: CSVTable, _ file: String, _ wanted: [(String, [String], Bool)]) throws(FolioError) -> [String: Int] {
        var out: [String: Int] = [:]
        for (key, aliases, required) in wanted {
            if let i = t.column(named: aliases) { out[key] = i } else if required {
                throw FolioError(.badCSV, "\(file) has no column \(aliases[0]) (\(key)).",
                                 hint: "The first line must name the columns: \(wanted.filter(\.2).map { $0.1[0] }.joined(separator: ", ")).")
            }
        }
        return out
    }

    static func rowError(_ file: String, _ row: Int, _ what: String, hint: String) -> FolioError {
        FolioError(.badCSV, "\(file), line \(row + 2): \(what.hasSuffix(".") ? String(what.dropLast()) : what). Nothing was imported.", hint: hint)
    }

    static func date(_ text: String) -> CivilDate? { CivilDate(iso: text) ?? ROCDate(text)?.date }

    /// Students (學生名冊): one `student.set` event per row, made by the registration section.
    public static func students(_ path: String) throws(FolioError) -> [StudentRecord] {
        let file = (path as NSString).lastPathComponent
        let t = try table(path)
        let c = try columns(t, file, [
            ("number", ["學號", "number", "student_no"], true), ("name", ["姓名", "name"], true),
            ("id", ["身分證號", "身分證統一編號", "national_id"], true), ("birth", ["出生日期", "birth_date"], true),
            ("class", ["班級", "class"], true), ("grade", ["年級", "grade"], true),
            ("address", ["通訊地址", "address"], false), ("status", ["狀態", "status"], false),
            ("previous", ["原就讀學校", "previous_school"], false),
        ])
        var seen = Set<String>()
        var out: [StudentRecord] = []
        for (i, row) in t.rows.enumerated() {
            func cell(_ k: String) -> String { c[k].map { $0 < row.count ? row[$0] : "" } ?? "" }
            let number = cell("number")
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw rowError(file, i, "student number \"\(number)\" is not letters and digits", hint: "Fix the 學號 column.")
            }
            guard seen.insert(number).inserted else {
                throw rowError(file, i, "student \(number) appears twice", hint: "Remove the duplicate row.")
            }
            do { _ = try NationalID(cell("id")) } catch {
                throw rowError(file, i, "\(error.message)", hint: error.hint)
            }
            guard let birth = date(cell("birth")) else {
                throw rowError(file, i, "birth date \"\(cell("birth"))\" is not a date",
                               hint: "Write dates as 2008-03-14 or as ROC dates like 0970314.")
            }
            guard let grade = Int(cell("grade")), (10...12).contains(grade) else {
                throw rowError(file, i, "grade \"\(cell("grade"))\" is not 10, 11 or 12", hint: "Fix the 年級 column.")
            }
            let statusText = cell("status")
            let statuses: [String: StudentStatus] = ["": .enrolled, "在學": .enrolled, "enrolled": .enrolled,
                                                     "離校": .left, "休學": .left, "left": .left,
                                                     "畢業": .graduated, "graduated": .graduated,
                                                     "轉出": .transferred, "transferred": .transferred]
            guard let status = statuses[statusText] else {
                throw rowError(file, i, "status \"\(statusText)\" is not known", hint: "Use 在學, 離校, 畢業 or 轉出.")
            }
            let name = cell("name")
            guard !name.isEmpty else { throw rowError(file, i, "the name is empty", hint: "Fill in 姓名.") }
            let previous = cell("previous")
            out.append(StudentRecord(number: number, name: name, nationalID: cell("id"), birthDate: birth,
                                     className: cell("class"), grade: grade, address: cell("address"), status: status,
                                     previousSchool: previous.isEmpty ? nil : previous))
        }
        return out
    }

    /// Staff (教職員名冊): people and their offices. Keys are registered separately with `folio staff add`.
    public static func staff(_ path: String, existing: SchoolState) throws(FolioError) -> [(Principal, AvailabilityStatus)] {
        let file = (path as NSString).lastPathComponent
        let t = try table(path)
        let c = try columns(t, file, [
            ("id", ["職員編號", "id", "staff_id"], true), ("name", ["姓名", "name"], true),
            ("offices", ["處室", "offices", "office"], true), ("status", ["狀態", "status"], false),
        ])
        let byChinese = Dictionary(Office.names.map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [(Principal, AvailabilityStatus)] = []
        var seen = Set<String>()
        for (i, row) in t.rows.enumerated() {
            func cell(_ k: String) -> String { c[k].map { $0 < row.count ? row[$0] : "" } ?? "" }
            let id = cell("id")
            guard !id.isEmpty, id != SchoolState.rootPrincipal, id.allSatisfy({ $0.isASCII && !$0.isWhitespace }),
                  seen.insert(id).inserted else {
                throw rowError(file, i, "staff id \"\(id)\" is empty, repeated or not plain letters and digits",
                               hint: "Fix the 職員編號 column.")
            }
            var offices: [String] = []
            for part in cell("offices").split(whereSeparator: { ";、/".contains($0) }) {
                let text = part.trimmingCharacters(in: .whitespaces)
                guard let code = Office.names[text] != nil ? text : byChinese[text] else {
                    throw rowError(file, i, "office \"\(text)\" is not known",
                                   hint: "Use an office from the duty table, such as 註冊組 or registration.")
                }
                offices.append(code)
            }
            let statuses: [String: AvailabilityStatus] = ["": .available, "在職": .available, "available": .available,
                                                          "請假": .onLeave, "on-leave": .onLeave, "離職": .left, "left": .left]
            guard let status = statuses[cell("status")] else {
                throw rowError(file, i, "status \"\(cell("status"))\" is not known", hint: "Use 在職, 請假 or 離職.")
            }
            var p = existing.principal(id) ?? Principal(id: id, name: "", kind: .staff, offices: [], publicKey: nil)
            p.name = cell("name")
            p.offices = offices
            out.append((p, status))
        }
        return out
    }

    /// Courses (開課資料): teachers and, for joint courses, the reviewer.
    public static func courses(_ path: String) throws(FolioError) -> [Course] {
        let file = (path as NSString).lastPathComponent
        let t = try table(path)
        let c = try columns(t, file, [
            ("code", ["課程代碼", "code"], true), ("name", ["課程名稱", "name"], true), ("term", ["學期", "term"], true),
            ("teachers", ["授課教師", "teachers"], true), ("reviewer", ["審核教師", "reviewer"], false),
        ])
        var out: [Course] = []
        for (i, row) in t.rows.enumerated() {
            func cell(_ k: String) -> String { c[k].map { $0 < row.count ? row[$0] : "" } ?? "" }
            guard let term = Term(cell("term")) else {
                throw rowError(file, i, "term \"\(cell("term"))\" is not like 113-1", hint: "Write terms as 113-1 or 113-2.")
            }
            let teachers = cell("teachers").split(whereSeparator: { ";、/".contains($0) })
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard !cell("code").isEmpty, !teachers.isEmpty else {
                throw rowError(file, i, "a course needs a code and at least one teacher", hint: "Fill in 課程代碼 and 授課教師.")
            }
            let reviewer = cell("reviewer")
            out.append(Course(code: cell("code"), name: cell("name"), term: term, teachers: teachers,
                              reviewer: reviewer.isEmpty ? nil : reviewer))
        }
        return out
    }

    /// Office records from CSV: 學號, 學期 and one column per field (English name or Chinese label).
    public static func records(_ path: String, kind: RecordKind) throws(FolioError) -> [(String, RecordAdded)] {
        let file = (path as NSString).lastPathComponent
        let t = try table(path)
        var wanted: [(String, [String], Bool)] = [("number", ["學號", "number"], true), ("term", ["學期", "term"], true)]
        for f in kind.fields { wanted.append((f.name, [f.label, f.name], f.required)) }
        let c = try columns(t, file, wanted)
        var out: [(String, RecordAdded)] = []
        for (i, row) in t.rows.enumerated() {
            func cell(_ k: String) -> String { c[k].map { $0 < row.count ? row[$0] : "" } ?? "" }
            guard let term = Term(cell("term")) else {
                throw rowError(file, i, "term \"\(cell("term"))\" is not like 113-1", hint: "Write terms as 113-1 or 113-2.")
            }
            var fields: [String: String] = [:]
            for f in kind.fields {
                let v = cell(f.name)
                if f.required && v.isEmpty {
                    throw rowError(file, i, "\(f.label) is empty", hint: "Every \(kind.title) row needs \(f.label).")
                }
                if !v.isEmpty { fields[f.name] = v }
            }
            out.append((cell("number"), RecordAdded(kind: kind.code, term: term, fields: fields)))
        }
        return out
    }
}
