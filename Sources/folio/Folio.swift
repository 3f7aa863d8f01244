import ArgumentParser

import FolioCore
import Foundation

@main
struct Folio: ParsableCommand {
    /// folio's version: what `folio --version` prints, and what `Scripts/package` names the Debian package by.
    static let version = "0.1.0"

    /// The command line without `--lang`, which chooses the language of every message before anything is parsed
    /// (help texts included) and is then taken out.
    nonisolated(unsafe) static var arguments: [String] = []

    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let (language, unknown) = Language.choose(arguments: &arguments, environment: ProcessInfo.processInfo.environment)
        Messages.language = language
        Self.arguments = arguments
        ProgressLine.install(arguments: arguments)
        if let unknown {
            exit(withError: Output.fail(FolioError(.badInput, "cli.lang.unknown", ["lang": unknown])))
        }
        main(arguments)
    }

    static let configuration = CommandConfiguration(
        commandName: "folio",
        abstract: Message("help.folio.abstract").text(),
        discussion: Message("help.folio.discussion").text(),
        version: version,
        subcommands: [
            InitCommand.self, KeyCommand.self, StaffCommand.self, CalendarCommand.self, SettingsCommand.self, CourseCommand.self,
            RosterCommand.self, AddCommand.self, CertifyCommand.self, RejectCommand.self, SelectCommand.self,
            UnselectCommand.self, RecordCommand.self, ActivityCommand.self, StatusCommand.self, ReportCommand.self,
            ScheduleCommand.self, VerifyCommand.self, RepairCommand.self, BackupCommand.self, RestoreCommand.self, BundleCommand.self, SyncCommand.self,
            ConflictsCommand.self, ResolveCommand.self, SubmitCommand.self, ReceiptCommand.self, ConfirmationCommand.self,
            ConfirmCommand.self, DisputeCommand.self, AnswerDisputeCommand.self, GraduateCommand.self, ArchiveCommand.self,
            TransferCommand.self, SampleCommand.self, RootCommand.self, StudentCommand.self, ServeCommand.self,
        ]
    )
}
