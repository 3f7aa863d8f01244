import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct TransferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer", abstract: Message("help.transfer.abstract").text(),
        subcommands: [TransferOut.self, TransferIn.self])
}

struct TransferOut: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "out", abstract: Message("help.transfer.out.abstract").text(),
        discussion: Message("help.transfer.out.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("help.transfer.out.student").text())) var student: String
    @Option(help: ArgumentHelp(Message("help.transfer.out.out").text())) var out: String
    @Option(help: ArgumentHelp(Message("help.transfer.out.forKey").text())) var forKey: String?

    func execute() throws(FolioError) {
        guard let forKey else {
            throw FolioError(.badInput, "transfer.out.noKey")
        }
        let reader = try KeyFiles.reader(forKey)
        // The clerk reads this out on the phone to the new school, which compares it with the key it sent.
        Output.note(Message("transfer.out.sealing", ["reader": reader.id, "fingerprint": RootFingerprint.of(reader.key)]).text())
        let session = try global.session()
        let r = try session.transferOut(student: student, actor: try global.actor(), now: try global.now(), outDir: out, sealedFor: reader)
        if global.json { Output.json(r); return }
        Output.say(Message("transfer.out.done", ["path": r.path ?? "?", "student": student, "events": r.events, "files": r.files]))
    }
}

struct TransferIn: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "in", abstract: Message("help.transfer.in.abstract").text(),
        discussion: Message("help.transfer.in.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("help.transfer.in.file").text())) var file: String
    @Option(help: ArgumentHelp(Message("help.transfer.in.student").text())) var student: String
    @Option(name: [.customLong("root-fingerprint"), .customLong("expect-root")],
            help: ArgumentHelp(Message("help.transfer.in.rootFingerprint").text()))
    var rootFingerprint: String?

    func execute() throws(FolioError) {
        guard let rootFingerprint else {
            throw FolioError(.badInput, "transfer.in.noFingerprint")
        }
        let session = try global.session()
        let actor = try global.actor()
        session.openingKeys = [actor.identity]
        let r = try session.transferIn(file, student: student, expectRoot: rootFingerprint, actor: actor, now: try global.now())
        if global.json { Output.json(r); return }
        Output.say(Message("transfer.in.done", ["items": r.items, "files": r.files, "student": student, "schoolName": r.fromSchoolName,
                                                 "school": r.fromSchool, "number": r.fromNumber]))
        Output.say(Message("transfer.in.compare", ["fingerprint": r.rootKeyFingerprint]))
    }
}
