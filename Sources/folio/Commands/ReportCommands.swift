import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct StatusCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "What is outstanding: for the whole school, or one student's items.",
        discussion: "Examples: folio status        folio status 112001        folio status --json")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A student number; omit for the whole school.") var student: String?

    func execute() throws(FolioError) {
        let ws = try global.openWorkspace()
        let school = ws.school()
        let now = try global.now()
        if let student {
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
        let status = SchoolStatus.make(ws, school: school, now: now)
        if global.json { Output.json(status); return }
        Output.say("\(status.name) (\(status.school)), as of \(status.asOf)")
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

struct ReportCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Office reports: uncertified (查詢未認證教師狀況表), selections (查詢學生學習成果勾選情形) or confirmations (收訖明細確認情形).",
        discussion: "Examples: folio report uncertified        folio report selections --year 113 --csv selections.csv        folio report confirmations --submission it-113-1")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "uncertified, selections or confirmations.") var which: String
    @Option(help: "Academic year for selections (default: this year).") var year: Int?
    @Option(help: "Submission for confirmations (default: all).") var submission: String?
    @Option(help: "Write a CSV (UTF-8 with BOM, opens in Excel) to this file.") var csv: String?

    func execute() throws(FolioError) {
        let ws = try global.openWorkspace()
        let school = ws.school()
        let now = try global.now()
        let table: Reports.Table
        switch which {
        case "uncertified": table = Reports.uncertified(ws, school: school, now: now)
        case "selections": table = Reports.selections(ws, school: school, year: year.map(AcademicYear.init) ?? AcademicYear(containing: now.taipeiDay))
        case "confirmations": table = Reports.confirmations(ws, school: school, submission: submission)
        default:
            throw FolioError(.badInput, "There is no report called \(which).", hint: "Use uncertified, selections or confirmations.")
        }
        if let csv {
            guard FileManager.default.createFile(atPath: csv, contents: Data(CSVTable.write(header: table.header, rows: table.rows))) else {
                throw FolioError(.io, "Could not write \(csv).", hint: "Check the folder exists and is writable.")
            }
            Output.say("Wrote \(table.title) (\(table.rows.count) rows) to \(csv).")
            return
        }
        if global.json { Output.json(table); return }
        Output.say(table.title)
        Output.say(table.rows.isEmpty ? "(none)" : Output.table(table.header, table.rows))
    }
}

struct ScheduleCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: "The term's windows, what is due or overdue, and the seed's self-check points.",
        discussion: "Example: folio schedule --term 113-1")

    @OptionGroup var global: GlobalOptions
    @Option(help: "學期，例如 113-1 或 113學年度第1學期 (default: the latest term that has started).") var term: String?

    func execute() throws(FolioError) {
        let ws = try global.openWorkspace()
        guard let s = Schedule.make(ws, school: ws.school(), now: try global.now(), term: try term.map(TermInput.parse)) else {
            throw FolioError(.noCalendar, "No calendar has been set.", hint: "The data section (資料組) sets it with `folio calendar set`.")
        }
        if global.json { Output.json(s); return }
        Output.say("Term \(s.term), today \(s.today)")
        Output.say(Output.table(["window", "dates", "state", "days left"], s.windows.map {
            [$0.name, $0.window, $0.state, $0.daysLeft.map(String.init) ?? ""]
        }))
        Output.say("\nSelf-check (自我檢核):")
        for c in s.checks { Output.say("  [\(c.ok ? "ok" : "!!")] \(c.point): \(c.detail)") }
    }
}

struct VerifyCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Re-hash every file, re-fold every record and check every signature.",
        discussion: """
            Exits 1 if anything differs. A student whose folder has not changed since the last check (same size, \
            times and inode for every file) is not read again; --full reads and re-hashes everything. \
            Example: folio verify --workspace /srv/folio
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Re-read and re-hash everything, ignoring what earlier checks recorded in .folio/cache.")
    var full = false

    func execute() throws(FolioError) {
        let report = Verifier.run(try global.openWorkspace(refusingInterrupted: true), full: full)
        if global.json { Output.json(report) } else {
            for i in report.issues { Output.say("PROBLEM \(i.path): \(i.message)") }
            for i in report.heldBack { Output.say("held back \(i.path): \(i.message)") }
            Output.say("Checked \(report.students) students (\(report.sealed) sealed), \(report.events) records, \(report.files) files (\(report.bytes) bytes): "
                       + (report.isClean ? "all consistent." : "\(report.issues.count) problem(s)."))
        }
        if !report.isClean {
            // Manifests and school.json are derived from the records: when only they differ, nothing is lost
            // and no backup is needed.
            let derivedOnly = report.issues.allSatisfy { $0.path.hasSuffix("manifest.json") || $0.path.hasSuffix("school.json") }
            throw FolioError(.verificationFailed, "The workspace does not match its records.",
                             hint: derivedOnly
                                ? "Only derived files (manifest.json, school.json) differ: run `folio repair` to rebuild them, then `folio verify` again. Nothing needs restoring from a backup."
                                : "Restore the records and files named above from a backup; derived files (manifest.json, school.json) are rebuilt with `folio repair`.")
        }
    }
}

struct RepairCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair", abstract: "Rebuild every manifest.json and school.json from the signed records.",
        discussion: "Artifact files and records are never changed. Example: folio repair")

    @OptionGroup var global: GlobalOptions

    func execute() throws(FolioError) {
        let session = try global.session()
        let n = try session.rebuildViews()
        Output.say("Rebuilt \(n) manifest(s). Run `folio verify` to check the files themselves.")
    }
}
