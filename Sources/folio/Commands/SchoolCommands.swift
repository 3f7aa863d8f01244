import ArgumentParser
import FolioCore
import FolioWorkspace

struct CourseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "course", abstract: Message("course.help.abstract").text(),
        subcommands: [CourseAdd.self])
}

struct CourseAdd: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: Message("course.add.help.abstract").text(),
        discussion: Message("course.add.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument var code: String
    @Option var name: String
    @Option(help: ArgumentHelp(Message("course.add.help.term").text())) var term: String
    @Option(help: ArgumentHelp(Message("course.add.help.teacher").text())) var teacher: [String]
    @Option(help: ArgumentHelp(Message("course.add.help.reviewer").text())) var reviewer: String?

    func execute() throws(FolioError) {
        let session = try global.session()
        let c = Course(code: code, name: name, term: try TermInput.parse(term), teachers: teacher, reviewer: reviewer)
        try session.appendSchool([try session.sign(try global.actor(), .courseSet, at: try global.now(), body: c)])
        Output.say(Message("course.add.done", ["code": code, "name": name, "term": "\(c.term)",
                                               "certifiers": c.certifiers.joined(separator: ", ")]))
    }
}

struct ActivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activity", abstract: Message("activity.help.abstract").text(),
        subcommands: [ActivityAdd.self])
}

struct ActivityAdd: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: Message("activity.add.help.abstract").text(),
        discussion: Message("activity.add.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(Message("activity.add.help.kind").text())) var kind: String
    @Option(help: ArgumentHelp(Message("activity.add.help.date").text())) var date: String
    @Option var title: String

    func execute() throws(FolioError) {
        let session = try global.session()
        guard let k = ActivityRecorded.Kind(rawValue: kind) else {
            throw FolioError(.badInput, "activity.add.unknownKind", ["kind": kind])
        }
        let a = ActivityRecorded(kind: k, date: try DateInput.parse(date), title: title)
        try session.appendSchool([try session.sign(try global.actor(), .activityRecorded, at: try global.now(), body: a)])
        let shown = switch k {
        case .briefing: Message("activity.kind.briefing")
        case .teacherTraining: Message("activity.kind.teacherTraining")
        case .studentTraining: Message("activity.kind.studentTraining")
        case .workshop: Message("activity.kind.workshop")
        }
        Output.say(Message("activity.add.done", ["kind": shown, "date": "\(a.date)", "title": title]))
    }
}
