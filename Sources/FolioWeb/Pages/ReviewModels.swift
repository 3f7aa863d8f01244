import FolioCore
import FolioWorkspace
import Foundation

/// What waits for one teacher, by course and then class, for the review page. The values are plain strings,
/// numbers and lists of them, made once and only read, so they may cross from the workspace's queue.
struct ReviewListModel: @unchecked Sendable {
    var values: [String: Any]

    init(session: WorkspaceSession, teacher: String, course: String?, day: CivilDate) throws(FolioError) {
        let school = session.school
        let waiting = try session.waitingCertification(for: teacher, course: course, delegate: false, on: day)
        let workspace = session.workspace
        var people: [String: StudentRecord] = [:]
        for number in Set(waiting.open.map(\.student) + waiting.left.map(\.student)) {
            people[number] = (workspace.storedManifest(number) ?? workspace.view(number, school: school)).student
        }
        func row(_ student: String, _ item: ItemView) -> [String: Any] {
            ["student": student, "name": people[student]?.name ?? "", "className": people[student]?.className ?? "",
             "item": item.id, "description": item.description, "href": "/review/item/\(student)/\(item.id)",
             "files": item.files.count, "uploaded": item.uploadedAt.taipeiText]
        }
        // Course, then class, then seat order (the student number).
        let rows = waiting.open.flatMap { s in s.items.map { (s.student, $0) } }
        let byCourse = Dictionary(grouping: rows) { $0.1.course ?? "" }
        let courses: [[String: Any]] = byCourse.keys.sorted().map { code in
            let items = byCourse[code]!
            let name = items.first?.1.courseName ?? code
            let byClass = Dictionary(grouping: items) { people[$0.0]?.className ?? "" }
            return ["course": "\(name)（\(code)）", "code": code, "count": items.count,
                    "classes": byClass.keys.sorted().map { className in
                        ["className": className, "rows": byClass[className]!.sorted { $0.0 < $1.0 }.map { row($0.0, $0.1) }] as [String: Any]
                    }]
        }
        let mine = school.courses.filter { $0.certifiers.contains(teacher) }
        let codes = Array(Set(mine.map(\.code))).sorted()
        values = [
            "courses": courses, "none": rows.isEmpty, "total": rows.count, "course": course ?? "",
            "choices": codes.map { code in
                ["code": code, "label": "\(mine.first { $0.code == code }?.name ?? code)（\(code)）", "chosen": code == course] as [String: Any]
            },
            "left": waiting.left.map { l in
                ["student": l.student, "name": people[l.student]?.name ?? "", "description": l.item.description, "why": l.why] as [String: Any]
            },
            "hasLeft": !waiting.left.isEmpty,
            "waitingLine": Message("web.review.waiting", ["count": rows.count]).text(),
        ]
    }
}

/// One item for the teacher to judge: its details, its files shown in place, its history (plain values, as above).
struct ReviewItemModel: @unchecked Sendable {
    var values: [String: Any]

    /// The item, if this person may see it: a course they certify, or any item for someone holding an office.
    static func find(_ workspace: Workspace, school: SchoolState, teacher: String, student: String, item id: String) throws(FolioError) -> (StudentView, ItemView) {
        try Workspace.checkItemPrefix(id, student: student)
        guard workspace.studentNumbers().contains(student) else {
            throw FolioError(.unknownStudent, Message("student.none", ["student": student]), hint: Message("student.checkNumber.hint"))
        }
        let view = workspace.view(student, school: school)
        guard let item = view.item(id) else { throw FolioError(.unknownItem, "web.file.none") }
        let certifies = item.course.flatMap { school.course($0, term: item.term) }?.certifiers.contains(teacher) ?? false
        guard certifies || school.holdsAnOffice(teacher) else {
            throw FolioError(.notAuthorised, "web.review.notYours", ["teacher": teacher])
        }
        return (view, item)
    }

    /// A file's size as a person reads it: kilobytes under one megabyte (a 40 KB report is not "0.0 MB").
    static func size(_ bytes: Int) -> String {
        bytes < 1024 * 1024 ? "\(max(1, (bytes + 1023) / 1024)) KB" : ItemRules.megabytes(bytes) + " MB"
    }

    init(workspace: Workspace, school: SchoolState, teacher: String, student: String, item id: String) throws(FolioError) {
        let (view, item) = try Self.find(workspace, school: school, teacher: teacher, student: student, item: id)
        let files: [[String: Any]] = item.files.enumerated().map { index, file in
            let kind = FileKind(rawValue: file.kind)
            return ["name": file.name, "href": "/review/files/\(student)/\(item.id)/\(index)", "code": ShortCode.of(file.sha256),
                    "size": Self.size(file.size), "pdf": kind == .pdf, "image": kind == .png || kind == .jpeg,
                    "audio": kind == .mp3, "video": kind == .mp4]
        }
        values = [
            "student": student, "name": view.student?.name ?? "", "className": view.student?.className ?? "",
            "item": item.id, "description": item.description, "term": item.term.label,
            "course": item.course.map { code in "\(item.courseName ?? code)（\(code)）" } ?? "",
            "category": Catalog.category(item.category)?.title ?? item.category,
            "status": Message("status.item." + item.status.rawValue).text(),
            "waits": item.status == .uploaded, "files": files, "hasFiles": !files.isEmpty,
            "fields": item.fields.sorted { $0.key < $1.key }.map { key, value in
                ["label": Catalog.category(item.category)?.fields.first { $0.name == key }?.label ?? key, "value": value]
            },
            "decision": item.decision.map { d -> [String: Any] in
                ["who": school.principal(d.by)?.name ?? d.by, "at": d.at.taipeiText,
                 "what": Message(d.certified ? "status.item.certified" : "status.item.rejected").text(),
                 "reason": StudentPageModel.shown(d.reason)]
            } ?? false,
        ]
    }
}
