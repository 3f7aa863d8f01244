import FolioCore

/// One open conflict, for `folio conflicts`.
public struct OpenConflict: Codable, Sendable {
    public var student: String
    public var item: String
    public var description: String
    public var course: String?
    public var decisions: [Decision]
}

extension Workspace {
    /// Every item where two authorised decisions disagree, across the school.
    public func conflicts(school: SchoolState) -> [OpenConflict] {
        studentNumbers().flatMap { number -> [OpenConflict] in
            let view = storedManifest(number) ?? self.view(number, school: school)
            return view.conflicts.map { c in
                let item = view.item(c.item)
                return OpenConflict(student: number, item: c.item, description: item?.description ?? "",
                                    course: item?.course, decisions: c.decisions)
            }
        }
    }
}

extension WorkspaceSession {
    /// `folio resolve`: a new decision that names every disagreeing decision on the item's version, so
    /// they give way to it. Both earlier decisions stay in the item's history.
    public func resolve(student: String, item prefix: String, certify: Bool, reason: String?, actor: Actor,
                        now: Instant) throws(FolioError) -> ItemView {
        let item = try workspace.item(student, prefix, school: school)
        let view = workspace.view(student, school: school)
        guard let conflict = view.conflicts.first(where: { $0.item == item.id }) else {
            throw FolioError(.badInput, "item.noConflict", ["item": item.id, "student": student])
        }
        let body = ItemDecision(item: item.id, version: conflict.version, reason: reason,
                                settles: conflict.decisions.map(\.event).sorted())
        let event = try sign(actor, certify ? .itemCertified : .itemRejected, student: student, at: now, body: body)
        return try appendStudents([StudentChange(number: student, events: [event])])[student]!.item(item.id)!
    }
}
