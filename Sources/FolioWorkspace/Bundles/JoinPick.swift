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
            throw FolioError(.badInput, "Say whose workspace this is, so folio can find your bundle in \(dir).",
                             hint: "Add --as with your staff or device id, as registered by the IT section, or give the bundle's file name.")
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
            throw FolioError(.badBundle, others.isEmpty
                                 ? "There is no folio bundle in \(dir)."
                                 : "None of the bundles in \(dir) starts a workspace for \(owner): \(others.joined(separator: ", ")) \(others.count == 1 ? "is" : "are") meant for others or sent the other way. Nothing was changed.",
                             hint: "Ask the office for a school update for you: `folio bundle export --kind school-update --to \(owner)`, written to the stick.")
        }
        throw FolioError(.badBundle, "\(dir) holds \(found.count) bundles \(personal.isEmpty ? "for everyone" : "meant for \(owner)"): \(found.joined(separator: ", ")). Nothing was changed.",
                         hint: "Choose one and give its file name: --join \(dir)/\(found.last ?? "").")
    }
}
