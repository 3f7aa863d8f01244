import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct ReportCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Office reports: uncertified (查詢未認證教師狀況表), selections (查詢學生學習成果勾選情形) or confirmations (收訖明細確認情形).",
        discussion: """
            With --as (or on a teacher's laptop), the uncertified report puts that teacher's own lines first, \
            then the other teachers'.
            Examples: folio report uncertified        folio report uncertified --as T001        folio report selections --year 113 --csv selections.csv        folio report confirmations --submission it-113-1
            """)

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
        case "uncertified":
            // A teacher's own lines come first: the person acting, or the owner of a teacher's laptop.
            let me = global.actingAs ?? (ws.config.role == .teacher ? ws.config.owner : nil)
            table = Reports.uncertified(ws, school: school, now: now, first: me)
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
        if let first = table.first {
            let name = school.principal(first.person)?.name
            Output.say("\nYours (\(first.person)\(name.map { " \($0)" } ?? "")):")
            Output.say(first.rows == 0 ? "(none: nothing waits for your certification)"
                                       : Output.table(table.header, Array(table.rows.prefix(first.rows))))
            Output.say("\nOther teachers:")
            let rest = Array(table.rows.dropFirst(first.rows))
            Output.say(rest.isEmpty ? "(none)" : Output.table(table.header, rest))
            return
        }
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
        let school = ws.school()
        guard let s = Schedule.make(ws, school: school, now: try global.now(), term: try term.map(TermInput.parse)) else {
            let set = school.calendar.map(\.term.description).joined(separator: ", ")
            throw FolioError(.noCalendar, term.map { "No calendar has been set for \($0)." } ?? "No calendar has been set.",
                             hint: (set.isEmpty ? "" : "Terms with a calendar: \(set). ") + "The data section (資料組) sets it with `folio calendar set`.")
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
