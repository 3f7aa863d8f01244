import ArgumentParser
import FolioCore
import FolioWorkspace

struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "Set a term's dates and windows (data section 資料組).",
        subcommands: [CalendarSet.self])
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

struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: "Show or change the rule settings (data section 資料組).",
        subcommands: [SettingsSet.self])
}

struct SettingsSet: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change limits; options left out keep their current value.",
        discussion: "Example: folio settings set --upload-limit 9 --as D01 --key D01.key")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Course learning outcomes a student may upload per semester (seed: 6).") var uploadLimit: Int?
    @Option(help: "Course learning outcomes a student may select per academic year (6).") var courseSelectionLimit: Int?
    @Option(help: "Diverse-performance items a student may select per academic year (10).") var diverseSelectionLimit: Int?
    @Option(help: "Years a graduate's portfolio stays sealed (at least 5).") var retentionYears: Int?

    func execute() throws(FolioError) {
        let session = try global.session()
        var s = session.school.settings
        if let uploadLimit { s.uploadLimitPerTerm = uploadLimit }
        if let courseSelectionLimit { s.courseSelectionLimit = courseSelectionLimit }
        if let diverseSelectionLimit { s.diverseSelectionLimit = diverseSelectionLimit }
        if let retentionYears { s.retentionYears = retentionYears }
        try session.appendSchool([try session.sign(try global.actor(), .settings, at: try global.now(), body: s)])
        Output.say("Settings: \(s.uploadLimitPerTerm) uploads per semester, select \(s.courseSelectionLimit) course outcomes and \(s.diverseSelectionLimit) diverse items a year, retention \(s.retentionYears) years.")
    }
}
