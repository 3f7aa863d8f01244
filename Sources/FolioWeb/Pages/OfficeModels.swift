import FolioCore
import FolioWorkspace
import Foundation

/// The school's status for the office page: the filters offered from the school's own data (classes, courses,
/// teachers, states), a search by number or name, and one page of lines at a time.
struct OfficeStatusModel {
    let values: [String: Any]

    init(status: SchoolStatus, school: SchoolState, filter: StatusFilter, search: String?, page: Int, pageSize: Int) {
        let found = status.students.filter { line in
            guard let search else { return true }
            return line.number.hasPrefix(search) || line.name.contains(search)
        }
        let pages = max(1, (found.count + pageSize - 1) / pageSize)
        let page = min(page, pages)
        let shown = found.dropFirst((page - 1) * pageSize).prefix(pageSize)
        let classes = Set(status.students.map(\.className)).filter { !$0.isEmpty }
        let teachers = Set(school.courses.flatMap { $0.teachers + ($0.reviewer.map { [$0] } ?? []) })
        // Where the other pages are: the same filters and search, another page number.
        func link(_ n: Int) -> String {
            var parts: [String] = []
            for (name, value) in [("q", search), ("class", filter.className), ("course", filter.course),
                                  ("teacher", filter.teacher), ("state", filter.state)] {
                if let value, let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) {
                    parts.append("\(name)=\(encoded)")
                }
            }
            parts.append("page=\(n)")
            return "/office?" + parts.joined(separator: "&")
        }
        func choices(_ all: [(String, String)], _ chosen: String?) -> [[String: Any]] {
            all.map { ["value": $0.0, "label": $0.1, "chosen": $0.0 == chosen] }
        }
        values = [
            "school": status.name, "asOf": status.asOf, "search": search ?? "",
            "summary": Message("web.office.summary", ["students": found.count, "pending": status.pendingCertifications,
                                                      "conflicts": status.conflicts, "problems": status.problems]).text(),
            "classes": choices(classes.sorted().map { ($0, $0) }, filter.className),
            "courses": choices(Array(Set(school.courses.map(\.code))).sorted().map { code in
                (code, "\(school.courses.first { $0.code == code }?.name ?? code)（\(code)）")
            }, filter.course),
            "teachers": choices(teachers.sorted().map { ($0, "\(school.principal($0)?.name ?? $0)（\($0)）") }, filter.teacher),
            "states": choices(["uploaded", "certified", "rejected", "conflict"].map { ($0, Message("status.item." + $0).text()) }, filter.state),
            "lines": shown.map { line -> [String: Any] in
                ["number": line.number, "name": line.name, "className": line.className, "href": "/office/student/\(line.number)",
                 "uploaded": line.uploaded, "certified": line.certified, "rejected": line.rejected, "pending": line.pending,
                 "selected": "\(line.selectedCourse) / \(line.selectedDiverse)", "conflicts": line.conflicts,
                 "problems": line.problems, "attention": line.conflicts > 0 || line.problems > 0]
            },
            "none": found.isEmpty,
            "pageLine": Message("web.office.page", ["page": page, "pages": pages]).text(),
            "previous": page > 1 ? link(page - 1) : false, "next": page < pages ? link(page + 1) : false,
        ]
    }
}

/// What a sync did, for the page: what came in from the stick, what was passed over or refused, what was
/// written for whom.
struct SyncReportModel {
    let values: [String: Any]

    init(report: SyncReport, folder: String) {
        func who(_ party: BundleParty) -> String { [party.person, party.replica].compactMap { $0 }.joined(separator: "，") }
        values = [
            "done": true, "folder": folder, "sticks": [] as [Any], "hasSticks": false,
            "imported": report.imported.map { r in
                ["file": r.file, "kind": r.kind.name.text(), "from": who(r.sender),
                 "line": Message("web.office.sync.importedLine", ["events": r.newEvents, "files": r.newFiles, "students": r.students.count]).text()]
            },
            "skipped": report.skipped.map { ["file": $0.file, "why": $0.why] },
            "refused": report.refused.map { ["file": $0.file, "message": $0.message, "hint": $0.hint] },
            "written": report.written.map { w in
                ["file": w.path.map { ($0 as NSString).lastPathComponent } ?? (w.waiting ?? ""), "kind": w.kind.name.text(), "to": who(w.recipient),
                 "line": Message("web.office.sync.writtenLine", ["events": w.events, "files": w.files]).text()]
            },
            "notWritten": StudentPageModel.shown(report.notWritten),
            "nothing": report.imported.isEmpty && report.written.isEmpty && report.refused.isEmpty,
        ]
    }
}
