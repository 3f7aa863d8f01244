import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct GraduateCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "graduate", abstract: "Record graduation (畢業) for students or a whole grade.",
        discussion: "Example: folio graduate --grade 12 --date 2025-06-30 --as R01 --key R01.key")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Student numbers (or use --grade).") var students: [String] = []
    @Option(help: "Every enrolled student of this grade (normally 12).") var grade: Int?
    @Option(help: "The graduation day: 2025-06-30, 114/06/30 or 民國114年6月30日.") var date: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let day = try DateInput.parse(date)
        let done = try session.graduate(students: students, grade: grade, date: day,
                                        actor: try global.actor(), now: try global.now())
        if global.json { Output.json(done); return }
        Output.say("Recorded graduation on \(day) for \(done.count) student(s): \(done.joined(separator: ", ")).")
        Output.say("Next: seal their portfolios with `folio archive seal`.")
    }
}

struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive", abstract: "Graduates' sealed archives: seal, verify, list, open, purge.",
        subcommands: [ArchiveSeal.self, ArchiveVerify.self, ArchiveList.self, ArchiveOpen.self, ArchivePurge.self])
}

struct ArchiveSeal: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal", abstract: "Seal graduates' portfolios as BagIt tarballs kept for five years.",
        discussion: "Without student numbers, seals every graduate not yet sealed. Example: folio archive seal --as R01 --key R01.key")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Student numbers (default: every graduate not yet sealed).") var students: [String] = []

    func execute() throws(FolioError) {
        let session = try global.session()
        let sealed = try session.seal(students: students, actor: try global.actor(), now: try global.now())
        if global.json { Output.json(sealed); return }
        for s in sealed {
            Output.say("Sealed \(s.student): \(s.path), \(s.size) bytes, SHA-256 \(s.sha256); kept until \(s.retainUntil).")
        }
        Output.say("Their folders have left the live workspace; `folio archive verify` checks the archives.")
    }
}

struct ArchiveVerify: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Re-hash every sealed tarball against the register and check every bag.",
        discussion: "Examples: folio archive verify        folio archive verify --bag /tmp/lookup/999901-111001   (an extracted bag)")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Check one extracted bag folder against its own manifests instead.") var bag: String?

    func execute() throws(FolioError) {
        if let bag {
            let problems = Bag.validate(bag)
            if global.json { Output.json(problems) } else {
                for p in problems { Output.say("PROBLEM \(p)") }
                if problems.isEmpty { Output.say("\(bag) is a valid BagIt 1.0 bag: every file matches its manifest.") }
            }
            if !problems.isEmpty {
                throw FolioError(.verificationFailed, "\(bag) is not a valid bag: \(problems[0]).",
                                 hint: "Open a fresh copy from the sealed archive with `folio archive open`.")
            }
            return
        }
        let checks = try global.openWorkspace().verifyArchives()
        if global.json { Output.json(checks) } else {
            for c in checks {
                Output.say("\(c.problems.isEmpty ? "ok     " : "PROBLEM") \(c.path) (\(c.state))" + (c.problems.isEmpty ? "" : ": " + c.problems.joined(separator: "; ")))
            }
            Output.say("\(checks.count) register entr\(checks.count == 1 ? "y" : "ies") checked.")
        }
        let bad = checks.filter { !$0.problems.isEmpty }
        if !bad.isEmpty {
            throw FolioError(.verificationFailed, "\(bad.count) archive(s) do not match the register: \(bad.map(\.path).joined(separator: ", ")).",
                             hint: "Restore them from a backup copy of archive/; never edit an archive by hand.")
        }
    }
}

struct ArchiveList: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "What is sealed, since when and until when; and what was purged.",
        discussion: "Example: folio archive list")

    @OptionGroup var global: GlobalOptions

    func execute() throws(FolioError) {
        let school = try global.openWorkspace().school()
        if global.json { Output.json(school.archive); return }
        guard !school.archive.isEmpty else { Output.say("Nothing is sealed."); return }
        Output.say(Output.table(["學號", "graduated", "sealed", "keep until", "state", "SHA-256"], school.archive.sorted { $0.sealed.student < $1.sealed.student }.map { e in
            [e.sealed.student, e.sealed.graduated.description, e.sealed.sealed.description, e.sealed.retainUntil.description,
             e.purged.map { "purged \($0.purged) by \(e.purgedBy ?? "?")" } ?? "sealed", String(e.sealed.sha256.prefix(16)) + "…"]
        }))
    }
}

struct ArchiveOpen: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: "Extract a copy of a graduate's sealed bag for a lookup; the archive stays sealed.",
        discussion: "Example: folio archive open 111001 --to /tmp/lookup")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The student number.") var student: String
    @Option(help: "A new folder to extract into.") var to: String

    func execute() throws(FolioError) {
        let path = try global.openWorkspace().openArchive(student, to: to)
        if global.json { Output.json(["bag": path]); return }
        Output.say("Extracted a copy of \(student)'s bag to \(path). Any BagIt tool can check it, for example `bagit.py --validate \(path)`.")
    }
}

struct ArchivePurge: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge", abstract: "Delete archives whose five years have passed, leaving a signed tombstone.",
        discussion: "Example: folio archive purge --dry-run    then    folio archive purge --as R01 --key R01.key")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Only these students (default: every archive whose retention has ended).") var students: [String] = []
    @Flag(help: "Only list what would be deleted.") var dryRun = false

    func execute() throws(FolioError) {
        let session = try global.session()
        let actor = dryRun ? nil : try global.actor()
        let due = try session.purge(students: students, dryRun: dryRun, actor: actor, now: try global.now())
        if global.json { Output.json(due); return }
        guard !due.isEmpty else { Output.say("No archive has reached the end of its retention."); return }
        for e in due {
            Output.say("\(dryRun ? "Would delete" : "Deleted") \(e.sealed.path) (\(e.sealed.student), kept until \(e.sealed.retainUntil)).")
        }
        Output.say(dryRun ? "Nothing was deleted. Run again without --dry-run to delete them." : "A signed tombstone for each stays in the register (`folio archive list`).")
    }
}
