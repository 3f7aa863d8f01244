import Foundation

/// The central database's 名冊 workbooks, as far as public sources show them (Docs/receipts.md says what is known,
/// where it comes from, and what folio assumes). Every sheet name, column and cell rule of a submission package's
/// workbooks is here, so that a change in the national layout is a change to this file alone.
///
/// Each workbook opens with a cover sheet (封面) whose second row holds 學校代碼, 學年度, 學期 and the roster's name;
/// every row of every data sheet starts with 學校代碼, 學年度, 學期 and 身分證號, the key the central database
/// matches students by. All cells are text, so codes keep their leading zeros.
public enum NationalRoster: String, CaseIterable, Sendable {
    /// 學生資料名冊 (註冊組, each term).
    case students
    /// 學生成績名冊 (註冊組, each term).
    case grades
    /// 學生課程學習成果名冊 (資訊組, each year).
    case courseOutcomes
    /// 幹部經歷暨事蹟紀錄 as the school records it (訓育組, each term).
    case cadre
    /// 學生自填多元表現名冊, one sheet per category (資料組, each year).
    case diverse

    /// Where the workbook sits in a submission package.
    public var path: String {
        switch self {
        case .students: return "01_學業表現上傳資料/2_學生資料名冊.xlsx"
        case .grades: return "01_學業表現上傳資料/3_學生成績名冊.xlsx"
        case .courseOutcomes: return "01_學業表現上傳資料/7_學生課程學習成果名冊.xlsx"
        case .cadre: return "02_非學業表現上傳資料/1_幹部經歷暨事蹟紀錄名冊.xlsx"
        case .diverse: return "02_非學業表現上傳資料/2_學生自填多元表現名冊.xlsx"
        }
    }

    /// The workbook's file name: what a receipt line of an office record names as the file it travels in.
    public var fileName: String { String(path.split(separator: "/").last!) }

    /// 名冊別, as the cover sheet names it.
    public var title: String {
        switch self {
        case .students: return "學生資料名冊"
        case .grades: return "學生成績名冊"
        case .courseOutcomes: return "學生課程學習成果名冊"
        case .cadre: return "幹部經歷暨事蹟紀錄名冊"
        case .diverse: return "學生自填多元表現名冊"
        }
    }

    /// The workbooks an office's submission carries.
    public static func of(_ office: SubmittingOffice) -> [NationalRoster] {
        switch office {
        case .registration: return [.students, .grades]
        case .it: return [.courseOutcomes]
        case .activities: return [.cadre]
        case .data: return [.diverse]
        }
    }

    /// The data sheets, in order, after the cover.
    public var sheets: [NationalSheet] {
        switch self {
        case .students:
            return [NationalSheet(name: "學生資料名冊", columns: ["出生日期", "性別代碼", "年級", "班級名稱", "座號", "學籍狀態"])]
        case .grades:
            return [NationalSheet(name: "學生成績名冊", columns: ["出生日期", "課程代碼", "科目名稱", "開課年級", "修課學分",
                                                            "學期學業成績", "成績及格"])]
        case .courseOutcomes:
            return [NationalSheet(name: "學期課程學習成果", columns: ["出生日期", "實際修課學期", "課程代碼", "科目名稱", "開課年級",
                                                              "修課學分", "成果簡述", "檔案名稱", "檔案大小", "檔案雜湊值"])]
        case .cadre:
            return [NationalSheet(name: "幹部經歷暨事蹟紀錄", columns: ["單位名稱", "開始日期", "結束日期", "擔任職務", "內容簡述", "幹部等級"])]
        case .diverse:
            return Self.diverseSheets.map { NationalSheet(name: $0.sheet, columns: $0.columns.map(\.header) + Self.diverseTail) }
        }
    }

    /// The columns every data row starts with.
    public static let keyColumns = ["學校代碼", "學年度", "學期", "身分證號"]
    /// The cover sheet: its header, and the row under it.
    public static let coverSheet = "封面"
    public static let coverColumns = ["學校代碼", "學年度", "學期", "名冊別", "筆數"]

    /// What every 多元表現 row ends with: the student's description, the files as the package holds them, a link.
    static let diverseTail = ["內容簡述", "證明文件", "影音檔案", "外部連結"]

    /// One 多元表現 category's sheet: its name and its columns, each the national header over folio's field.
    public struct DiverseSheet: Sendable {
        public var category: String
        public var sheet: String
        public var columns: [(header: String, field: String)]
    }

