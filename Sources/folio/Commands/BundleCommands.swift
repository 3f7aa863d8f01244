import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle", abstract: Message("help.bundle.abstract").text(),
        discussion: Message("help.bundle.discussion").text(),
        subcommands: [BundleExport.self, BundleVerify.self, BundleImport.self])
}

extension BundleKind: ExpressibleByArgument {}

struct BundleExport: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: Message("help.bundle.export.abstract").text(),
        discussion: Message("help.bundle.export.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(Message("help.bundle.export.kind").text())) var kind: BundleKind
    @Option(help: ArgumentHelp(Message("help.bundle.export.to").text()))
    var to: String?
    @Option(help: ArgumentHelp(Message("help.bundle.export.out").text())) var out: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let report = try session.exportBundle(kind: kind, to: to, actor: try global.actor(), now: try global.now(), outDir: out)
        if global.json { Output.json(report); return }
        Output.say(BundleText.exported(report))
    }
}

struct BundleVerify: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: Message("help.bundle.verify.abstract").text(),
        discussion: Message("help.bundle.verify.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("help.bundle.verify.file").text())) var file: String

    func execute() throws(FolioError) {
        let report = try WorkspaceSession.preview(file, workspace: try global.openWorkspace(), keys: try global.openingKeys())
        if global.json { Output.json(report); return }
        Output.say(Message("bundle.verify.complete", ["file": report.file]))
        Output.say(BundleText.describe(report, future: true))
    }
}

struct BundleImport: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: Message("help.bundle.import.abstract").text(),
        discussion: Message("help.bundle.import.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("help.bundle.import.files").text())) var files: [String]

    func execute() throws(FolioError) {
        let session = try global.session()
        session.openingKeys = try global.openingKeys()
        let reports = try session.importBundles(files)
        if global.json { Output.json(reports); return }
        for report in reports { Output.say(BundleText.describe(report, future: false)) }
        if reports.contains(where: { !$0.problems.isEmpty || !$0.conflicts.isEmpty }) {
            Output.say(Message("bundle.import.next"))
        }
    }
}

struct SyncCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: Message("help.sync.abstract").text(),
        discussion: Message("help.sync.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("help.sync.dir").text())) var dir: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let actor = global.hasKey ? try global.actor() : nil
        session.openingKeys = actor.map { [$0.identity] } ?? []
        let report = try session.sync(dir: dir, actor: actor, now: try global.now())
        if global.json {
            Output.json(report)
        } else {
            for r in report.imported { Output.say(BundleText.describe(r, future: false)) }
            for s in report.skipped { Output.say(Message("bundle.sync.skipped", ["file": s.file, "why": s.why])) }
            for w in report.written { Output.say(BundleText.exported(w)) }
            if let note = report.notWritten { Output.say(note) }
            if report.imported.isEmpty && report.written.isEmpty && report.refused.isEmpty {
                Output.say(Message("bundle.sync.nothing", ["dir": dir]))
            }
        }
        if let first = report.refused.first {
            for r in report.refused.dropFirst() {
                FileHandle.standardError.write(Data("\(Message("cli.error").text())\(r.message)\n\(Message("cli.hint").text())\(r.hint)\n".utf8))
            }
            let what = report.refused.count > 1
                ? Message("bundle.sync.refused", ["message": first.message, "count": report.refused.count]) : .verbatim(first.message)
            throw FolioError(.badBundle, what, hint: .verbatim(first.hint))
        }
    }
}

struct ConflictsCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts", abstract: Message("help.conflicts.abstract").text(),
        discussion: Message("help.conflicts.discussion").text())

    @OptionGroup var global: GlobalOptions

    func execute() throws(FolioError) {
        let ws = try global.openWorkspace()
        let conflicts = ws.conflicts(school: ws.school())
        if global.json { Output.json(conflicts); return }
        guard !conflicts.isEmpty else { Output.say(Message("bundle.conflicts.none")); return }
        let none = Message.verbatim("")
        for c in conflicts {
            Output.say(Message("bundle.conflicts.item", [
                "student": c.student, "item": c.item, "course": c.course.map { Message("bundle.conflicts.course", ["course": $0]) } ?? none,
                "description": c.description,
            ]))
            for d in c.decisions {
                let verdict = d.certified ? Message("bundle.conflicts.certified")
                    : d.reason.map { Message("bundle.conflicts.returnedBecause", ["reason": $0]) } ?? Message("bundle.conflicts.returned")
                Output.say(Message("bundle.conflicts.decision", [
                    "by": d.by, "for": d.onBehalfOf.map { Message("bundle.conflicts.for", ["person": $0]) } ?? none,
                    "at": d.at.taipeiText, "verdict": verdict,
                ]))
            }
        }
        Output.say(Message("bundle.conflicts.count", ["count": conflicts.count]))
    }
}

