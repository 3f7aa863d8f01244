import FolioCore
import Foundation

/// `folio add`: what a student hands in at the kiosk.
public struct UploadRequest: Sendable {
    public var student: String
    public var category: String
    public var term: Term
    public var course: String?
    public var description: String
    public var fields: [String: String]
    public var files: [String]
    public var link: String?
    /// An existing item whose files this upload replaces.
    public var replace: String?

    public init(student: String, category: String, term: Term, course: String?, description: String,
                fields: [String: String], files: [String], link: String?, replace: String?) {
        self.student = student
        self.category = category
        self.term = term
        self.course = course
        self.description = description
        self.fields = fields
        self.files = files
        self.link = link
        self.replace = replace
    }
}

extension WorkspaceSession {
    /// Checks the files by content and size, then records the upload and copies the files in, atomically.
    public func upload(_ request: UploadRequest, actor: Actor, now: Instant) throws(FolioError) -> ItemView {
        let limits = FileLimits(school.settings)
        var files: [ItemFile] = []
        var sources: [(source: String, target: String)] = []
        for path in request.files {
            let name = (path as NSString).lastPathComponent.precomposedStringWithCanonicalMapping
            // What the path is, said as it is: a folder or a pipe is not "no file".
            var st = stat()
            guard stat(path, &st) == 0 else {
                throw FolioError(.io, "upload.noFile", ["path": path])
            }
            switch st.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR:
                throw FolioError(.badInput, "upload.folder", ["path": path])
            default:
                throw FolioError(.badInput, "upload.notOrdinary", ["path": path])
            }
            if let problem = FileNames.problem(name) { throw problem }
            // Kind and size are judged before the file is read whole: a 2 GB file is refused at once, not after
            // it has been hashed.
            let prefix = try FileIO.prefix(path, count: FileKind.sniffLength)
            let kind: FileKind
            do {
                kind = try FileCheck.check(name: name, prefix: prefix, size: Int(st.st_size), limits: limits)
            } catch {
                let code: FolioError.Code = if case .tooLarge = error { .fileTooLarge } else { .fileType }
                throw FolioError(code, error.what, hint: error.next)
            }
            let (size, sha) = try FileIO.hashFile(path)
            guard size == Int(st.st_size) else {
                throw FolioError(.io, "upload.changedReading", ["name": name])
            }
            files.append(ItemFile(role: kind.isDocument ? .document : .media, name: name, size: size, sha256: sha,
                                  kind: kind.rawValue))
        }
        var itemID: String
        if let replace = request.replace {
            itemID = try workspace.item(request.student, replace, school: school).id
        } else {
            // A new item gets an id the student does not have yet, unless it is this very upload again (a
            // command run again after an interruption, the same files in the same second): that stays one item.
            let view = workspace.view(request.student, school: school)
            let version = ItemUploaded(item: "", category: request.category, term: request.term, course: request.course,
                                       description: request.description, fields: request.fields, files: files, link: request.link).version
            var attempt = 0
            repeat {
                itemID = ItemID.make(school: school.code, student: request.student, term: request.term,
                                     category: request.category, course: request.course, description: request.description,
                                     author: actor.id, at: now, files: files.map(\.sha256), link: request.link, attempt: attempt)
                attempt += 1
            } while view.item(itemID).map { $0.version != version } ?? false
        }
        for f in files { sources.append((sourcePath(request.files, f), f.path(item: itemID))) }
        let body = ItemUploaded(item: itemID, category: request.category, term: request.term, course: request.course,
                                description: request.description, fields: request.fields, files: files, link: request.link)
        let event = try sign(actor, .itemUploaded, student: request.student, at: now, body: body)
        let views = try appendStudents([StudentChange(number: request.student, events: [event], files: sources)])
        // Re-hash what landed: a file changed while it was being copied must not be kept silently.
        for f in files {
            let landed = try FileIO.hashFile(workspace.studentDir(request.student) + "/" + f.path(item: itemID))
            guard landed.sha256 == f.sha256 else {
                throw FolioError(.io, "upload.changedCopying", ["name": f.name])
            }
        }
        return views[request.student]!.item(itemID)!
    }

    private func sourcePath(_ paths: [String], _ file: ItemFile) -> String {
        paths.first { ($0 as NSString).lastPathComponent.precomposedStringWithCanonicalMapping == file.name } ?? paths[0]
    }

    /// `folio certify` / `folio reject`.
    public func decide(student: String, item prefix: String, certify: Bool, reason: String?, actor: Actor,
                       now: Instant) throws(FolioError) -> ItemView {
        let item = try workspace.item(student, prefix, school: school)
        let event = try sign(actor, certify ? .itemCertified : .itemRejected, student: student, at: now, body: ItemDecision(item: item.id, version: item.version, reason: reason))
        return try appendStudents([StudentChange(number: student, events: [event])])[student]!.item(item.id)!
    }

    /// `folio select` / `folio unselect`.
    public func select(student: String, item prefix: String, selected: Bool, actor: Actor,
                       now: Instant) throws(FolioError) -> ItemView {
        let item = try workspace.item(student, prefix, school: school)
        let event = try sign(actor, selected ? .itemSelected : .itemUnselected, student: student, at: now, body: ItemSelection(item: item.id, year: item.term.year))
        return try appendStudents([StudentChange(number: student, events: [event])])[student]!.item(item.id)!
    }

    /// Rewrites every derived view from the events (`folio repair`), e.g. after a manifest was deleted.
    public func rebuildViews() throws(FolioError) -> Int {
        let txn = try Transaction(root: workspace.root)
        do {
            let schoolBytes = Workspace.viewBytes(school)
            if (try? FileIO.readAll(workspace.schoolViewPath)) != schoolBytes { try txn.write("school/school.json", schoolBytes) }
            var count = 0
            for number in workspace.studentNumbers() {
                let bytes = Workspace.viewBytes(workspace.view(number, school: school))
                if (try? FileIO.readAll(workspace.manifestPath(number))) != bytes {
                    try txn.write("students/\(number)/manifest.json", bytes)
                    count += 1
                }
            }
            try txn.commit()
            return count
        } catch {
            txn.abandon()
            throw error
        }
    }
}
