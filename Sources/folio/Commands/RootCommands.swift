import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct RootCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "root", abstract: "The school root key: show its fingerprint, or replace it (IT section, 資訊組).",
        subcommands: [RootShow.self, RootReplace.self])
}

struct RootShow: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show the school root fingerprint this workspace trusts, to compare with the IT section's.",
        discussion: "Example: folio root show --workspace /srv/folio")

    @OptionGroup var global: GlobalOptions

    func execute() throws(FolioError) {
        let ws = try global.openWorkspace()
        let events = ws.schoolEvents()
        let pinned = try ws.trustedRoot(events)
        let school = ws.fold(events)
        Output.say("Pinned school root (since this workspace was founded or joined): \(RootFingerprint.of(pinned))")
        if school.rootKey != pinned {
            Output.say("Current school root (after \(school.formerRootKeys.count) replacement(s) signed by the root before it): \(RootFingerprint.of(school.rootKey))")
        }
    }
}

struct RootReplace: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "replace", abstract: "Replace the school root key with a new one, signed by the current root.",
        discussion: """
        The current root key signs the record, so only whoever holds it can replace it. Every replica follows the
        replacement when the next school update arrives. Records the old root signed before stay valid.
        Example: folio root replace --new-public-key new-root.key.pub --reason 'yearly renewal' --as root --key root.key
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The new root key's public key (base64), its .pub file or its key file.") var newPublicKey: String
    @Option(help: "Why.") var reason: String
    @Flag(help: "Replace without asking (for scripts).") var yes = false

    func execute() throws(FolioError) {
        let session = try global.session()
        let key = try KeyFiles.publicKey(newPublicKey)
        if !yes, !Confirm.ask("The new school root fingerprint will be \(RootFingerprint.of(key)). Every replica and partner school must be told it. Replace the root? Type yes: ") {
            throw FolioError(.badInput, "Nothing was replaced: replacing the root was not confirmed.",
                             hint: "Run the command again at a terminal and answer yes, or add --yes.")
        }
        let e = try session.sign(try global.actor(), .rootReplaced, at: try global.now(),
                                 body: RootReplaced(newRootKey: key, reason: reason))
        try session.appendSchool([e])
        Output.say("The school root is now \(RootFingerprint.of(key)). Keep the new root key offline; lock the old one away or destroy it.")
        Output.say("Next: write a school update for every replica (`folio sync`), and give the new fingerprint to the schools you exchange transfers with.")
    }
}
