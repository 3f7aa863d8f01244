import FolioCore
import Foundation

extension Workspace {
    /// `folio init`: a new hub workspace whose first event, signed by the school root key, declares the
    /// school and that key.
    public static func create(at root: String, school: SchoolCreated, rootKey: SigningIdentity,
                              now: Instant) throws(FolioError) -> Workspace {
        guard rootKey.principal == SchoolState.rootPrincipal else {
            throw FolioError(.wrongKey, "workspace.create.notRoot", ["principal": rootKey.principal])
        }
        guard rootKey.publicKeyText == school.rootKey else {
            throw FolioError(.internalError, Message("workspace.create.rootMismatch"), hint: Message("internal.reportIT.hint"))
        }
        guard school.code.count == 6, school.code.allSatisfy(\.isNumber) else {
            throw FolioError(.badInput, "workspace.create.badCode", ["code": school.code])
        }
        if FileIO.exists(root + "/" + configName) {
            throw FolioError(.workspaceExists, Message("bundle.join.exists", ["path": root]), hint: Message("workspace.create.exists.hint"))
        }
        try FileIO.makeDirectories(root + "/.folio")
        try FileIO.makeDirectories(root + "/students")
        let config = WorkspaceConfig(school: school.code, name: school.name,
                                     replica: "hub-" + String(SHA256Hex.of(Array((school.code + now.description).utf8)).prefix(8)),
                                     role: .hub, root: school.rootKey, demo: school.demo == true)
        let workspace = Workspace(root: URL(fileURLWithPath: root).standardizedFileURL.path, config: config, demo: school.demo == true)
        let created = try Actor(identity: rootKey).sign(.schoolCreated, school: school.code, at: now, body: school)
        let state = SchoolFolder.fold([created], root: school.rootKey)
        if let problem = state.problems.first { throw problem.error }
        // One transaction: folio.json, the founding record and the school view appear together or not at
        // all, so an interrupted `init` leaves nothing that looks like a workspace.
        let eventBytes: [UInt8]
        do { eventBytes = try created.signed.fileBytes() } catch {
            throw FolioError(.internalError, Message("workspace.create.encodeFailed"), hint: Message("internal.reportIT.hint"))
        }
        let lock = try WorkspaceLock(path: workspace.root + "/.folio/lock", mode: .exclusive, wait: 0)
        try withExtendedLifetime(lock) { () throws(FolioError) in
            let txn = try Transaction(root: workspace.root)
            do throws(FolioError) {
                try txn.write(configName, Workspace.viewBytes(config))
                try txn.write("school/events/\(created.id).json", eventBytes)
                try txn.write("school/school.json", Workspace.viewBytes(state))
                try txn.commit()
            } catch {
                txn.abandon()
                throw error
            }
        }
        return workspace
    }
}
