import FolioCore
import Foundation

extension Workspace {
    /// `folio init --join`: starts a small replica (a teacher's laptop, a classroom kiosk, an office PC)
    /// from a bundle the office wrote. The bundle is checked completely first; the school's root key it
    /// carries becomes this replica's trust anchor, so its fingerprint is shown for the person to compare
    /// with the one the IT section gave them.
    ///
    /// `confirmRoot` is asked with the root key the bundle declares, before anything is written: it says
    /// whether the person starting the replica confirmed that key's fingerprint (typed with
    /// `--root-fingerprint`, or answered at the terminal). That root is then pinned in `folio.json`.
    public static func join(at root: String, bundle file: String, owner: String?, role: WorkspaceConfig.Role?,
                            keys: [SigningIdentity] = [], confirmRoot: (String) -> Bool) throws(FolioError) -> (Workspace, ImportReport) {
        let path = URL(fileURLWithPath: root).standardizedFileURL.path
        if FileIO.exists(path + "/" + configName) {
            throw FolioError(.workspaceExists, "\(path) already holds a folio workspace.",
                             hint: "Import the bundle into it with `folio bundle import`, or choose an empty folder.")
        }
        let createdRoot = !FileIO.exists(path)
        try FileIO.makeDirectories(path)
        let scratch = path + "/.folio-join-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let config: WorkspaceConfig
        var pinned = ""
        do throws(FolioError) {
            let staged = try StagedBundle.open(file, staging: scratch, screen: BundleCheck.screen(
                config: nil, schoolEvents: [], root: nil, label: FileIO.lastComponent(of: file)), keys: keys)
            defer { staged.remove() }
            let roots = SchoolFolder.declaredRoots(staged.schoolEvents)
            guard roots.count == 1, let declared = roots.first else {
                throw FolioError(.badBundle, roots.isEmpty
                                     ? "\(staged.fileLabel) does not carry its school's founding records, so a workspace cannot be started from it."
                                     : "\(staged.fileLabel) carries the founding records of \(roots.count) different school roots; it cannot be trusted.",
                                 hint: "Start a replica from a school update or a certification request written by your school's office.")
            }
            guard confirmRoot(declared) else {
                throw FolioError(.wrongKey, "The school root key in \(staged.fileLabel) has fingerprint \(RootFingerprint.of(declared)), which was not confirmed.",
                                 hint: "Compare it with the fingerprint the IT section (資訊組) gave you on paper. If they are the same, run the command again with --root-fingerprint '\(RootFingerprint.of(declared))'; if not, do not use this bundle and give it to the IT section.")
            }
            pinned = declared
            let school = try BundleCheck.check(staged, config: nil, schoolEvents: [], root: declared, hasFile: { _ in false })
            let header = staged.header
            guard header.kind == .schoolUpdate || header.kind == .certRequest, let hub = header.sender.replica else {
                throw FolioError(.badBundle, "\(staged.fileLabel) is a \(header.kind.title) bundle; a replica starts from a school update or a certification request.",
                                 hint: "Ask the office for a school update: `folio bundle export --kind school-update --to YOUR-ID`.")
            }
            guard let who = header.recipient.person ?? owner, let principal = school.principal(who) else {
                throw FolioError(.badInput, "Say whose workspace this is.",
                                 hint: "Add --as with your staff or device id, as registered by the IT section.")
            }
            if let owner, owner != who {
                throw FolioError(.badBundle, "\(staged.fileLabel) is meant for \(who), not \(owner).",
                                 hint: "Use the bundle the office wrote for you.")
            }
            let chosen = role ?? (principal.kind == .device ? .kiosk : .teacher)
            guard chosen != .hub else {
                throw FolioError(.badInput, "A replica cannot be a hub.", hint: "Use --role teacher, kiosk or office.")
            }
            let replica = chosen.rawValue + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
            config = WorkspaceConfig(school: school.code, name: school.name, replica: replica, role: chosen,
                                     owner: who, hub: hub, root: pinned, demo: school.demo == true)
        } catch {
            FileIO.removeTree(scratch)
            if createdRoot { FileIO.removeTree(path) }
            throw error
        }
        FileIO.removeTree(scratch)
        let workspace = Workspace(root: path, config: config, demo: config.isDemo)
        do throws(FolioError) {
            try FileIO.makeDirectories(path + "/.folio")
            try FileIO.makeDirectories(workspace.studentsDir)
            try FileIO.writeNew(path + "/" + configName + ".tmp", Workspace.viewBytes(config))
            guard rename(path + "/" + configName + ".tmp", path + "/" + configName) == 0 else {
                throw FileIO.ioError("create", path + "/" + configName)
            }
            let session = try WorkspaceSession(workspace)
            session.openingKeys = keys
            let reports = try session.importBundles([file])
            return (workspace, reports[0])
        } catch {
            for name in [configName, "school", "students", ".folio"] { FileIO.removeTree(path + "/" + name) }
            if createdRoot { FileIO.removeTree(path) }
            throw error
        }
    }
}
