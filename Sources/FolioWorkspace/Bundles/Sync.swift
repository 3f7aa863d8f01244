import FolioCore
import Foundation

/// What `folio sync DIR` did.
public struct SyncReport: Codable, Sendable {
    public struct Skipped: Codable, Sendable {
        public var file: String
        public var why: String
    }

    public struct Refused: Codable, Sendable {
        public var file: String
        public var message: String
        public var hint: String
    }

    public var imported: [ImportReport] = []
    public var skipped: [Skipped] = []
    public var refused: [Refused] = []
    public var written: [ExportReport] = []
    /// Set when no key was given, so nothing could be written back.
    public var notWritten: String?
}

extension WorkspaceSession {
    /// `folio sync DIR`: imports every bundle in `dir` meant for this workspace and not yet imported, each
    /// in its own atomic step (a damaged one is refused and reported; the others still go in), then
    /// writes into `dir` the bundles due to the peers this workspace knows. Running it again changes
    /// nothing: imported bundles are recognised by id and a bundle still waiting in `dir` is not
    /// written twice.
    public func sync(dir: String, actor: Actor?, now: Instant) throws(FolioError) -> SyncReport {
        guard FileIO.isDirectory(dir) else {
            throw FolioError(.badInput, Message("bundle.noStickFolder", ["dir": dir]), hint: Message("bundle.noFolder.hint"))
        }
        // Staging folders are deleted at the end, not after each bundle: on ext4 without a journal (as on
        // the benchmark machine) a new inode skips those freed in the last half minute, and an import made
        // right after a large deletion spent half its CPU in that search (`recently_deleted`).
        var imported: [String] = []
        defer {
            for staging in imported { StagedBundle.remove(staging) }
            removeIncomingFolder()
        }
        var report = SyncReport()
        let book = PeerBook.load(workspace)
        let known = Set(book.peers.values.flatMap(\.imported))
        let written = Set(book.written.keys)
        for name in FileIO.list(dir).sorted() where name.hasSuffix(".tar") {
            if written.contains(name) { continue }   // our own, waiting to be picked up
            let file = dir + "/" + name
            // Decided from the header alone where it can be: nothing is extracted for a bundle passed over.
            switch BundlePeek.look(at: file, keys: openingKeys) {
            case .sealed(let envelope, let id, let error):
                // Passed over on its envelope if it was imported before, even damaged since; otherwise the full
                // check says what is wrong (a key that does not open it, a damaged chunk).
                if let why = passOver(envelope.routing, id: id, known: known) {
                    if let why { report.skipped.append(.init(file: name, why: why)) }
                    continue
                }
                if error.code == .wrongKey || error.code == .badKeyFile {
                    report.refused.append(.init(file: name, message: error.message, hint: error.hint))
                    continue
                }
            case .header(let header, let id):
                if let why = passOver(header, id: id, known: known) {
                    if let why { report.skipped.append(.init(file: name, why: why)) }
                    continue
                }
            case .notABundle:
                let error = ContentsCheck.notABundle(StagedBundle.refuser(name))
                report.refused.append(.init(file: name, message: error.message, hint: error.hint))
                continue
            case .unknown:
                break
            }
            do {
                let bundle = try stage(file, screenedAgainst: workspace.schoolEvents())
                var landed = false
                defer { if landed { imported.append(bundle.staging) } else { bundle.remove() } }
                if let why = passOver(bundle.header, id: bundle.id, known: known) {
                    if let why { report.skipped.append(.init(file: name, why: why)) }
                    continue
                }
                report.imported += try importStaged([bundle], now: now)
                landed = true
            } catch {
                report.refused.append(.init(file: name, message: error.message, hint: error.hint))
            }
        }
        guard let actor else {
            report.notWritten = Message("bundle.sync.notWritten").text()
            return report
        }
        let due = due()
        // A hub writes a request to every teacher it knows: the students' manifests are read once for all of them.
        var prepared = prepareRequests(to: due.filter { $0.0 == .certRequest }.compactMap(\.1), now: now)
        for (kind, to) in due {
            let ready = kind == .certRequest ? to.flatMap { prepared.removeValue(forKey: $0) } : nil
            let out = try exportBundle(kind: kind, to: to, actor: actor, now: now, outDir: dir, prepared: ready)
            if out.path != nil { report.written.append(out) }
        }
        return report
    }

    /// Why a bundle is not imported: `.some(nil)` for this workspace's own (not worth a word), a reason
    /// for the report, or nil when it is to be imported.
    private func passOver(_ header: BundleHeader, id: String, known: Set<String>) -> String?? {
        if header.sender.replica == workspace.config.replica { return .some(nil) }
        if known.contains(id) { return Message("bundle.sync.alreadyImported").text() }
        if !isForMe(header) { return Message("bundle.sync.forAnother").text() }
        return nil
    }

    private func isForMe(_ header: BundleHeader) -> Bool {
        let r = header.recipient
        if r.isEveryone { return header.kind == .schoolUpdate }
        if let replica = r.replica { return replica == workspace.config.replica }
        return r.person != nil && r.person == workspace.config.owner
    }

    /// The bundles this workspace owes: a replica sends its own work to its hub; the hub sends each
    /// teacher it knows their pending items and every other replica the school's updates.
    private func due() -> [(BundleKind, String?)] {
        let config = workspace.config
        switch config.role {
        case .teacher: return [(.certifications, nil)]
        case .kiosk: return [(.uploads, nil)]
        case .office: return [(.officeRecords, nil)]
        case .hub:
            return PeerBook.load(workspace).peers.sorted { $0.key < $1.key }.compactMap { replica, peer in
                peer.role == "teacher" ? (.certRequest, replica) : (.schoolUpdate, replica)
            }
        }
    }
}
