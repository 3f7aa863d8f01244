import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct ReportCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: Message("report.help.abstract").text(), discussion: Message("report.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("report.help.which").text())) var which: String
    @Option(help: ArgumentHelp(Message("report.help.year").text())) var year: Int?
    @Option(help: ArgumentHelp(Message("report.help.submission").text())) var submission: String?
    @Option(help: ArgumentHelp(Message("report.help.csv").text())) var csv: String?
    @Option(help: ArgumentHelp(Message("report.help.xlsx").text())) var xlsx: String?

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
            throw FolioError(.badInput, "report.unknown", ["which": which])
        }
        if let csv {
            guard FileManager.default.createFile(atPath: csv, contents: Data(CSVTable.write(header: table.header, rows: table.rows))) else {
                throw FolioError(.io, "report.csv.notWritten", ["file": csv])
            }
            Output.say(Message("report.csv.written", ["title": table.title, "rows": table.rows.count, "file": csv]))
        }
        if let xlsx {
            try table.workbook.write(to: xlsx)
            Output.say(Message("workbook.written", ["title": table.title, "rows": table.rows.count, "file": xlsx]))
        }
        if csv != nil || xlsx != nil { return }
        if global.json { Output.json(table); return }
        Output.say(table.title)
        if let first = table.first {
            let name = school.principal(first.person)?.name
            Output.blankLine()
            Output.say(Message("report.yours", ["person": first.person + (name.map { " \($0)" } ?? "")]))
            if first.rows == 0 { Output.say(Message("report.yours.none")) } else {
                Output.say(Output.table(table.header, Array(table.rows.prefix(first.rows))))
            }
            Output.blankLine()
            Output.say(Message("report.others"))
            let rest = Array(table.rows.dropFirst(first.rows))
            if rest.isEmpty { Output.say(Message("report.none")) } else { Output.say(Output.table(table.header, rest)) }
            return
        }
        if table.rows.isEmpty { Output.say(Message("report.none")) } else { Output.say(Output.table(table.header, table.rows)) }
    }
}

struct ScheduleCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: Message("schedule.help.abstract").text(), discussion: Message("schedule.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(Message("schedule.help.term").text())) var term: String?

    func execute() throws(FolioError) {
        let ws = try global.openWorkspace()
        let school = ws.school()
        guard let s = Schedule.make(ws, school: school, now: try global.now(), term: try term.map(TermInput.parse)) else {
            let set = school.calendar.map(\.term.description).joined(separator: ", ")
            throw FolioError(.noCalendar, term.map { Message("schedule.noCalendarFor", ["term": $0]) } ?? Message("schedule.noCalendar"),
                             hint: set.isEmpty ? Message("calendar.none.hint") : Message("calendar.noneFor.hint", ["terms": set]))
        }
        if global.json { Output.json(s); return }
        Output.say(Message("schedule.heading", ["term": s.term.description, "today": "\(s.today)"]))
        Output.say(Output.table(["window", "dates", "state", "days left"].map { Message("schedule.column." + $0).text() }, s.windows.map {
            [$0.what.text(), $0.window, $0.shownState.text(), $0.daysLeft.map(String.init) ?? ""]
        }))
        Output.blankLine()
        Output.say(Message("schedule.selfCheck"))
        for c in s.checks { Output.say(.verbatim("  [\(c.ok ? "ok" : "!!")] \(c.what.text()): \(c.found.text())")) }
    }
}

struct VerifyCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: Message("verify.help.abstract").text(), discussion: Message("verify.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Flag(help: ArgumentHelp(Message("verify.help.full").text()))
    var full = false

    func execute() throws(FolioError) {
        let report = Verifier.run(try global.openWorkspace(refusingInterrupted: true), full: full)
        if global.json { Output.json(report) } else {
            for i in report.issues { Output.say(Message("verify.problem", ["path": i.path, "message": i.what])) }
            for i in report.heldBack { Output.say(Message("verify.heldBack", ["path": i.path, "message": i.what])) }
            let counts: [String: any MessageValue] = ["students": report.students, "sealed": report.sealed, "records": report.events,
                                                      "files": report.files, "bytes": report.bytes, "problems": report.issues.count]
            Output.say(Message(report.isClean ? "verify.checked.clean" : "verify.checked.problems", counts))
        }
        if !report.isClean {
            // Manifests and school.json are derived from the records: when only they differ, nothing is lost
            // and no backup is needed.
            let derivedOnly = report.issues.allSatisfy { $0.path.hasSuffix("manifest.json") || $0.path.hasSuffix("school.json") }
            throw FolioError(.verificationFailed, Message("verify.failed"),
                             hint: Message(derivedOnly ? "verify.failed.derivedOnly" : "verify.failed.restore"))
        }
    }
}

struct RepairCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair", abstract: Message("repair.help.abstract").text(), discussion: Message("repair.help.discussion").text())

    @OptionGroup var global: GlobalOptions

    func execute() throws(FolioError) {
        let session = try global.session()
        let n = try session.rebuildViews()
        Output.say(Message("repair.done", ["count": n]))
    }
}
