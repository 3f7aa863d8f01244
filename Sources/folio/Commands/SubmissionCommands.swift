import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

extension SubmittingOffice: ExpressibleByArgument {}

struct SubmitCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit", abstract: "Write an office's submission package for the central database and issue receipts (收訖明細).",
        discussion: """
        registration: enrolment data and grades (per term); it: course learning outcomes (per academic year);
        activities: cadre records (per term); data: diverse performance (per academic year).
        Before the term or year ends only grade 12 is submitted; afterwards everyone. A resubmission after a
        correction supersedes the earlier one, which stays on record.
        Example: folio submit --office it --period 113 --as IT1 --key IT1.key
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "registration, it, activities or data.") var office: SubmittingOffice
    @Option(help: "The term (學期: 113-1 or 113學年度第1學期) or academic year (學年度: 113 or 113學年度).") var period: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let r = try session.submit(office: office, period: period, actor: try global.actor(), now: try global.now())
        if global.json { Output.json(r); return }
        Output.say("Submission \(r.submission.id) (\(office.title), \(r.submission.period)): \(r.submission.students) student(s), \(r.submission.lines) line(s)\(r.gradeTwelveOnly ? ", grade 12 only (the period has not ended)" : "").")
        Output.say("Package: \(r.path)  SHA-256 \(r.submission.package)")
        if let old = r.submission.supersedes { Output.say("It corrects \(old), which stays on record.") }
        Output.say("Next: print the receipts with `folio receipt print --submission \(r.submission.id) --out DIR`, then open the confirmation period with `folio confirmation open`.")
    }
}

struct ReceiptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt", abstract: "Receipts (收訖明細): print them, check files against them, show a file's code.",
        subcommands: [ReceiptPrint.self, ReceiptCheckCommand.self, ReceiptCode.self, ReceiptImport.self])
}

struct ReceiptPrint: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "print", abstract: "Write printable A4 receipts (HTML) and receipt files for a submission.",
        discussion: """
        With --left: only students who have left, each with a letter and reply slip, and addresses.csv for envelope labels.
        Example: folio receipt print --submission it-113-1 --out /tmp/receipts
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The submission id, like it-113-1.") var submission: String
    @Option(help: "Only these students (repeatable).") var student: [String] = []
    @Flag(help: "Letters for students who have left, to send by post.") var left = false
    @Option(help: "The folder to write into.") var out: String

    func execute() throws(FolioError) {
        let files = try global.openWorkspace().printReceipts(submission: submission, students: student, left: left, to: out)
        if global.json { Output.json(files); return }
        Output.say("Wrote \(files.count) receipt page(s) to \(out)\(left ? " with letters, and addresses.csv for the envelopes" : ""). Open them in a browser and print on A4.")
    }
}

struct ReceiptCheckCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check your own copies of your files against your receipt.",
        discussion: "Example: folio receipt check 112001-it-113-1.receipt.json --files ~/我的學習歷程")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The receipt file (.receipt.json).") var receipt: String
    @Option(help: "The folder holding your own copies.") var files: String

    func execute() throws(FolioError) {
        let r = try ReceiptCheck.load(receipt)
        let lines = try ReceiptCheck.check(r, files: files)
        if global.json { Output.json(lines) } else {
            Output.say("Receipt \(r.code) for \(r.student), submission \(r.submission):")
            for l in lines {
                switch l.result {
                case .match: Output.say("  match     \(l.file) (\(ShortCode.of(l.expected)))")
                case .mismatch: Output.say("  MISMATCH  \(l.file): the receipt says \(ShortCode.of(l.expected)), your copy is \(ShortCode.of(l.found ?? ""))")
                case .missing: Output.say("  not found \(l.file) (no file of that name in \(files))")
                }
            }
        }
        let bad = lines.filter { $0.result == .mismatch }
        if !bad.isEmpty {
            throw FolioError(.verificationFailed, "\(bad.count) file(s) differ from what was submitted: \(bad.map(\.file).joined(separator: ", ")).",
                             hint: "If the submitted file is not the one you uploaded, raise a doubt (異議) within the confirmation period.")
        }
    }
}

struct ReceiptCode: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "code", abstract: "Print a file's short code, as receipts show it.",
        discussion: "Example: folio receipt code report.pdf   (the same as the first 12 characters of `sha256sum report.pdf`)")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The file.") var file: String

    func execute() throws(FolioError) {
        let c = try ReceiptCheck.code(file)
        if global.json { Output.json(["code": c.code, "sha256": c.sha256]); return }
        Output.say("\(c.code)  \(file)  (SHA-256 \(c.sha256))")
    }
}

struct ConfirmationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirmation", abstract: "Open and close the period in which students confirm their receipts.",
        subcommands: [ConfirmationOpen.self, ConfirmationClose.self])
}

struct ConfirmationOpen: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: "Publish the confirmation period (at least 3 days).",
        discussion: "Example: folio confirmation open --id 113-C1 --from 2025-09-15 --to 2025-09-19 --submission it-113-1 --as D01 --key D01.key")

    @OptionGroup var global: GlobalOptions
    @Option(help: "A name for the period, like 113-C1.") var id: String
    @Option(help: "First day: 2025-09-15, 114/09/15 or 民國114年9月15日.") var from: String
    @Option(help: "Last day, written the same way.") var to: String
    @Option(help: "A submission the period covers (repeatable).") var submission: [String]

    func execute() throws(FolioError) {
        let session = try global.session()
        let c = try session.openConfirmation(id: id, from: try DateInput.parse(from), to: try DateInput.parse(to), submissions: submission,
                                             actor: try global.actor(), now: try global.now())
        if global.json { Output.json(c); return }
        Output.say("Confirmation period \(c.id): \(c.from) to \(c.to), for \(c.submissions.joined(separator: ", ")). Students confirm with `folio confirm` or raise a doubt with `folio dispute`.")
    }
}

