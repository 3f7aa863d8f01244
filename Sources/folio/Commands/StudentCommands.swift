import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct StudentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "student", abstract: Message("help.student.abstract").text(),
        subcommands: [StudentSecretCommand.self])
}

struct StudentSecretCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret", abstract: Message("help.student.secret.abstract").text(),
        discussion: Message("help.student.secret.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("help.student.secret.students").text())) var students: [String]
    @Option(help: ArgumentHelp(Message("help.student.secret.out").text())) var out: String?

    func execute() throws(FolioError) {
        guard !students.isEmpty else {
            throw FolioError(.badInput, "student.secret.none")
        }
        let session = try global.session()
        let issued = try session.issueSecrets(students: students, actor: try global.actor(), now: try global.now())
        if global.json { Output.json(issued); return }
        let rule = "──────────────────────────────"
        let slips = issued.map { s in
            rule + "\n" + Message("student.secret.slip", [
                "school": session.school.name, "student": s.student, "name": s.name, "secret": s.secret,
                "reset": s.reset ? Message("student.secret.slip.reset") : Message.verbatim(""),
            ]).text()
        }.joined(separator: "\n") + "\n" + rule + "\n"
        if let out {
            try KeyFiles.create(Array(slips.utf8), at: out)
            Output.say(Message("student.secret.written", ["count": issued.count, "file": out]))
        } else {
            Output.say(slips)
            Output.say(Message("student.secret.shown", ["count": issued.count]))
        }
    }
}
