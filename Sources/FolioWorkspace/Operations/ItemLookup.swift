import FolioCore

extension Workspace {
    /// Finds a student's item by its id or an unambiguous beginning of it (at least 4 characters).
    public func item(_ number: String, _ prefix: String, school: SchoolState) throws(FolioError) -> ItemView {
        guard FileIO.isDirectory(studentDir(number)) else {
            throw FolioError(.unknownStudent, "There is no student \(number) in this workspace.",
                             hint: "Check the student number (學號); `folio status` lists every student.")
        }
        let view = self.view(number, school: school)
        let matches = view.items.filter { $0.id.hasPrefix(prefix.lowercased()) }
        guard prefix.count >= 4, matches.count == 1 else {
            throw FolioError(.unknownItem,
                             matches.count > 1 ? "\(prefix) matches \(matches.count) items of student \(number)."
                                               : "Student \(number) has no item \(prefix).",
                             hint: "Use the item id shown by `folio status \(number)` (at least 4 characters).")
        }
        return matches[0]
    }
}