struct ConfirmationClose: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "close", abstract: "Close a period after its last day: silence counts as confirmation.",
        discussion: "Example: folio confirmation close 113-C1 --as D01 --key D01.key")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The period's id.") var id: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let deemed = try session.closeConfirmation(id: id, actor: try global.actor(), now: try global.now())
        if global.json { Output.json(deemed); return }
        Output.say("Closed \(id). \(deemed.count) student(s) neither confirmed nor raised a doubt and are deemed to have confirmed\(deemed.isEmpty ? "" : ": " + deemed.joined(separator: ", ")).")
    }
}

struct ConfirmCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm", abstract: "Record that a student confirms their receipt (at the kiosk, or a reply by post).",
        discussion: "Example: folio confirm 112001   (the student types their secret; a postal reply: --post --as D01 --key D01.key)")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The student number.") var student: String
    @Option(help: "The submission (default: the latest receipt).") var submission: String?
    @Flag(help: "The answer came back by post; the data section records it.") var post = false

    func execute() throws(FolioError) {
        let session = try global.session()
        let r = try session.answerReceipt(student: student, submission: submission, dispute: nil, byPost: post,
                                          actor: post ? try global.actor() : try global.studentActor(student, session: session),
                                          now: try global.now())
        if global.json { Output.json(r); return }
        Output.say("Recorded: \(student) confirms receipt \(r.code) (\(r.receipt.submission))\(post ? ", by post" : "").")
    }
}

struct DisputeCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispute", abstract: "Record a student's doubt (異議) about a submitted item; it goes to the office that submitted it.",
        discussion: "Example: folio dispute 112001 3f2a9c --reason 提交的不是我最後上傳的版本   (the student types their secret)")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The student number.") var student: String
    @Argument(help: "The item in doubt (its id or first characters); leave it out for the receipt as a whole, e.g. a grade.")
    var item: String?
    @Option(help: "What is wrong, in the student's words.") var reason: String
    @Option(help: "The submission (default: the latest receipt).") var submission: String?
    @Flag(help: "The doubt came by post; the data section records it.") var post = false

    func execute() throws(FolioError) {
        let session = try global.session()
        let r = try session.answerReceipt(student: student, submission: submission, dispute: (item, reason), byPost: post,
                                          actor: post ? try global.actor() : try global.studentActor(student, session: session),
                                          now: try global.now())
        if global.json { Output.json(r); return }
        let office = r.disputes.last?.office
        Output.say("Recorded \(student)'s doubt about \(r.receipt.submission). It goes to the \(office?.rawValue ?? "?") office, which submitted it; it answers with `folio answer-dispute \(student) --finding …`.")
    }
}

struct AnswerDisputeCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "answer-dispute", abstract: "The submitting office records its finding on a student's doubt.",
        discussion: "Example: folio answer-dispute 112001 --finding 已更正並重新提交 --resubmission it-113-2 --as IT1 --key IT1.key")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The student number.") var student: String
    @Option(help: "The submission the doubt is about (default: the latest open doubt routed to your office).") var submission: String?
    @Option(help: "What the office found.") var finding: String
    @Option(help: "The corrected resubmission's id, if one was made.") var resubmission: String?

    func execute() throws(FolioError) {
        let session = try global.session()
        let d = try session.answerDispute(student: student, submission: submission, finding: finding, resubmission: resubmission,
                                          actor: try global.actor(), now: try global.now())
        if global.json { Output.json(d); return }
        Output.say("Recorded the \(d.office.rawValue) office's finding on \(student)'s doubt: \(finding)\(resubmission.map { " (corrected in \($0))" } ?? "").")
    }
}

enum ReceiptText {
    static func answer(_ r: ReceiptView) -> String {
        switch r.answer {
        case .open: return "waiting for the student's confirmation"
        case .confirmed: return "confirmed" + (r.via == .post ? " by post" : "") + (r.answeredAt.map { " on \($0.taipeiText)" } ?? "")
        case .disputed: return "doubt raised (異議)" + (r.answeredAt.map { " on \($0.taipeiText)" } ?? "")
        case .deemed: return "deemed confirmed (no answer within the period)"
        }
    }
}

struct ReceiptImport: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Compare the central database's receipt details with what was submitted, line by line.",
        discussion: """
        The details are a CSV with the columns 學號, 類別, 學期, 檔名, 檔案大小, SHA-256 (see Docs/receipts.md).
        When every line matches, the file is kept as submissions/ID.received.csv; otherwise nothing changes.
        Example: folio receipt import 收訖明細.csv --submission it-113-1
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The receipt details file (CSV).") var file: String
    @Option(help: "The submission they answer, like it-113-1.") var submission: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let c = try session.importReceived(file, submission: submission)
        if global.json { Output.json(c) } else {
            for d in c.differences { Output.say("\(d.kind.rawValue): \(d.student) \(d.file): \(d.detail)") }
            Output.say("\(c.matched) line(s) match\(c.savedAs.map { "; every line matches, kept as \($0)" } ?? "").")
        }
        if !c.differences.isEmpty {
            throw FolioError(.verificationFailed, "The central database's details differ from submission \(submission) in \(c.differences.count) line(s).",
                             hint: "Check the lines above with the office that submitted them; a correction is resubmitted with `folio submit`.")
        }
    }
}
