import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle", abstract: "Exchange work on USB sticks: signed tar bundles.",
        discussion: """
        A bundle is a plain tar file: a signed header (bundle.json) listing every file with its size and
        SHA-256, then the records and files. Names say kind, sender and date, and are safe on FAT32/exFAT.
        """,
        subcommands: [BundleExport.self, BundleVerify.self, BundleImport.self])
}

extension BundleKind: ExpressibleByArgument {}

struct BundleExport: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a bundle for a person or workspace into a folder (a USB stick).",
        discussion: """
        Kinds: cert-request (office → one teacher: their pending items), certifications (teacher → office),
        office-records, uploads (kiosk → office), school-update (office → everyone).
        Example: folio bundle export --kind cert-request --to T001 --out /media/usb --as R01 --key R01.key
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "cert-request, certifications, office-records, uploads or school-update.") var kind: BundleKind
    @Option(help: "Who it is for: a person or device id, or a workspace id (default: your office, on a replica).")
    var to: String?
    @Option(help: "The folder to write the bundle into.") var out: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let report = try session.exportBundle(kind: kind, to: to, actor: try global.actor(), now: try global.now(), outDir: out)
        if global.json { Output.json(report); return }
        Output.say(BundleText.exported(report))
    }
}

struct BundleVerify: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check a bundle completely and say what importing it would do; changes nothing.",
        discussion: """
        The bundle is sealed: open it with your key (the office's clerks open what goes to the office).
        Example: folio bundle verify /media/usb/certs-teacher-1a2b3c4d-20241106-0001.tar --as R01 --key R01.key
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The bundle file.") var file: String

    func execute() throws(FolioError) {
        let report = try WorkspaceSession.preview(file, workspace: try global.openWorkspace(), keys: try global.openingKeys())
        if global.json { Output.json(report); return }
        Output.say("\(report.file) is complete and correctly signed.")
        Output.say(BundleText.describe(report, future: true))
    }
}

struct BundleImport: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Check bundles and add what is new to this workspace.",
        discussion: """
        Every bundle is checked completely before anything changes; if any is refused, nothing is imported.
        Then each lands in its own step, one after another. Importing the same bundle again changes nothing.
        The parts of an export too large for one bundle import alone or together, in any order; `folio sync DIR`
        takes every part on a stick.
        Every bundle is sealed to those who are to read it: give your key to open it.
        Example: folio bundle import /media/usb/certs-teacher-1a2b3c4d-20241106-0001.tar --as R01 --key R01.key
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The bundle files.") var files: [String]

    func execute() throws(FolioError) {
        let session = try global.session()
        session.openingKeys = try global.openingKeys()
        let reports = try session.importBundles(files)
        if global.json { Output.json(reports); return }
        for report in reports { Output.say(BundleText.describe(report, future: false)) }
        if reports.contains(where: { !$0.problems.isEmpty || !$0.conflicts.isEmpty }) {
            Output.say("Next: `folio status` shows the held-back records and conflicts; `folio conflicts` lists the conflicts.")
        }
    }
}

struct SyncCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Import every new bundle in a folder (a USB stick), then write there the bundles others are due.",
        discussion: """
        Safe to run again, and as a nightly job: bundles already imported are skipped, and a bundle already
        waiting in the folder is not written twice. A damaged bundle is refused and reported; the others still go in.
        Example: folio sync /media/usb --as R01 --key R01.key
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The folder: a mounted USB stick or a shared folder.") var dir: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let actor = global.hasKey ? try global.actor() : nil
        session.openingKeys = actor.map { [$0.identity] } ?? []
        let report = try session.sync(dir: dir, actor: actor, now: try global.now())
        if global.json {
            Output.json(report)
        } else {
            for r in report.imported { Output.say(BundleText.describe(r, future: false)) }
            for s in report.skipped { Output.say("Skipped \(s.file): \(s.why).") }
            for w in report.written { Output.say(BundleText.exported(w)) }
            if let note = report.notWritten { Output.say(note) }
            if report.imported.isEmpty && report.written.isEmpty && report.refused.isEmpty {
                Output.say("Nothing new to import or to write in \(dir).")
            }
        }
        if let first = report.refused.first {
            for r in report.refused.dropFirst() {
                FileHandle.standardError.write(Data("error: \(r.message)\nhint: \(r.hint)\n".utf8))
            }
            throw FolioError(.badBundle, first.message + (report.refused.count > 1 ? " (\(report.refused.count) bundles refused in all)" : ""),
                             hint: first.hint)
        }
    }
}

