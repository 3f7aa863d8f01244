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
            throw FolioError(.workspaceExists, "bundle.join.exists", ["path": path])
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
                throw FolioError(.badBundle, Message(roots.isEmpty ? "bundle.noFounding" : "bundle.join.manyRoots",
                                                     ["label": staged.fileLabel, "count": roots.count]),
                                 hint: Message("bundle.join.noFounding.hint"))
            }
            guard confirmRoot(declared) else {
                throw FolioError(.wrongKey, "bundle.join.rootUnconfirmed", ["label": staged.fileLabel, "fingerprint": RootFingerprint.of(declared)])
            }
            pinned = declared
            let school = try BundleCheck.check(staged, config: nil, schoolEvents: [], root: declared, hasFile: { _ in false })
            let header = staged.header
            guard header.kind == .schoolUpdate || header.kind == .certRequest, let hub = header.sender.replica else {
                throw FolioError(.badBundle, "bundle.join.wrongKind", ["label": staged.fileLabel, "kind": header.kind.name])
            }
            guard let who = header.recipient.person ?? owner, let principal = school.principal(who) else {
                throw FolioError(.badInput, "bundle.join.sayWhose")
            }
            if let owner, owner != who {
                throw FolioError(.badBundle, "bundle.join.someoneElses", ["label": staged.fileLabel, "who": who, "owner": owner])
            }
            let chosen = role ?? (principal.kind == .device ? .kiosk : .teacher)
            guard chosen != .hub else {
                throw FolioError(.badInput, "bundle.join.hub")
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
