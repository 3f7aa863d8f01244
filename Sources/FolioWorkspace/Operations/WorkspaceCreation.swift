import FolioCore
import Foundation

extension Workspace {
    /// `folio init`: a new hub workspace whose first event, signed by the school root key, declares the
    /// school and that key.
    public static func create(at root: String, school: SchoolCreated, rootKey: SigningIdentity,
                              now: Instant) throws(FolioError) -> Workspace {
        guard rootKey.principal == SchoolState.rootPrincipal else {
            throw FolioError(.wrongKey, "A workspace is created with the school root key; this key belongs to \(rootKey.principal).",
                             hint: "Make one with `folio key new --id root --out root.key` and keep it offline.")
        }
        guard rootKey.publicKeyText == school.rootKey else {
            throw FolioError(.internalError, "Root key mismatch.", hint: "Report this to the IT section.")
        }
        guard school.code.count == 6, school.code.allSatisfy(\.isNumber) else {
            throw FolioError(.badInput, "\"\(school.code)\" is not a school code (學校代碼 has six digits).",
                             hint: "Use the six-digit code the Ministry of Education gave the school.")
        }
        if FileIO.exists(root + "/" + configName) {
            throw FolioError(.workspaceExists, "\(root) already holds a folio workspace.",
                             hint: "Use it as it is, or choose an empty folder.")
        }
        try FileIO.makeDirectories(root + "/.folio")
        let config = WorkspaceConfig(school: school.code, name: school.name,
                                     replica: "hub-" + String(SHA256Hex.of(Array((school.code + now.description).utf8)).prefix(8)),
                                     role: .hub)
        let workspace = Workspace(root: URL(fileURLWithPath: root).standardizedFileURL.path, config: config)
        let actor = Actor(identity: rootKey)
        let created = try actor.sign(.schoolCreated, school: school.code, at: now, body: school)
        let session = try WorkspaceSession(workspace)
        let txn = try Transaction(root: workspace.root)
        try txn.write(configName, Workspace.viewBytes(config))
        try txn.commit()
        try FileIO.makeDirectories(workspace.studentsDir)
        try session.appendSchool([created])
        return workspace
    }
}
