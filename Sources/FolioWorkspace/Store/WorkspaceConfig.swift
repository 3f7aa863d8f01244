import FolioCore
/// `folio.json`: which school this workspace belongs to and which replica it is. School rules, people and
/// the calendar are not here: they are signed events under `school/events`.
public struct WorkspaceConfig: Codable, Hashable, Sendable {
    /// The hub is the office's main workspace; the others are small replicas started from a bundle.
    public enum Role: String, Codable, Sendable { case hub, teacher, kiosk, office }

    public var format: String = "folio-workspace/1"
    public var school: String
    public var name: String
    public var replica: String
    public var role: Role
    /// A replica's person or device (a teacher's laptop belongs to that teacher); nil on the hub.
    public var owner: String?
    /// A replica's hub: where its bundles go back to. Nil on the hub itself.
    public var hub: String?
    /// The school root key (base64 Ed25519) this workspace was founded with or joined under: the only
    /// root whose `school.created` it accepts. Nil only in a workspace made before roots were pinned,
    /// which trusts the root of its first founding record (`Workspace.pinnedRoot`).
    public var root: String?
    /// Set on a demo or test school (the sample, `folio sample generate`, `folio init --demo`): only there
    /// do `FOLIO_NOW`, the test hooks and the published demo keys work.
    public var demo: Bool?

    public init(school: String, name: String, replica: String, role: Role, owner: String? = nil, hub: String? = nil,
                root: String? = nil, demo: Bool = false) {
        self.school = school
        self.name = name
        self.replica = replica
        self.role = role
        self.owner = owner
        self.hub = hub
        self.root = root
        self.demo = demo ? true : nil
    }

    public var isDemo: Bool { demo == true }
}
