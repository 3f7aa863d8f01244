import FolioCore
/// `folio.json`: which school this workspace belongs to and which replica it is. School rules, people and
/// the calendar are not here: they are signed events under `school/events`.
public struct WorkspaceConfig: Codable, Hashable, Sendable {
    public enum Role: String, Codable, Sendable { case hub, teacher, kiosk }

    public var format: String = "folio-workspace/1"
    public var school: String
    public var name: String
    public var replica: String
    public var role: Role

    public init(school: String, name: String, replica: String, role: Role) {
        self.school = school
        self.name = name
        self.replica = replica
        self.role = role
    }
}
