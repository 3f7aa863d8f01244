import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct StatusCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "What is outstanding: for the whole school, a class, a course, a teacher's courses, or one student's items.",
        discussion: """
            Filters combine; with --course, --teacher or --state each student's counts are of those items only, \
            and students with none are left out.
            Examples: folio status        folio status --class 201        folio status --teacher T001 --state uploaded        folio status 112001        folio status --json
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A student number; omit for the whole school.") var student: String?
    @Option(name: .customLong("class"), help: "Only this class (班級), e.g. 201: a homeroom teacher's (導師) view.") var className: String?
    @Option(help: "Only items of this course code.") var course: String?
    @Option(help: "Only items of the courses this teacher teaches or reviews (staff id).") var teacher: String?
    @Option(help: "Only items in this state: uploaded, certified, rejected or conflict.") var state: String?

    func execute() throws(FolioError) {
        let ws = try global.openWorkspace()
        let school = ws.school()
        let now = try global.now()
        let filter = StatusFilter(className: className, course: course, teacher: teacher, state: state)
        if let student {
            guard filter.isEmpty else {
                throw FolioError(.badInput, "--class, --course, --teacher and --state choose among the whole school's students, not within one student.",
                                 hint: "Run `folio status \(student)` for all of the student's items, or leave out the student number.")
            }
            guard ws.studentNumbers().contains(student) else {
                throw FolioError(.unknownStudent, "There is no student \(student) in this workspace.",
                                 hint: "`folio status` lists every student.")
            }
            var view = ws.view(student, school: school)
            // Printouts and screens show the national ID masked (A12****789); the full ID stays in the files.
            if let id = view.student?.nationalID { view.student?.nationalID = (try? NationalID(id).masked) ?? "****" }
            if global.json { Output.json(view); return }
            let s = view.student
            Output.say("\(student) \(s?.name ?? "?")  class \(s?.className ?? "?")  grade \(s.map { String($0.grade) } ?? "?")  \(s?.status.rawValue ?? "unregistered")"
                       + (s?.previousSchool.map { "  (transferred in from \($0))" } ?? ""))
            Output.say(Output.table(["item", "term", "category", "course", "status", "selected", "description"], view.items.map {
                [$0.id, $0.term.description, Catalog.category($0.category)?.title ?? $0.category, $0.courseName ?? "",
                 $0.status.rawValue + ($0.decision?.onBehalfOf.map { " (delegate for \($0))" } ?? ""),
                 $0.selected ? "yes" : "", $0.description]
            }))
            for item in view.items where item.status == .rejected {
                Output.say("Returned \(item.id): \(item.decision?.reason ?? "")")
            }
            for c in view.conflicts {
                Output.say("CONFLICT on \(c.item): " + c.decisions.map { "\($0.by) \($0.certified ? "certified" : "rejected")" }.joined(separator: " vs "))
            }
            for e in view.earlier {
                Output.say("before the transfer: \(e.item)  \(e.term)  \(Catalog.category(e.category)?.title ?? e.category)  \(e.courseName ?? e.course ?? "")  \(e.status.rawValue)  \(e.description)  (\(e.schoolName) \(e.school))")
            }
            if !view.records.isEmpty { Output.say("\(view.records.count) office record(s).") }
            for r in view.receipts {
                Output.say("Receipt \(r.receipt.submission) (\(r.code)): \(ReceiptText.answer(r))" + (r.superseded ? ", superseded by a corrected submission" : ""))
                for d in r.disputes {
                    Output.say("  doubt \(d.event.prefix(12))\(d.item.map { " on item \($0)" } ?? ""): \(d.reason) → \(d.office.rawValue) office"
                               + (d.finding.map { ": \($0)" } ?? ": not answered yet"))
                }
            }
            for p in view.problems { Output.say("held back \(p.event.prefix(12)): \(p.message)") }
            return
        }
        let status = try SchoolStatus.make(ws, school: school, now: now, filter: filter)
        if global.json { Output.json(status); return }
        Output.say("\(status.name) (\(status.school)), as of \(status.asOf)" + StatusText.describe(filter))
        if status.students.isEmpty {
            Output.say("No student has items that match.")
            return
        }
        Output.say(Output.table(["學號", "姓名", "班級", "status", "items", "certified", "waiting", "returned", "selected course/diverse", "conflicts"],
                                status.students.map {
            [$0.number, $0.name, $0.className, $0.status, String($0.uploaded), String($0.certified), String($0.pending),
             String($0.rejected), "\($0.selectedCourse)/\($0.selectedDiverse)", $0.conflicts == 0 ? "" : String($0.conflicts)]
        }))
        Output.say("\(status.pendingCertifications) item(s) wait for certification; \(status.conflicts) conflict(s); \(status.problems) record(s) held back.")
        if !status.receipts.isEmpty {
            let r = status.receipts
            Output.say("Receipts: \(r["confirmed", default: 0]) confirmed, \(r["disputed", default: 0]) disputed, \(r["deemed", default: 0]) deemed confirmed, \(r["open", default: 0]) open.")
        }
    }
}

/// How a filtered status list says what it was chosen by.
enum StatusText {
    static func describe(_ filter: StatusFilter) -> String {
        let parts = [filter.className.map { "class \($0)" }, filter.course.map { "course \($0)" },
                     filter.teacher.map { "courses of \($0)" }, filter.state.map { "items \($0)" }].compactMap { $0 }
        return parts.isEmpty ? "" : "; only " + parts.joined(separator: ", ")
    }
}
