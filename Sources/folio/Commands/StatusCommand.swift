import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct StatusCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: Message("help.status.abstract").text(),
        discussion: Message("help.status.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("help.status.student").text())) var student: String?
    @Option(name: .customLong("class"), help: ArgumentHelp(Message("help.status.class").text())) var className: String?
    @Option(help: ArgumentHelp(Message("help.status.course").text())) var course: String?
    @Option(help: ArgumentHelp(Message("help.status.teacher").text())) var teacher: String?
    @Option(help: ArgumentHelp(Message("help.status.state").text())) var state: String?
    @Option(help: ArgumentHelp(Message("help.status.xlsx").text())) var xlsx: String?

    func execute() throws(FolioError) {
        let ws = try global.openWorkspace()
        let school = ws.school()
        let now = try global.now()
        let filter = StatusFilter(className: className, course: course, teacher: teacher, state: state)
        if let student {
            guard filter.isEmpty else { throw FolioError(.badInput, "status.student.filtered", ["student": student]) }
            guard xlsx == nil else { throw FolioError(.badInput, "status.student.xlsx", ["student": student]) }
            guard ws.studentNumbers().contains(student) else {
                throw FolioError(.unknownStudent, "status.student.unknown", ["student": student])
            }
            var view = ws.view(student, school: school)
            // Printouts and screens show the national ID masked (A12****789); the full ID stays in the files.
            if let id = view.student?.nationalID { view.student?.nationalID = (try? NationalID(id).masked) ?? "****" }
            if global.json { Output.json(view); return }
            let s = view.student
            let unknown = Message("status.unknown")
            Output.say(Message("status.student.line", [
                "student": student, "name": s.map { Message.verbatim($0.name) } ?? unknown,
                "class": s.map { Message.verbatim($0.className) } ?? unknown,
                "grade": s.map { Message.verbatim(String($0.grade)) } ?? unknown,
                "status": StatusText.student(s?.status.rawValue ?? "unregistered"),
            ]).text() + (s?.previousSchool.map { Message("status.student.transferredIn", ["school": $0]).text() } ?? ""))
            Output.say(Output.table([
                Message("status.column.item"), Message("status.column.term"), Message("status.column.category"),
                Message("status.column.course"), Message("status.column.status"), Message("status.column.selected"),
                Message("status.column.description"),
            ].map { $0.text() },
                                    view.items.map {
                [$0.id, $0.term.description, Catalog.category($0.category)?.title ?? $0.category, $0.courseName ?? "",
                 StatusText.item($0.status).text()
                     + ($0.decision?.onBehalfOf.map { Message("status.delegateFor", ["person": $0]).text() } ?? ""),
                 $0.selected ? Message("status.selected").text() : "", $0.description]
            }))
            for item in view.items where item.status == .rejected {
                Output.say(Message("status.returned", ["item": item.id, "reason": item.decision?.reason ?? ""]))
            }
            for c in view.conflicts {
                let decisions = c.decisions.map {
                    Message($0.certified ? "status.conflict.certified" : "status.conflict.rejected", ["by": $0.by]).text()
                }
                Output.say(Message("status.conflict", ["item": c.item,
                                                      "decisions": decisions.joined(separator: Message("status.conflict.between").text())]))
            }
            for e in view.earlier {
                Output.say(Message("status.earlier", [
                    "item": e.item, "term": e.term.description, "category": Catalog.category(e.category)?.title ?? e.category,
                    "course": e.courseName ?? e.course ?? "", "status": StatusText.item(e.status), "description": e.description,
                    "schoolName": e.schoolName, "school": e.school,
                ]))
            }
            if !view.records.isEmpty { Output.say(Message("status.records", ["count": view.records.count])) }
            for r in view.receipts {
                Output.say(Message("status.receipt", ["submission": r.receipt.submission, "code": r.code, "answer": ReceiptText.answer(r)]).text()
                           + (r.superseded ? Message("status.receipt.superseded").text() : ""))
                for d in r.disputes {
                    Output.say(Message("status.dispute", [
                        "event": d.event.prefix(12), "onItem": d.item.map { Message("status.dispute.onItem", ["item": $0]) } ?? Message.verbatim(""),
                        "reason": d.reason, "office": StatusText.office(d.office),
                        "answer": d.finding.map(Message.verbatim) ?? Message("status.dispute.notAnswered"),
                    ]))
                }
            }
            for p in view.problems { Output.say(Message("status.heldBack", ["event": p.event.prefix(12), "message": p.message])) }
            return
        }
        let status = try SchoolStatus.make(ws, school: school, now: now, filter: filter)
        if let xlsx {
            let book = status.workbook
            try book.write(to: xlsx)
            Output.say(Message("workbook.written", ["title": book.title, "rows": status.students.count, "file": xlsx]))
            return
        }
        if global.json { Output.json(status); return }
        Output.say(Message("status.school", ["name": status.name, "school": status.school, "asOf": status.asOf,
                                             "filter": StatusText.describe(filter)]))
        if status.students.isEmpty {
            Output.say(Message("status.school.noMatch"))
            return
        }
        let columns = [
            Message("status.column.number"), Message("status.column.name"), Message("status.column.class"),
            Message("status.column.status"), Message("status.column.items"), Message("status.column.certified"),
            Message("status.column.waiting"), Message("status.column.returned"), Message("status.column.selectedGroups"),
            Message("status.column.conflicts"),
        ]
        Output.say(Output.table(columns.map { $0.text() }, status.students.map {
            [$0.number, $0.name, $0.className, StatusText.student($0.status).text(), String($0.uploaded), String($0.certified),
             String($0.pending), String($0.rejected), "\($0.selectedCourse)/\($0.selectedDiverse)",
             $0.conflicts == 0 ? "" : String($0.conflicts)]
        }))
        Output.say(Message("status.school.summary", ["pending": status.pendingCertifications, "conflicts": status.conflicts,
                                                     "problems": status.problems]))
        if !status.receipts.isEmpty {
            let r = status.receipts
            Output.say(Message("status.school.receipts", ["confirmed": r["confirmed", default: 0], "disputed": r["disputed", default: 0],
                                                          "deemed": r["deemed", default: 0], "open": r["open", default: 0]]))
        }
    }
}

