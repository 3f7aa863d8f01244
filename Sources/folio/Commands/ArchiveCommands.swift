import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct GraduateCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "graduate", abstract: Message("graduate.help.abstract").text(),
        discussion: Message("graduate.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("graduate.help.students").text())) var students: [String] = []
    @Option(help: ArgumentHelp(Message("graduate.help.grade").text())) var grade: Int?
    @Option(help: ArgumentHelp(Message("graduate.help.date").text())) var date: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let day = try DateInput.parse(date)
        let done = try session.graduate(students: students, grade: grade, date: day,
                                        actor: try global.actor(), now: try global.now())
        if global.json { Output.json(done); return }
        Output.say(Message("graduate.done", ["day": "\(day)", "count": done.count, "students": done.joined(separator: ", ")]))
        Output.say(Message("graduate.next"))
    }
}

struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive", abstract: Message("archive.help.abstract").text(),
        subcommands: [ArchiveSeal.self, ArchiveVerify.self, ArchiveList.self, ArchiveOpen.self, ArchivePurge.self])
}

struct ArchiveSeal: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal", abstract: Message("archive.seal.help.abstract").text(),
        discussion: Message("archive.seal.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("archive.seal.help.students").text())) var students: [String] = []

    func execute() throws(FolioError) {
        let session = try global.session()
        let sealed = try session.seal(students: students, actor: try global.actor(), now: try global.now())
        if global.json { Output.json(sealed); return }
        for s in sealed {
            Output.say(Message("archive.seal.done", ["student": s.student, "path": s.path, "size": s.size, "sha256": s.sha256,
                                                     "until": "\(s.retainUntil)"]))
        }
        Output.say(Message("archive.seal.next"))
    }
}

struct ArchiveVerify: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: Message("archive.verify.help.abstract").text(),
        discussion: Message("archive.verify.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(Message("archive.verify.help.bag").text())) var bag: String?

    func execute() throws(FolioError) {
        if let bag {
            let problems = Bag.validate(bag)
            // Scripts read the same English whatever language folio speaks.
            if global.json { Output.json(problems.map { $0.text(.en) }) } else {
                for p in problems { Output.say(Message("archive.verify.problem", ["problem": p])) }
                if problems.isEmpty { Output.say(Message("archive.verify.validBag", ["bag": bag])) }
            }
            if !problems.isEmpty {
                throw FolioError(.verificationFailed, "archive.verify.invalidBag", ["bag": bag, "problem": problems[0]])
            }
            return
        }
        let checks = try global.openWorkspace().verifyArchives()
        if global.json { Output.json(checks) } else {
            for c in checks {
                Output.say(c.findings.isEmpty ? Message("archive.verify.ok", ["path": c.path, "state": c.shownState])
                    : Message("archive.verify.bad", ["path": c.path, "state": c.shownState,
                                                     "problems": c.findings.map { $0.text() }.joined(separator: "; ")]))
            }
            Output.say(checks.count == 1 ? Message("archive.verify.checked.one") : Message("archive.verify.checked", ["count": checks.count]))
        }
        let bad = checks.filter { !$0.findings.isEmpty }
        if !bad.isEmpty {
            throw FolioError(.verificationFailed, "archive.verify.mismatch", ["count": bad.count, "paths": bad.map(\.path).joined(separator: ", ")])
        }
    }
}

struct ArchiveList: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: Message("archive.list.help.abstract").text(),
        discussion: Message("archive.list.help.discussion").text())

    @OptionGroup var global: GlobalOptions

    func execute() throws(FolioError) {
        let school = try global.openWorkspace().school()
        if global.json { Output.json(school.archive); return }
        guard !school.archive.isEmpty else { Output.say(Message("archive.list.empty")); return }
        let header = ["學號", Message("archive.list.graduated").text(), Message("archive.list.sealed").text(),
                      Message("archive.list.keepUntil").text(), Message("archive.list.state").text(), "SHA-256"]
        Output.say(.verbatim(Output.table(header, school.archive.sorted { $0.sealed.student < $1.sealed.student }.map { e in
            [e.sealed.student, e.sealed.graduated.description, e.sealed.sealed.description, e.sealed.retainUntil.description,
             e.purged.map { Message("archive.list.purged", ["day": "\($0.purged)", "by": e.purgedBy ?? "?"]).text() }
                ?? Message("archive.list.isSealed").text(),
             String(e.sealed.sha256.prefix(16)) + "…"]
        })))
    }
}

struct ArchiveOpen: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: Message("archive.open.help.abstract").text(),
        discussion: Message("archive.open.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("archive.open.help.student").text())) var student: String
    @Option(help: ArgumentHelp(Message("archive.open.help.to").text())) var to: String

    func execute() throws(FolioError) {
        let path = try global.openWorkspace().openArchive(student, to: to)
        if global.json { Output.json(["bag": path]); return }
        Output.say(Message("archive.open.done", ["student": student, "path": path]))
    }
}

struct ArchivePurge: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge", abstract: Message("archive.purge.help.abstract").text(),
        discussion: Message("archive.purge.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("archive.purge.help.students").text())) var students: [String] = []
    @Flag(help: ArgumentHelp(Message("archive.purge.help.dryRun").text())) var dryRun = false

    func execute() throws(FolioError) {
        let session = try global.session()
        let actor = dryRun ? nil : try global.actor()
        let due = try session.purge(students: students, dryRun: dryRun, actor: actor, now: try global.now())
        if global.json { Output.json(due); return }
        guard !due.isEmpty else { Output.say(Message("archive.purge.none")); return }
        for e in due {
            let values: [String: any MessageValue] = ["path": e.sealed.path, "student": e.sealed.student, "until": "\(e.sealed.retainUntil)"]
            Output.say(dryRun ? Message("archive.purge.wouldDelete", values) : Message("archive.purge.deleted", values))
        }
        Output.say(dryRun ? Message("archive.purge.dryRun") : Message("archive.purge.done"))
    }
}
