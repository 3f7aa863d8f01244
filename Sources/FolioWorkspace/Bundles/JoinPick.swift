import FolioCore

extension Workspace {
    /// `folio init --join FOLDER`: the bundle on a stick to start `owner`'s replica from, chosen by the
    /// envelopes (or, for a bundle in the clear, the signed headers) alone, so nothing is opened or written.
    ///
    /// A replica starts from a school update or a certification request sent by the office. One addressed to
    /// `owner` is preferred to a school update for everyone (a request also carries the teacher's items); two
    /// of the same kind of address cannot be told apart safely, so that is refused and the names are listed,
    /// as is a folder with none. The chosen bundle is then checked in full by `join`.
    public static func joinBundle(in dir: String, for owner: String?) throws(FolioError) -> String {
        guard let owner else {
            throw FolioError(.badInput, "bundle.join.sayWhoseIn", ["dir": dir])
        }
        var personal: [String] = [], everyone: [String] = [], others: [String] = []
        for name in FileIO.list(dir).sorted() where name.hasSuffix(".tar") && FileIO.isRegularFile(dir + "/" + name) {
            let routing: BundleHeader
            var readers: [String]?
            switch BundlePeek.look(at: dir + "/" + name, keys: []) {
            case .sealed(let envelope, _, _):
                routing = envelope.routing
                readers = envelope.readers
            case .header(let header, _):
                routing = header
            case .notABundle, .unknown:
                continue
            }
            let r = routing.recipient
            guard routing.kind == .schoolUpdate || routing.kind == .certRequest, routing.sender.replica != nil else {
                others.append(name)
                continue
            }
            if r.person == owner {
                personal.append(name)
            } else if r.isEveryone && routing.kind == .schoolUpdate && readers.map({ $0.contains(owner) }) ?? true {
                everyone.append(name)
            } else {
                others.append(name)
            }
        }
        let found = personal.isEmpty ? everyone : personal
        if found.count == 1 { return dir + "/" + found[0] }
        if found.isEmpty {
            throw FolioError(.badBundle, Message(others.isEmpty ? "bundle.join.none" : others.count == 1 ? "bundle.join.noneForYou" : "bundle.join.noneForYouMany",
                                                 ["dir": dir, "owner": owner, "others": others.joined(separator: ", ")]),
                             hint: Message("bundle.join.none.hint", ["owner": owner]))
        }
        throw FolioError(.badBundle, Message(personal.isEmpty ? "bundle.join.several.everyone" : "bundle.join.several.personal",
                                             ["dir": dir, "count": found.count, "owner": owner, "found": found.joined(separator: ", ")]),
                         hint: Message("bundle.join.several.hint", ["dir": dir, "last": found.last ?? ""]))
    }
}
