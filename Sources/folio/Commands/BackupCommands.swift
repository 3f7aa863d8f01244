import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: Message("help.backup.abstract").text(), discussion: Message("help.backup.discussion").text(),
        subcommands: [BackupCreateCommand.self, BackupListCommand.self], defaultSubcommand: BackupCreateCommand.self)
}

struct BackupCreateCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: Message("help.backup.create.abstract").text(),
        discussion: Message("help.backup.create.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(Message("help.backup.to").text())) var to: String

    func execute() throws(FolioError) {
        let ws = try Workspace.open(global.workspace)
        // The key before the lock: its passphrase may be asked at the terminal, and no writer should wait for that.
        let actor = try global.actor()
        let now = try global.now()
        ReaderLock.held = try ws.lockForBackup()
        if let interruption = Interruption.find(in: ws) { throw interruption.backupError }
        let r = try ws.backup(to: to, actor: actor, now: now)
        for s in r.skipped { Output.warn(Message("backup.skipped", ["path": s.path, "why": s.why]).text()) }
        if let file = r.damagedNewest { Output.warn(Message("backup.damagedNewest", ["file": "snapshots/" + file]).text()) }
        if global.json { Output.json(r); return }
        Output.say(Message("backup.done", ["files": r.files, "bytes": r.bytes, "folders": r.folders, "name": ws.config.name,
                                           "place": r.place, "number": r.number, "id": String(r.snapshot.prefix(12)), "signer": r.signer]))
        Output.say(Message("backup.done.objects", ["new": r.newObjects, "newBytes": r.newBytes, "kept": r.keptObjects, "read": r.read]))
        Output.say(Message("backup.next", ["place": r.place]))
    }
}

struct BackupListCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: Message("help.backup.list.abstract").text(),
        discussion: Message("help.backup.list.discussion").text())

    // No workspace and no key: a backup folder is read on its own, on any machine.
    @Flag(help: ArgumentHelp(Message("help.global.json").text())) var json = false
    @Option(help: ArgumentHelp(Message("help.backup.list.to").text())) var to: String

    func execute() throws(FolioError) {
        let list = try BackupPlace(to).list()
        if json { Output.json(list) } else {
            if let name = list.name, let school = list.school, let replica = list.replica {
                Output.say(Message("backup.list.of", ["name": name, "school": school, "replica": replica, "place": list.place]))
            } else {
                Output.say(Message("backup.list.ofUnknown", ["place": list.place]))
            }
            if list.snapshots.isEmpty {
                Output.say(Message("backup.list.empty"))
            } else {
                let header = ["backup.list.number", "backup.list.snapshot", "backup.list.taken", "backup.list.signer", "backup.list.files",
                              "backup.list.bytes"].map { Message($0).text() }
                Output.say(.verbatim(Output.table(header, list.snapshots.map { s in
                    [String(s.number), String(s.snapshot.prefix(12)), s.taken.taipeiText, s.signer, String(s.files), String(s.bytes)]
                })))
            }
            for s in list.snapshots where s.afterMissing {
                Output.say(Message("backup.list.afterMissing", ["number": s.number, "previous": String((s.previous ?? "").prefix(12))]))
            }
            for d in list.damaged { Output.say(Message("backup.list.damaged", ["file": d.path, "why": d.why])) }
            if let newest = list.snapshots.last {
                Output.say(Message("backup.list.summary", ["count": list.snapshots.count, "number": newest.number,
                                                           "taken": newest.taken.taipeiText, "place": list.place]))
            }
        }
        if !list.damaged.isEmpty {
            throw FolioError(.verificationFailed, "backup.list.someDamaged", ["count": list.damaged.count, "place": list.place])
        }
    }
}

struct RestoreCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: Message("help.restore.abstract").text(), discussion: Message("help.restore.discussion").text())

    // No workspace and no key: everything a restore trusts is in the backup and the fingerprint typed.
    @Flag(help: ArgumentHelp(Message("help.global.json").text())) var json = false
    @Option(help: ArgumentHelp(Message("help.restore.from").text())) var from: String
    @Option(help: ArgumentHelp(Message("help.restore.to").text())) var to: String
    @Option(help: ArgumentHelp(Message("help.restore.snapshot").text())) var snapshot: String?
    @Option(help: ArgumentHelp(Message("help.restore.rootFingerprint").text())) var rootFingerprint: String?

    func execute() throws(FolioError) {
        let typed = rootFingerprint
        let r = try BackupRestore.restore(from: from, snapshot: snapshot, to: to) { pinned, current in
            if let typed { return RootFingerprint.matches(typed, pinned) || RootFingerprint.matches(typed, current) }
            return Confirm.ask(Message("restore.askFingerprint", ["fingerprint": RootFingerprint.of(pinned)]).text())
        }
        if json { Output.json(r); return }
        Output.say(Message("restore.done", ["number": r.number, "id": String(r.snapshot.prefix(12)), "name": r.name, "school": r.school,
                                            "taken": r.taken.taipeiText, "signer": r.signer, "workspace": r.workspace,
                                            "files": r.files, "bytes": r.bytes]))
        Output.say(Message("restore.sameWorkspace", ["replica": r.replica]))
        Output.say(Message("restore.next", ["workspace": r.workspace]))
    }
}