struct ResolveCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: Message("help.resolve.abstract").text(),
        discussion: Message("help.resolve.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("help.resolve.student").text())) var student: String
    @Argument(help: ArgumentHelp(Message("help.resolve.item").text())) var item: String
    @Flag(help: ArgumentHelp(Message("help.resolve.certify").text())) var certify = false
    @Flag(help: ArgumentHelp(Message("help.resolve.reject").text())) var reject = false
    @Option(help: ArgumentHelp(Message("help.resolve.reason").text())) var reason: String?

    func execute() throws(FolioError) {
        guard certify != reject else {
            throw FolioError(.badInput, "bundle.resolve.how")
        }
        let session = try global.session()
        let view = try session.resolve(student: student, item: item, certify: certify, reason: reason,
                                       actor: try global.actor(), now: try global.now())
        if global.json { Output.json(view); return }
        Output.say(Message(view.status == .certified ? "bundle.resolve.certified" : "bundle.resolve.returned", ["item": view.id, "student": student]))
    }
}

/// How bundles written and read are told: a kind in words, who it is for or from, what it held.
enum BundleText {
    static func kind(_ kind: BundleKind) -> Message {
        switch kind {
        case .certRequest: Message("bundle.kind.certRequest")
        case .certifications: Message("bundle.kind.certifications")
        case .officeRecords: Message("bundle.kind.officeRecords")
        case .uploads: Message("bundle.kind.uploads")
        case .schoolUpdate: Message("bundle.kind.schoolUpdate")
        case .transfer: Message("bundle.kind.transfer")
        }
    }

    /// A person, a workspace, or both, as a bundle header names them.
    static func party(person: String?, replica: String?) -> String {
        [person, replica.map { Message("bundle.workspace", ["id": $0]).text() }].compactMap { $0 }
            .joined(separator: Message("cli.list.separator").text())
    }

    static func exported(_ r: ExportReport) -> String {
        let whom = party(person: r.recipient.person, replica: r.recipient.replica)
        let to = whom.isEmpty ? Message("bundle.everyone").text() : whom
        let kind = kind(r.kind)
        if let waiting = r.waiting {
            guard r.waitingFiles.count > 1 else { return Message("bundle.waiting", ["kind": kind, "to": to, "file": waiting]).text() }
            return Message("bundle.waitingParts", ["kind": kind, "to": to, "count": r.waitingFiles.count,
                                                   "files": r.waitingFiles.joined(separator: Message("cli.list.separator").text())]).text()
        }
        guard let path = r.path else { return Message("bundle.nothingToSend", ["to": to, "kind": kind]).text() }
        guard r.parts.count > 1 else {
            return Message("bundle.wrote", ["path": path, "kind": kind, "to": to, "events": r.events, "files": r.files, "bytes": r.bytes]).text()
        }
        var lines = [Message("bundle.wroteParts", ["count": r.parts.count, "kind": kind, "to": to, "events": r.events,
                                                   "files": r.files, "bytes": r.bytes]).text()]
        for part in r.parts {
            lines.append(Message("bundle.wroteParts.part", ["path": part.path, "events": part.events, "files": part.files,
                                                            "bytes": part.bytes]).text())
        }
        lines.append(Message("bundle.wroteParts.takeAll").text())
        return lines.joined(separator: "\n")
    }

    static func describe(_ r: ImportReport, future: Bool) -> String {
        let what: [String: any MessageValue] = [
            "file": r.file, "kind": kind(r.kind), "who": party(person: r.sender.person, replica: r.sender.replica),
            "created": r.created.taipeiText, "events": r.newEvents, "files": r.newFiles, "students": r.students.count,
        ]
        var lines: [String] = []
        if r.alreadyHeld {
            lines.append(Message(future ? "bundle.alreadyHeld" : "bundle.alreadyImported", what).text())
        } else {
            lines.append(Message(future ? "bundle.wouldAdd" : "bundle.added", what).text())
        }
        for p in r.problems {
            lines.append(Message("bundle.heldBack", ["message": p.message, "hint": p.hint]).text())
        }
        for c in r.conflicts { lines.append(Message("bundle.conflict", ["student": c]).text()) }
        if let warning = r.copyWarning { lines.append(Message("bundle.warning", ["warning": warning]).text()) }
        return lines.joined(separator: "\n")
    }
}
