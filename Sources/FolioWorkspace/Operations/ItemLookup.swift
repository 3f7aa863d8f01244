import FolioCore

extension Workspace {
    /// Finds a student's item by its id or an unambiguous beginning of it (at least 4 characters).
    public func item(_ number: String, _ prefix: String, school: SchoolState) throws(FolioError) -> ItemView {
        guard FileIO.isDirectory(studentDir(number)) else {
            throw FolioError(.unknownStudent, "There is no student \(number) in this workspace.",
                             hint: "Check the student number (學號); `folio status` lists every student.")
        }
        try Self.checkItemPrefix(prefix, student: number)
        let view = self.view(number, school: school)
        let matches = view.items.filter { $0.id.hasPrefix(prefix) }
        guard matches.count == 1 else {
            throw FolioError(.unknownItem,
                             matches.count > 1 ? "\(prefix) matches \(matches.count) items of student \(number)."
                                               : "Student \(number) has no item \(prefix).",
                             hint: "Use the item id shown by `folio status \(number)` (at least 4 characters).")
        }
        return matches[0]
    }

    /// Refuses what a person typed for an item unless it is the start of an item id as `folio status` shows
    /// it: four to ten of the digits 0-9 and the lowercase letters a-f. Nothing else is looked up, so no
    /// typed text can reach a path (`files/<item>/…`).
    public static func checkItemPrefix(_ prefix: String, student number: String) throws(FolioError) {
        guard ItemID.isValidPrefix(prefix) else {
            throw FolioError(.unknownItem,
                             "\"\(ItemID.printable(prefix))\" is not an item id: item ids are \(ItemID.length) characters, the digits 0-9 and the lowercase letters a-f.",
                             hint: "Copy the item id shown by `folio status \(number)` (at least its first \(ItemID.shortestPrefix) characters).")
        }
    }
}
