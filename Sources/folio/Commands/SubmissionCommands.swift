import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

extension SubmittingOffice: ExpressibleByArgument {}

extension SubmittingOffice {
    /// The office as a message names it: its option value in English, the section's own name in Chinese.
    var shownName: Message {
        switch self {
        case .registration: Message("submit.office.registration")
        case .it: Message("submit.office.it")
        case .activities: Message("submit.office.activities")
        case .data: Message("submit.office.data")
        }
    }
}

struct SubmitCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit", abstract: Message("submit.help.abstract").text(),
        discussion: Message("submit.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(Message("submit.help.office").text())) var office: SubmittingOffice
    @Option(help: ArgumentHelp(Message("submit.help.period").text())) var period: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let r = try session.submit(office: office, period: period, actor: try global.actor(), now: try global.now())
        if global.json { Output.json(r); return }
        let s = r.submission
        let values: [String: any MessageValue] = ["id": s.id, "title": office.title, "period": s.period, "students": s.students, "lines": s.lines]
        Output.say(r.gradeTwelveOnly ? Message("submit.done.gradeTwelveOnly", values) : Message("submit.done", values))
        Output.say(Message("submit.package", ["path": r.path, "sha256": s.package]))
        if let old = s.supersedes { Output.say(Message("submit.supersedes", ["old": old])) }
        Output.say(Message("submit.next", ["id": s.id]))
    }
}

struct ReceiptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt", abstract: Message("receipt.help.abstract").text(),
        subcommands: [ReceiptPrint.self, ReceiptCheckCommand.self, ReceiptCode.self, ReceiptImport.self])
}

struct ReceiptPrint: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "print", abstract: Message("receipt.print.help.abstract").text(),
        discussion: Message("receipt.print.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(Message("receipt.print.help.submission").text())) var submission: String
    @Option(help: ArgumentHelp(Message("receipt.print.help.student").text())) var student: [String] = []
    @Flag(help: ArgumentHelp(Message("receipt.print.help.left").text())) var left = false
    @Option(help: ArgumentHelp(Message("receipt.print.help.out").text())) var out: String
    @Flag(name: .customLong("no-pdf"), help: ArgumentHelp(Message("receipt.print.help.noPDF").text())) var noPDF = false

    func execute() throws(FolioError) {
        let printed = try global.openWorkspace().printReceipts(submission: submission, students: student, left: left, pdf: !noPDF,
                                                               today: try global.now().taipeiDay, to: out)
        if global.json { Output.json(printed); return }
        let values: [String: any MessageValue] = ["count": printed.pages.count, "out": out]
        Output.say(left ? Message("receipt.print.done.letters", values) : Message("receipt.print.done", values))
        if let pdf = printed.pdf {
            Output.say(Message(left ? "receipt.print.pdf.letters" : "receipt.print.pdf", ["pdf": pdf, "count": printed.pages.count]))
        }
    }
}

struct ReceiptCheckCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: Message("receipt.check.help.abstract").text(),
        discussion: Message("receipt.check.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("receipt.check.help.receipt").text())) var receipt: String
    @Option(help: ArgumentHelp(Message("receipt.check.help.files").text())) var files: String

    func execute() throws(FolioError) {
        let r = try ReceiptCheck.load(receipt)
        let lines = try ReceiptCheck.check(r, files: files)
        if global.json { Output.json(lines) } else {
            Output.say(Message("receipt.check.header", ["code": r.code, "student": r.student, "submission": r.submission]))
            for l in lines {
                switch l.result {
                case .match: Output.say(Message("receipt.check.match", ["file": l.file, "code": ShortCode.of(l.expected)]))
                case .mismatch:
                    Output.say(Message("receipt.check.mismatch", ["file": l.file, "expected": ShortCode.of(l.expected),
                                                                  "found": ShortCode.of(l.found ?? "")]))
                case .missing: Output.say(Message("receipt.check.missing", ["file": l.file, "folder": files]))
                }
            }
        }
        let bad = lines.filter { $0.result == .mismatch }
        if !bad.isEmpty {
            throw FolioError(.verificationFailed, "receipt.check.differ", ["count": bad.count, "files": bad.map(\.file).joined(separator: ", ")])
        }
    }
}

struct ReceiptCode: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "code", abstract: Message("receipt.code.help.abstract").text(),
        discussion: Message("receipt.code.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("receipt.code.help.file").text())) var file: String

    func execute() throws(FolioError) {
        let c = try ReceiptCheck.code(file)
        if global.json { Output.json(["code": c.code, "sha256": c.sha256]); return }
        Output.say(.verbatim("\(c.code)  \(file)  (SHA-256 \(c.sha256))"))
    }
}

struct ConfirmationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirmation", abstract: Message("confirmation.help.abstract").text(),
        subcommands: [ConfirmationOpen.self, ConfirmationClose.self])
}

struct ConfirmationOpen: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: Message("confirmation.open.help.abstract").text(),
        discussion: Message("confirmation.open.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(Message("confirmation.open.help.id").text())) var id: String
    @Option(help: ArgumentHelp(Message("confirmation.open.help.from").text())) var from: String
    @Option(help: ArgumentHelp(Message("confirmation.open.help.to").text())) var to: String
    @Option(help: ArgumentHelp(Message("confirmation.open.help.submission").text())) var submission: [String]

    func execute() throws(FolioError) {
        let session = try global.session()
        let c = try session.openConfirmation(id: id, from: try DateInput.parse(from), to: try DateInput.parse(to), submissions: submission,
                                             actor: try global.actor(), now: try global.now())
        if global.json { Output.json(c); return }
        Output.say(Message("confirmation.open.done", ["id": c.id, "from": "\(c.from)", "to": "\(c.to)",
                                                      "submissions": c.submissions.joined(separator: ", ")]))
    }
}