/// The words status shows for states and offices, and how a filtered list says what it was chosen by.
enum StatusText {
    static func describe(_ filter: StatusFilter) -> Message {
        let parts: [Message] = [
            filter.className.map { Message("status.filter.class", ["class": $0]) },
            filter.course.map { Message("status.filter.course", ["course": $0]) },
            filter.teacher.map { Message("status.filter.teacher", ["teacher": $0]) },
            filter.state.map { Message("status.filter.state", ["state": ItemStatus(rawValue: $0).map(item) ?? .verbatim($0)]) },
        ].compactMap { $0 }
        guard !parts.isEmpty else { return .verbatim("") }
        return Message("status.filter.only", ["parts": list(parts)])
    }

    /// Messages joined as a list in the language they are shown in.
    static func list(_ parts: [Message]) -> String {
        parts.map { $0.text() }.joined(separator: Message("cli.list.separator").text())
    }

    static func item(_ status: ItemStatus) -> Message {
        switch status {
        case .uploaded: Message("status.item.uploaded")
        case .certified: Message("status.item.certified")
        case .rejected: Message("status.item.rejected")
        case .conflict: Message("status.item.conflict")
        }
    }

    /// A student's status as the views hold it (a `StudentStatus`, or "unregistered" when there is no registration).
    static func student(_ raw: String) -> Message {
        switch StudentStatus(rawValue: raw) {
        case .enrolled: Message("status.student.enrolled")
        case .left: Message("status.student.left")
        case .graduated: Message("status.student.graduated")
        case .transferred: Message("status.student.transferred")
        case nil: raw == "unregistered" ? Message("status.student.unregistered") : .verbatim(raw)
        }
    }

    static func office(_ office: SubmittingOffice) -> Message {
        switch office {
        case .registration: Message("status.office.registration")
        case .it: Message("status.office.it")
        case .activities: Message("status.office.activities")
        case .data: Message("status.office.data")
        }
    }
}
