import ArgumentParser
import FolioCore
import FolioWorkspace

struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "Show or set the terms' dates and windows (data section 資料組).",
        subcommands: [CalendarShow.self, CalendarSet.self], defaultSubcommand: CalendarShow.self)
}

struct CalendarSet: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Set one term's calendar: dates, closing ceremony and the upload, certification and selection windows.",
        discussion: """
        Dates are ISO (2024-08-30) or ROC (113/08/30, 113-08-30, 113.08.30, 1130830, 民國113年8月30日).
        Example: folio calendar set --term 113-1 --start 2024-08-30 --end 2025-01-31 --closing 2025-01-20 --upload 2024-09-02:2025-02-05 --certify 2024-09-02:2025-02-12 --select 2025-06-01:2025-07-15 --as D01 --key D01.key
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "學期，例如 113-1 或 113學年度第1學期.") var term: String
    @Option(help: "The first day of the term.") var start: String
    @Option(help: "The last day of the term.") var end: String
    @Option(help: "The closing ceremony (休業式).") var closing: String
    @Option(help: "Upload window FROM:TO.") var upload: String
    @Option(help: "Certification window FROM:TO.") var certify: String
    @Option(help: "Selection window FROM:TO.") var select: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let c = CalendarTerm(term: try TermInput.parse(term), start: try DateInput.parse(start), end: try DateInput.parse(end),
                             closingCeremony: try DateInput.parse(closing), upload: try DateInput.window(upload),
                             certify: try DateInput.window(certify), select: try DateInput.window(select))
        try session.appendSchool([try session.sign(try global.actor(), .calendarTerm, at: try global.now(), body: c)])
        Output.say("Set the calendar for \(c.term): uploads \(c.upload), certification \(c.certify), selection \(c.select).")
    }
}

struct CalendarShow: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show every term's calendar, or one term's dates and windows; changes nothing.",
        discussion: "Examples: folio calendar        folio calendar --term 113-1        folio calendar --json")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this term (e.g. 113-1).") var term: String?

    func execute() throws(FolioError) {
        let school = try global.openWorkspace().school()
        let set = school.calendar.map(\.term.description).joined(separator: ", ")
        guard let term else {
            guard !school.calendar.isEmpty else {
                throw FolioError(.noCalendar, "No calendar has been set.", hint: "The data section (資料組) sets one with `folio calendar set`.")
            }
            if global.json { Output.json(school.calendar); return }
            Output.say(Output.table(["term", "first day", "last day", "closing (休業式)", "upload (上傳)", "certification (認證)", "selection (勾選)"],
                                    school.calendar.map {
                [$0.term.description, "\($0.start)", "\($0.end)", "\($0.closingCeremony)", "\($0.upload)", "\($0.certify)", "\($0.select)"]
            }))
            return
        }
        guard let c = school.calendar(for: try TermInput.parse(term)) else {
            throw FolioError(.noCalendar, "No calendar has been set for \(term).",
                             hint: set.isEmpty ? "The data section (資料組) sets one with `folio calendar set`."
                                               : "Terms with a calendar: \(set). The data section (資料組) sets one with `folio calendar set`.")
        }
        if global.json { Output.json(c); return }
        Output.say(Output.table(["term \(c.term)", "dates"], [
            ["first day", "\(c.start)"], ["last day", "\(c.end)"], ["closing ceremony (休業式)", "\(c.closingCeremony)"],
            ["upload window (上傳)", "\(c.upload)"], ["certification window (認證)", "\(c.certify)"],
            ["selection window (勾選)", "\(c.select)"],
        ]))
        Output.say("What is due now: `folio schedule --term \(c.term)`.")
    }
}
