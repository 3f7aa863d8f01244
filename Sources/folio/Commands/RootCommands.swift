import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct RootCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "root", abstract: Message("help.root.abstract").text(),
        subcommands: [RootShow.self, RootReplace.self])
}

struct RootShow: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: Message("help.root.show.abstract").text(),
        discussion: Message("help.root.show.discussion").text())

    @OptionGroup var global: GlobalOptions

    func execute() throws(FolioError) {
        let ws = try global.openWorkspace()
        let events = ws.schoolEvents()
        let pinned = try ws.trustedRoot(events)
        let school = ws.fold(events)
        Output.say(Message("root.show.pinned", ["fingerprint": RootFingerprint.of(pinned)]))
        if school.rootKey != pinned {
            Output.say(Message("root.show.current", ["count": school.formerRootKeys.count, "fingerprint": RootFingerprint.of(school.rootKey)]))
        }
    }
}

struct RootReplace: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "replace", abstract: Message("help.root.replace.abstract").text(),
        discussion: Message("help.root.replace.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(Message("help.root.replace.newPublicKey").text())) var newPublicKey: String
    @Option(help: ArgumentHelp(Message("help.root.replace.reason").text())) var reason: String
    @Flag(help: ArgumentHelp(Message("help.root.replace.yes").text())) var yes = false

    func execute() throws(FolioError) {
        let session = try global.session()
        let key = try KeyFiles.publicKey(newPublicKey)
        if !yes, !Confirm.ask(Message("root.replace.confirm", ["fingerprint": RootFingerprint.of(key)]).text()) {
            throw FolioError(.badInput, "root.replace.notConfirmed")
        }
        let e = try session.sign(try global.actor(), .rootReplaced, at: try global.now(),
                                 body: RootReplaced(newRootKey: key, reason: reason))
        try session.appendSchool([e])
        Output.say(Message("root.replace.done", ["fingerprint": RootFingerprint.of(key)]))
        Output.say(Message("root.replace.next"))
    }
}
