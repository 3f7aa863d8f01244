import ArgumentParser

import FolioCore
import Foundation

@main
struct Folio: ParsableCommand {
    /// The command line without `--lang`, which chooses the language of every message before anything is parsed
    /// (help texts included) and is then taken out.
    nonisolated(unsafe) static var arguments: [String] = []

    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let (language, unknown) = Language.choose(arguments: &arguments, environment: ProcessInfo.processInfo.environment)
        Messages.language = language
        Self.arguments = arguments
        if let unknown {
            exit(withError: Output.fail(FolioError(.badInput, "cli.lang.unknown", ["lang": unknown])))
        }
        main(arguments)
    }

    static let configuration = CommandConfiguration(
        commandName: "folio",
        abstract: "Learning portfolios (學習歷程檔案) for a senior high school, kept on the school's own disks.",
        discussion: """
        Every change is a signed record; each student's manifest.json is rebuilt from those records.
        Exit codes: 0 done, 1 refused by a rule or a problem found, 64 wrong command line, 70 internal error.
        In a demo or test school only, FOLIO_NOW (for example 2024-09-10T09:00) runs folio as if it were another day.
        """,
        subcommands: [
            InitCommand.self, KeyCommand.self, StaffCommand.self, CalendarCommand.self, SettingsCommand.self, CourseCommand.self,
            RosterCommand.self, AddCommand.self, CertifyCommand.self, RejectCommand.self, SelectCommand.self,
            UnselectCommand.self, RecordCommand.self, ActivityCommand.self, StatusCommand.self, ReportCommand.self,
            ScheduleCommand.self, VerifyCommand.self, RepairCommand.self, BundleCommand.self, SyncCommand.self,
            ConflictsCommand.self, ResolveCommand.self, SubmitCommand.self, ReceiptCommand.self, ConfirmationCommand.self,
            ConfirmCommand.self, DisputeCommand.self, AnswerDisputeCommand.self, GraduateCommand.self, ArchiveCommand.self,
            TransferCommand.self, SampleCommand.self, RootCommand.self, StudentCommand.self,
        ]
    )
}
