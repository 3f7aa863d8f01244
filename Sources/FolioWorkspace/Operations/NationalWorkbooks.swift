import FolioCore

/// The rows of a submission's national roster workbooks (`NationalRoster`), gathered student by student and
/// written as .xlsx once every student is in. The same rows give the same bytes (`Workbook`).
struct NationalRows {
    private var sheets: [NationalRoster: [String: [[String]]]] = [:]

    mutating func add(_ roster: NationalRoster, _ sheet: String, _ row: [String]) {
        sheets[roster, default: [:]][sheet, default: []].append(row)
    }

    /// The workbook: the cover sheet, then every sheet the layout lists, in its order, empty ones too, so that a
    /// reader finds the same sheets in every submission of the kind.
    func workbook(_ roster: NationalRoster, school: String, year: AcademicYear, term: Term?) -> Workbook {
        let data = roster.sheets.map { sheet in
            Workbook.Sheet(name: sheet.name, header: sheet.header,
                           rows: (sheets[roster]?[sheet.name] ?? []).map { $0.map(Workbook.Cell.text) })
        }
        let count = data.reduce(0) { $0 + $1.rows.count }
        let cover = Workbook.Sheet(name: NationalRoster.coverSheet, header: NationalRoster.coverColumns,
                                   rows: [[.text(school), .text(String(year.value)), .text(term.map { String($0.semester) } ?? ""),
                                           .text(roster.title), .number(count)]])
        return Workbook(title: roster.title, sheets: [cover] + data)
    }
}
