import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct StudentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "student", abstract: "Students' secrets: what a student types at a kiosk to act as themself.",
        subcommands: [StudentSecretCommand.self])
}

struct StudentSecretCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret", abstract: "Issue (or reset) students' secrets and print their slips (registration section, 註冊組).",
        discussion: """
        Each student gets a new ten-character secret; only the key derived from it is kept, so a lost secret cannot be
        read back, only reset the same way. The slips are printed once: hand each one to its student.
        Example: folio student secret 112001 112002 --out slips.txt --as R01 --key R01.key
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The student numbers (學號).") var students: [String]
    @Option(help: "Write the slips to this file (readable by you alone) instead of the screen.") var out: String?

    func execute() throws(FolioError) {
        guard !students.isEmpty else {
            throw FolioError(.badInput, "Say which students get a secret.", hint: "For example: folio student secret 112001 112002.")
        }
        let session = try global.session()
        let issued = try session.issueSecrets(students: students, actor: try global.actor(), now: try global.now())
        if global.json { Output.json(issued); return }
        let slips = issued.map { s in
            """
            ──────────────────────────────
            \(session.school.name) 學習歷程檔案
            學號 \(s.student)　姓名 \(s.name)
            密碼：\(s.secret)\(s.reset ? "（重新設定，舊密碼已失效）" : "")
            請妥善保管，勿借他人使用；忘記時請洽註冊組重新設定。
            """
        }.joined(separator: "\n") + "\n──────────────────────────────\n"
        if let out {
            try KeyFiles.create(Array(slips.utf8), at: out)
            Output.say("Issued \(issued.count) secret(s); the slips are in \(out). Print them, hand each to its student, then delete the file.")
        } else {
            Output.say(slips)
            Output.say("Issued \(issued.count) secret(s). Hand each slip to its student; the secrets are not kept anywhere else.")
        }
    }
}
