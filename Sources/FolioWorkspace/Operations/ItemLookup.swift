import FolioCore

extension Workspace {
    /// Finds a student's item by its id or an unambiguous beginning of it (at least 4 characters).
    public func item(_ number: String, _ prefix: String, school: SchoolState) throws(FolioError) -> ItemView {
        guard FileIO.isDirectory(studentDir(number)) else {
            throw FolioError(.unknownStudent, "item.lookup.noStudent", ["number": number])
        }
        try Self.checkItemPrefix(prefix, student: number)
        let view = self.view(number, school: school)
        let matches = view.items.filter { $0.id.hasPrefix(prefix) }
        guard matches.count == 1 else {
            throw FolioError(.unknownItem,
                             Message(matches.count > 1 ? "item.lookup.ambiguous" : "item.lookup.none",
                                     ["prefix": prefix, "count": matches.count, "number": number]),
                             hint: Message("item.lookup.hint", ["number": number]))
        }
        return matches[0]
    }

    /// Refuses what a person typed for an item unless it is the start of an item id as `folio status` shows
    /// it: four to ten of the digits 0-9 and the lowercase letters a-f. Nothing else is looked up, so no
    /// typed text can reach a path (`files/<item>/…`).
    public static func checkItemPrefix(_ prefix: String, student number: String) throws(FolioError) {
        guard ItemID.isValidPrefix(prefix) else {
            throw FolioError(.unknownItem, "item.lookup.notAnID", ["prefix": ItemID.printable(prefix), "length": ItemID.length,
                                                                   "number": number, "shortest": ItemID.shortestPrefix])
        }
    }
}
