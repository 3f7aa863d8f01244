import FolioCore
import Foundation

/// What the student's page shows, as plain values for the template: items by term (newest first) with
/// their state and any return reason, the selection counts per academic year (已勾選 4/6), and the
/// receipts with each file's short code.
struct StudentPageModel {
    let view: StudentView
    let school: SchoolState
    /// The paths of the files this workspace holds (all of them at the office; at a kiosk, those uploaded there).
    var held: Set<String>? = nil

    var values: [String: Any] {
        ["name": view.student?.name ?? "", "number": view.number, "className": Self.shown(view.student?.className),
         "terms": terms, "years": years, "hasYears": !view.items.isEmpty, "receipts": receipts,
         "hasReceipts": view.receipts.contains { !$0.superseded }, "hasItems": !view.items.isEmpty]
    }

    var terms: [[String: Any]] {
        Dictionary(grouping: view.items, by: \.term).sorted { $0.key > $1.key }.map { term, items in
            ["term": term.label, "items": items.sorted { $0.uploadedAt > $1.uploadedAt }.map(item)]
        }
    }

    func item(_ item: ItemView) -> [String: Any] {
        let category = Catalog.category(item.category)?.title ?? item.category
        let course = item.course.map { code in item.courseName.map { "\($0)（\(code)）" } ?? code }
        let reason = item.status == .rejected ? item.decision?.reason : nil
        let canSelect = item.group == .diverse || item.status == .certified
        return ["id": item.id, "category": category, "course": Self.shown(course), "description": item.description,
                "status": Message("status.item." + item.status.rawValue).text(), "state": item.status.rawValue,
                "reason": Self.shown(reason), "selected": item.selected, "canSelect": canSelect && !item.selected,
                "files": item.files.enumerated().map { index, file -> [String: Any] in
                    let here = held?.contains(file.path) ?? true
                    return ["name": file.name, "href": here ? "/me/files/\(item.id)/\(index)" : false, "code": ShortCode.of(file.sha256)]
                }]
    }

    /// Selections count per academic year and group, against the school's limits.
    var years: [[String: Any]] {
        let years = Set(view.items.map(\.term.year)).sorted(by: >)
        return years.map { year in
            let course = view.selected(in: year, group: .courseOutcome).count
            let diverse = view.selected(in: year, group: .diverse).count
            return ["year": Message("web.year", ["year": year.value]).text(),
                    "course": Message("web.student.selectedCount", ["count": course, "limit": school.settings.courseSelectionLimit]).text(),
                    "diverse": Message("web.student.selectedCount", ["count": diverse, "limit": school.settings.diverseSelectionLimit]).text()]
        }
    }

    var receipts: [[String: Any]] {
        view.receipts.filter { !$0.superseded }.map { receipt in
            let open = receipt.answer == .open
            let office = SubmittingOffice(rawValue: receipt.receipt.office)?.title ?? receipt.receipt.office
            let period = school.confirmation(for: receipt.receipt.submission)
            return ["submission": receipt.receipt.submission, "code": receipt.code,
                    "what": "\(office)（\(receipt.receipt.period)）",
                    "deadline": StudentPageModel.shown(open ? period.map { Message("web.receipt.deadline", ["to": $0.to.description]).text() } : nil),
                    "answer": Message("receipt.answer." + receipt.answer.rawValue).text(), "open": open,
                    "lines": receipt.receipt.lines.map { line in
                        ["category": Catalog.category(line.category)?.title ?? Catalog.recordKind(line.category)?.title ?? line.category,
                         "title": line.title, "file": line.file, "code": ShortCode.of(line.sha256), "item": line.item ?? "",
                         "hasItem": line.item != nil]
                    }]
        }
    }

    /// A value a template section shows only when there is one: mustache counts an empty string as something.
    static func shown(_ text: String?) -> Any {
        guard let text, !text.isEmpty else { return false }
        return text
    }
}