    /// The national sheet names and headers over the categories' own fields (`Catalog.categories`); a field the
    /// national layout names differently is given its national header, any other keeps folio's label.
    public static let diverseSheets: [DiverseSheet] = {
        let names: [(String, String)] = [
            ("cadre", "幹部經歷暨事蹟紀錄"), ("competition", "競賽參與紀錄"), ("certificate", "檢定證照紀錄"),
            ("volunteer", "服務學習紀錄"), ("flexible-learning", "彈性學習時間"), ("self-directed", "自主學習紀錄"),
            ("group-activity", "團體活動時間"), ("workplace", "職場學習"), ("works", "作品成果"),
            ("university-course", "大學及技專校院先修課程"), ("other", "其他多元表現"),
        ]
        let national: [String: [String: String]] = [
            "cadre": ["unit": "單位名稱"],
            "competition": ["event": "項目", "team": "參與類型"],
            "volunteer": ["hours": "時數"],
        ]
        return names.compactMap { code, sheet in
            guard let category = Catalog.category(code) else { return nil }
            return DiverseSheet(category: code, sheet: sheet,
                                columns: category.fields.map { (national[code]?[$0.name] ?? $0.label, $0.name) })
        }
    }()

    /// 成績及格: 1 when the term score reaches 60, the pass mark of senior high school grades; 0 below it; empty
    /// when the score is not a number.
    public static func passed(_ score: String) -> String {
        guard let value = Double(score.trimmingCharacters(in: .whitespaces)) else { return "" }
        return value >= 60 ? "1" : "0"
    }

    /// 學籍狀態 as the roster writes it.
    public static func status(_ s: StudentStatus) -> String {
        switch s {
        case .enrolled: return "在學"
        case .left: return "離校"
        case .graduated: return "畢業"
        case .transferred: return "轉出"
        }
    }

    /// 出生日期 as the national rosters write it: the ROC date in seven digits (0950101).
    public static func birthDate(_ date: CivilDate?) -> String {
        date.flatMap { ROCDate($0)?.text } ?? ""
    }

    /// A student's cells of 學生資料名冊, after the key.
    public static func studentCells(_ s: StudentRecord) -> [String] {
        [birthDate(s.birthDate), (try? NationalID(s.nationalID)).map { String($0.sexCode) } ?? "", String(s.grade), s.className,
         s.seat.map(String.init) ?? "", status(s.status)]
    }

    /// A grade record's cells of 學生成績名冊, after the key.
    public static func gradeCells(_ fields: [String: String], student s: StudentRecord) -> [String] {
        let score = fields["score"] ?? ""
        return [birthDate(s.birthDate), fields["course"] ?? "", fields["subject"] ?? "", String(s.grade), fields["credits"] ?? "",
                score, passed(score)]
    }

    /// A cadre record's cells of 幹部經歷暨事蹟紀錄, after the key: the record has no description of its own.
    public static func cadreCells(_ fields: [String: String]) -> [String] {
        [fields["unit"] ?? "", fields["start"] ?? "", fields["end"] ?? "", fields["post"] ?? "", "", fields["level"] ?? ""]
    }

    /// The values a printed receipt shows under an office record's line: the cells submitted for it, each under
    /// its column's name (empty ones left out), found again from the office's own records. A line's SHA-256 is that
    /// of the record it was made from, so only the very record that was submitted gives values; a registration
    /// changed since, or a record the machine does not hold, gives none. Values are never stored in the receipt
    /// itself, which every kiosk holds: grades and birth dates stay with the office.
    public static func values(_ line: ReceiptLine, student: StudentRecord, records: [RecordView]) -> [ReceiptValue] {
        guard line.item == nil else { return [] }
        func hash(_ value: some Encodable) -> String? { (try? CanonicalJSON.encode(value)).map(SHA256Hex.of) }
        var columns: [String] = [], cells: [String] = []
        switch line.category {
        case "student":
            guard hash(student) == line.sha256 else { return [] }
            (columns, cells) = (NationalRoster.students.sheets[0].columns, studentCells(student))
        case "grade":
            guard let r = records.first(where: { $0.kind == "grade" && $0.term == line.term && hash($0.fields) == line.sha256 }) else { return [] }
            (columns, cells) = (NationalRoster.grades.sheets[0].columns, gradeCells(r.fields, student: student))
        case "cadre-record":
            guard let r = records.first(where: { $0.kind == "cadre" && $0.term == line.term && hash($0.fields) == line.sha256 }) else { return [] }
            (columns, cells) = (NationalRoster.cadre.sheets[0].columns, cadreCells(r.fields))
        default:
            return []
        }
        // 開課年級 is the student's grade now, not a value of the record the student could check.
        return zip(columns, cells).filter { !$0.1.isEmpty && $0.0 != "開課年級" }.map { ReceiptValue($0.0, $0.1) }
    }

    /// The key cells a data row starts with.
    public static func key(school: String, term: Term, nationalID: String) -> [String] {
        [school, String(term.year.value), String(term.semester), nationalID]
    }
}

/// One data sheet of a national roster: its name and the columns after the key columns.
public struct NationalSheet: Sendable, Hashable {
    public var name: String
    public var columns: [String]

    /// The header row: the key columns, then the sheet's own.
    public var header: [String] { NationalRoster.keyColumns + columns }
}
