import ArgumentParser
import FolioCore
import FolioWorkspace

struct CourseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "course", abstract: "Set up courses and their teachers (instruction section 教學組).",
        subcommands: [CourseAdd.self])
}

struct CourseAdd: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add or change a course: its teachers and, for a joint course, the reviewer.",
        discussion: "Example: folio course add PHY-11A --name 物理 --term 113-1 --teacher T001 --as I01 --key I01.key")

    @OptionGroup var global: GlobalOptions
    @Argument var code: String
    @Option var name: String
    @Option(help: "學期，例如 113-1 或 113學年度第1學期.") var term: String
    @Option(help: "A teacher's staff id (repeat for several).") var teacher: [String]
    @Option(help: "The reviewer (審核老師) of a joint course (合開課程).") var reviewer: String?

    func execute() throws(FolioError) {
        let session = try global.session()
        let c = Course(code: code, name: name, term: try TermInput.parse(term), teachers: teacher, reviewer: reviewer)
        try session.appendSchool([try session.sign(try global.actor(), .courseSet, at: try global.now(), body: c)])
        Output.say("Course \(code) \(name) (\(c.term)) is certified by \(c.certifiers.joined(separator: ", ")).")
    }
}

struct ActivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activity", abstract: "Record briefings, training and workshops (seed point 九).",
        subcommands: [ActivityAdd.self])
}

struct ActivityAdd: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Record that a briefing, training session or workshop was held.",
        discussion: "Example: folio activity add --kind briefing --date 2024-09-14 --title 學習歷程親師說明會 --as C01 --key C01.key")

    @OptionGroup var global: GlobalOptions
    @Option(help: "briefing, teacher-training, student-training or workshop.") var kind: String
    @Option(help: "The day it was held: 2024-09-14, 113/09/14 or 民國113年9月14日.") var date: String
    @Option var title: String

    func execute() throws(FolioError) {
        let session = try global.session()
        guard let k = ActivityRecorded.Kind(rawValue: kind) else {
            throw FolioError(.badInput, "--kind \(kind) is not known.", hint: "Use briefing, teacher-training, student-training or workshop.")
        }
        let a = ActivityRecorded(kind: k, date: try DateInput.parse(date), title: title)
        try session.appendSchool([try session.sign(try global.actor(), .activityRecorded, at: try global.now(), body: a)])
        Output.say("Recorded \(kind) on \(a.date): \(title).")
    }
}
