import ArgumentParser
import FolioCore
import FolioWorkspace

struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: Message("help.calendar.abstract").text(),
        subcommands: [CalendarShow.self, CalendarSet.self], defaultSubcommand: CalendarShow.self)
}

struct CalendarSet: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: Message("help.calendar.set.abstract").text(),
        discussion: Message("help.calendar.set.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(Message("help.calendar.set.term").text())) var term: String
    @Option(help: ArgumentHelp(Message("help.calendar.set.start").text())) var start: String
    @Option(help: ArgumentHelp(Message("help.calendar.set.end").text())) var end: String
    @Option(help: ArgumentHelp(Message("help.calendar.set.closing").text())) var closing: String
    @Option(help: ArgumentHelp(Message("help.calendar.set.upload").text())) var upload: String
    @Option(help: ArgumentHelp(Message("help.calendar.set.certify").text())) var certify: String
    @Option(help: ArgumentHelp(Message("help.calendar.set.select").text())) var select: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let c = CalendarTerm(term: try TermInput.parse(term), start: try DateInput.parse(start), end: try DateInput.parse(end),
                             closingCeremony: try DateInput.parse(closing), upload: try DateInput.window(upload),
                             certify: try DateInput.window(certify), select: try DateInput.window(select))
        try session.appendSchool([try session.sign(try global.actor(), .calendarTerm, at: try global.now(), body: c)])
        Output.say(Message("calendar.set.done", ["term": c.term.description, "upload": "\(c.upload)", "certify": "\(c.certify)", "select": "\(c.select)"]))
    }
}

struct CalendarShow: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: Message("help.calendar.show.abstract").text(),
        discussion: Message("help.calendar.show.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(Message("help.calendar.show.term").text())) var term: String?

    func execute() throws(FolioError) {
        let school = try global.openWorkspace().school()
        let set = school.calendar.map(\.term.description).joined(separator: Message("cli.list.separator").text())
        guard let term else {
            guard !school.calendar.isEmpty else {
                throw FolioError(.noCalendar, "calendar.none")
            }
            if global.json { Output.json(school.calendar); return }
            Output.say(Output.table([
                Message("calendar.column.term"), Message("calendar.column.firstDay"), Message("calendar.column.lastDay"),
                Message("calendar.column.closing"), Message("calendar.column.upload"), Message("calendar.column.certify"),
                Message("calendar.column.select"),
            ].map { $0.text() },
                                    school.calendar.map {
                [$0.term.description, "\($0.start)", "\($0.end)", "\($0.closingCeremony)", "\($0.upload)", "\($0.certify)", "\($0.select)"]
            }))
            return
        }
        guard let c = school.calendar(for: try TermInput.parse(term)) else {
            throw FolioError(.noCalendar, "calendar.noneFor", ["term": term],
                             hint: set.isEmpty ? Message("calendar.none.hint") : Message("calendar.noneFor.hint", ["terms": set]))
        }
        if global.json { Output.json(c); return }
        Output.say(Output.table([Message("calendar.term.heading", ["term": c.term.description]).text(), Message("calendar.term.dates").text()], [
            [Message("calendar.term.firstDay").text(), "\(c.start)"], [Message("calendar.term.lastDay").text(), "\(c.end)"],
            [Message("calendar.term.closing").text(), "\(c.closingCeremony)"], [Message("calendar.term.upload").text(), "\(c.upload)"],
            [Message("calendar.term.certify").text(), "\(c.certify)"], [Message("calendar.term.select").text(), "\(c.select)"],
        ]))
        Output.say(Message("calendar.term.due", ["term": c.term.description]))
    }
}