struct ConfirmationClose: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "close", abstract: Message("confirmation.close.help.abstract").text(),
        discussion: Message("confirmation.close.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("confirmation.close.help.id").text())) var id: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let deemed = try session.closeConfirmation(id: id, actor: try global.actor(), now: try global.now())
        if global.json { Output.json(deemed); return }
        Output.say(deemed.isEmpty ? Message("confirmation.close.done", ["id": id, "count": 0])
            : Message("confirmation.close.done.list", ["id": id, "count": deemed.count, "students": deemed.joined(separator: ", ")]))
    }
}

struct ConfirmCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm", abstract: Message("confirm.help.abstract").text(),
        discussion: Message("confirm.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("confirm.help.student").text())) var student: String
    @Option(help: ArgumentHelp(Message("confirm.help.submission").text())) var submission: String?
    @Flag(help: ArgumentHelp(Message("confirm.help.post").text())) var post = false

    func execute() throws(FolioError) {
        let session = try global.session()
        let r = try session.answerReceipt(student: student, submission: submission, dispute: nil, byPost: post,
                                          actor: post ? try global.actor() : try global.studentActor(student, session: session),
                                          now: try global.now())
        if global.json { Output.json(r); return }
        let values: [String: any MessageValue] = ["student": student, "code": r.code, "submission": r.receipt.submission]
        Output.say(post ? Message("confirm.done.post", values) : Message("confirm.done", values))
    }
}

struct DisputeCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispute", abstract: Message("dispute.help.abstract").text(),
        discussion: Message("dispute.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("dispute.help.student").text())) var student: String
    @Argument(help: ArgumentHelp(Message("dispute.help.item").text()))
    var item: String?
    @Option(help: ArgumentHelp(Message("dispute.help.reason").text())) var reason: String
    @Option(help: ArgumentHelp(Message("dispute.help.submission").text())) var submission: String?
    @Flag(help: ArgumentHelp(Message("dispute.help.post").text())) var post = false

    func execute() throws(FolioError) {
        let session = try global.session()
        let r = try session.answerReceipt(student: student, submission: submission, dispute: (item, reason), byPost: post,
                                          actor: post ? try global.actor() : try global.studentActor(student, session: session),
                                          now: try global.now())
        if global.json { Output.json(r); return }
        let office: any MessageValue = r.disputes.last?.office.shownName ?? Message.verbatim("?")
        Output.say(Message("dispute.done", ["student": student, "submission": r.receipt.submission, "office": office]))
    }
}

struct AnswerDisputeCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "answer-dispute", abstract: Message("answerDispute.help.abstract").text(),
        discussion: Message("answerDispute.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("answerDispute.help.student").text())) var student: String
    @Option(help: ArgumentHelp(Message("answerDispute.help.submission").text())) var submission: String?
    @Option(help: ArgumentHelp(Message("answerDispute.help.finding").text())) var finding: String
    @Option(help: ArgumentHelp(Message("answerDispute.help.resubmission").text())) var resubmission: String?

    func execute() throws(FolioError) {
        let session = try global.session()
        let d = try session.answerDispute(student: student, submission: submission, finding: finding, resubmission: resubmission,
                                          actor: try global.actor(), now: try global.now())
        if global.json { Output.json(d); return }
        let values: [String: any MessageValue] = ["office": d.office.shownName, "student": student, "finding": finding]
        Output.say(resubmission.map { Message("answerDispute.done.corrected", values.merging(["resubmission": $0]) { a, _ in a }) }
            ?? Message("answerDispute.done", values))
    }
}

enum ReceiptText {
    /// Where a receipt stands, for a person.
    static func answer(_ r: ReceiptView) -> String { answerMessage(r).text() }

    static func answerMessage(_ r: ReceiptView) -> Message {
        let day = r.answeredAt.map(\.taipeiText)
        switch r.answer {
        case .open: return Message("receipt.answer.open")
        case .confirmed:
            switch (r.via == .post, day) {
            case (false, nil): return Message("receipt.answer.confirmed")
            case (true, nil): return Message("receipt.answer.confirmedByPost")
            case (false, let day?): return Message("receipt.answer.confirmedOn", ["day": day])
            case (true, let day?): return Message("receipt.answer.confirmedByPostOn", ["day": day])
            }
        case .disputed: return day.map { Message("receipt.answer.disputedOn", ["day": $0]) } ?? Message("receipt.answer.disputed")
        case .deemed: return Message("receipt.answer.deemed")
        }
    }
}

struct ReceiptImport: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: Message("receipt.import.help.abstract").text(),
        discussion: Message("receipt.import.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("receipt.import.help.file").text())) var file: String
    @Option(help: ArgumentHelp(Message("receipt.import.help.submission").text())) var submission: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let c = try session.importReceived(file, submission: submission)
        if global.json { Output.json(c) } else {
            for d in c.differences {
                let values: [String: any MessageValue] = ["student": d.student, "file": d.file, "detail": d.detail]
                switch d.kind {
                case .notReceived: Output.say(Message("receipt.import.notReceived", values))
                case .notSubmitted: Output.say(Message("receipt.import.notSubmitted", values))
                case .changed: Output.say(Message("receipt.import.changed", values))
                }
            }
            Output.say(c.savedAs.map { Message("receipt.import.matched.kept", ["count": c.matched, "path": $0]) }
                ?? Message("receipt.import.matched", ["count": c.matched]))
        }
        if !c.differences.isEmpty {
            throw FolioError(.verificationFailed, "receipt.import.differ", ["submission": submission, "count": c.differences.count])
        }
    }
}