struct ConflictsCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts", abstract: "List items where two teachers decided differently.",
        discussion: "Example: folio conflicts   (then settle each with `folio resolve STUDENT ITEM --certify`)")

    @OptionGroup var global: GlobalOptions

    func execute() throws(FolioError) {
        let ws = try global.openWorkspace()
        let conflicts = ws.conflicts(school: ws.school())
        if global.json { Output.json(conflicts); return }
        guard !conflicts.isEmpty else { Output.say("No conflicts."); return }
        for c in conflicts {
            Output.say("\(c.student) item \(c.item) \(c.course.map { "(\($0)) " } ?? "")\(c.description):")
            for d in c.decisions {
                let verdict = d.certified ? "certified 認證" : "returned 退回" + (d.reason.map { ": \($0)" } ?? "")
                Output.say("  \(d.by)\(d.onBehalfOf.map { " for \($0)" } ?? "") on \(d.at.taipeiText): \(verdict)")
            }
        }
        Output.say("\(conflicts.count) conflict(s). Settle each with `folio resolve STUDENT ITEM --certify` or `--reject --reason …`.")
    }
}

struct ResolveCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: "Settle a conflict with a decision that names both earlier ones.",
        discussion: "Example: folio resolve 112001 3f2a9c --certify --as T001 --key T001.key")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The student number.") var student: String
    @Argument(help: "The item id (or its first characters).") var item: String
    @Flag(help: "Settle it as certified.") var certify = false
    @Flag(help: "Settle it as returned (needs --reason).") var reject = false
    @Option(help: "Why, in words for the student (for --reject).") var reason: String?

    func execute() throws(FolioError) {
        guard certify != reject else {
            throw FolioError(.badInput, "Say how the conflict is settled.", hint: "Add either --certify or --reject --reason TEXT.")
        }
        let session = try global.session()
        let view = try session.resolve(student: student, item: item, certify: certify, reason: reason,
                                       actor: try global.actor(), now: try global.now())
        if global.json { Output.json(view); return }
        Output.say("Settled item \(view.id) of \(student): \(view.status == .certified ? "certified (認證)" : "returned (退回)"). Both earlier decisions stay in its history.")
    }
}

enum BundleText {
    static func exported(_ r: ExportReport) -> String {
        let whom = [r.recipient.person, r.recipient.replica.map { "workspace \($0)" }].compactMap { $0 }.joined(separator: ", ")
        let to = whom.isEmpty ? "everyone in the school" : whom
        if let waiting = r.waiting {
            guard r.waitingFiles.count > 1 else { return "A \(r.kind.title) bundle for \(to) is already waiting: \(waiting)." }
            return "A \(r.kind.title) export for \(to) is already waiting, in \(r.waitingFiles.count) files: "
                + r.waitingFiles.joined(separator: ", ") + "."
        }
        guard let path = r.path else { return "Nothing new to send to \(to) (\(r.kind.title)); no bundle written." }
        guard r.parts.count > 1 else {
            return "Wrote \(path): \(r.kind.title) for \(to), \(r.events) record(s), \(r.files) file(s), \(r.bytes) bytes."
        }
        var lines = ["Wrote \(r.parts.count) bundles, the parts of one \(r.kind.title) export for \(to) (too large for one bundle), \(r.events) record(s), \(r.files) file(s), \(r.bytes) bytes in all:"]
        for part in r.parts {
            lines.append("  \(part.path): \(part.events) record(s), \(part.files) file(s), \(part.bytes) bytes")
        }
        lines.append("Take every part: each imports on its own, in any order (`folio sync` imports them all).")
        return lines.joined(separator: "\n")
    }

    static func describe(_ r: ImportReport, future: Bool) -> String {
        let who = [r.sender.person, r.sender.replica.map { "workspace \($0)" }].compactMap { $0 }.joined(separator: ", ")
        var lines: [String] = []
        if r.alreadyHeld {
            lines.append("\(r.file): \(r.kind.title) from \(who), written \(r.created.taipeiText). This workspace already holds all of it; \(future ? "importing would change nothing" : "nothing changed").")
        } else {
            lines.append("\(r.file): \(r.kind.title) from \(who), written \(r.created.taipeiText). \(future ? "Importing would add" : "Added") \(r.newEvents) record(s) and \(r.newFiles) file(s) for \(r.students.count) student(s).")
        }
        for p in r.problems {
            lines.append("  held back: \(p.message) (\(p.hint))")
        }
        for c in r.conflicts { lines.append("  conflict: student \(c): two decisions disagree; settle with `folio resolve`.") }
        if let warning = r.copyWarning { lines.append("  warning: \(warning)") }
        return lines.joined(separator: "\n")
    }
}
