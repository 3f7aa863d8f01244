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

    public init(school: String, name: String, replica: String, role: Role, owner: String? = nil, hub: String? = nil) {
        self.school = school
        self.name = name
        self.replica = replica
        self.role = role
        self.owner = owner
        self.hub = hub
    }
}
