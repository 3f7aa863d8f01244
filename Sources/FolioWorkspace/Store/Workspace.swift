import FolioCore
import Foundation

/// A folio workspace on disk. See Docs/formats.md for the layout:
///
///     folio.json
///     school/events/<id>.json    school/school.json (derived)
///     students/<no>/events/<id>.json    students/<no>/manifest.json (derived)    students/<no>/files/…
///     .folio/                    lock, transactions in progress; local only
public struct Workspace: Sendable {
    public let root: String
    public let config: WorkspaceConfig
    /// A demo or test school: `folio.json` says so *and* the signed founding record under the pinned root
    /// does. `folio.json` alone is a file anyone at the machine can edit; a school's founding record is not.
    public let isDemo: Bool

    public static let configName = "folio.json"

    /// Opens the workspace at `root`, or the nearest one at or above the current directory.
    public static func open(_ root: String?) throws(FolioError) -> Workspace {
        let start = root ?? FileManager.default.currentDirectoryPath
        var dir = URL(fileURLWithPath: start).standardizedFileURL.path
        while true {
            let candidate = dir + "/" + configName
            if FileIO.exists(candidate) {
                let bytes = try FileIO.readAll(candidate)
                guard let config = try? JSONDecoder().decode(WorkspaceConfig.self, from: Data(bytes)) else {
                    throw FolioError(.workspaceDamaged, "workspace.configUnreadable", ["file": candidate])
                }
                return Workspace(root: dir, config: config)
            }
            if root != nil || dir == "/" { break }
            dir = (dir as NSString).deletingLastPathComponent
        }
        throw FolioError(.workspaceMissing, "workspace.missing", ["path": start])
    }

    /// `demo`: whether the school's founding record says it is a demo school, when the caller knows (a
    /// workspace being made); otherwise it is read from `school/events`, and only when `folio.json` claims it.
    init(root: String, config: WorkspaceConfig, demo: Bool? = nil) {
        self.root = root
        self.config = config
        if let demo {
            isDemo = config.isDemo && demo
        } else if config.isDemo {
            let events = Self.readFounding(root + "/school/events")
            let pinned = config.root ?? SchoolFolder.foundingRoot(events)
            isDemo = events.contains { e in
                guard e.signatureIsValid, e.event.author == SchoolState.rootPrincipal,
                      let body = try? e.event.decodeBody(SchoolCreated.self) else { return false }
                return body.rootKey == pinned && e.event.key == pinned && body.demo == true
            }
        } else {
            isDemo = false
        }
        DemoSchool.note(isDemo)
    }

    /// The founding records among a school's records (read whole: there are a few hundred school records).
    private static func readFounding(_ dir: String) -> [StoredEvent] {
        FileIO.list(dir).compactMap { name in
            guard name.hasSuffix(".json"), let bytes = try? FileIO.readAll(dir + "/" + name),
                  let e = SignedEvent.readStored(bytes), e.event.kind == .schoolCreated else { return nil }
            return e
        }
    }

    // MARK: paths

    public var schoolEventsDir: String { root + "/school/events" }
    public var schoolViewPath: String { root + "/school/school.json" }
    public var studentsDir: String { root + "/students" }
    public func studentDir(_ number: String) -> String { studentsDir + "/" + number }
    public func studentEventsDir(_ number: String) -> String { studentDir(number) + "/events" }
    public func manifestPath(_ number: String) -> String { studentDir(number) + "/manifest.json" }

    // MARK: reading

    /// A reading command's shared lock on the workspace (see `WorkspaceLock`).
    public func lockForReading() throws(FolioError) -> WorkspaceLock? {
        try WorkspaceLock.forReading(path: root + "/.folio/lock")
    }

    public func studentNumbers() -> [String] { FileIO.list(studentsDir).filter { FileIO.isDirectory(studentDir($0)) } }

    /// Reads every event file in a folder. A file that cannot be parsed, or whose name is not its id, is
    /// returned in `damaged` rather than thrown, so `folio verify` can report each one.
    public func readEvents(in dir: String) -> (events: [StoredEvent], damaged: [(file: String, why: Message)]) {
        readEvents(in: dir, names: FileIO.list(dir))
    }

    /// `names` are the folder's entries as `FileIO.list` gives them. `folder`, when given, is a folder above
    /// `dir` held open and `relative` the way down from it, ending in a slash ("events/"): each file is then
    /// opened without the kernel walking the whole path again. `relative` means nothing without `folder`.
    /// `signed`: names of files whose signatures an earlier check found valid, as they are now, and which are
    /// not checked again.
    func readEvents(in dir: String, names: [String], folder: Int32 = AT_FDCWD, relative: String? = nil,
                    signed: (String) -> Bool = { _ in false }) -> (events: [StoredEvent], damaged: [(file: String, why: Message)]) {
        var events: [StoredEvent] = []
        var damaged: [(String, Message)] = []
        events.reserveCapacity(names.count)
        for name in names {
            let path = dir + "/" + name
            guard name.hasSuffix(".json"), let bytes = try? FileIO.readAll(relative.map { $0 + name } ?? path, in: folder) else {
                damaged.append((path, Message("verify.finding.notEvent")))
                continue
            }
            guard let stored = signed(name) ? SignedEvent.readCanonical(bytes, signatureChecked: true) ?? SignedEvent.readStored(bytes)
                                            : SignedEvent.readStored(bytes) else {
                damaged.append((path, Message("verify.finding.notReadable")))
                continue
            }
            guard name == stored.id + ".json" else {
                damaged.append((path, Message("verify.finding.misnamed", ["id": stored.id])))
                continue
            }
            events.append(stored)
        }
        return (events, damaged)
    }

    public func schoolEvents() -> [StoredEvent] { readEvents(in: schoolEventsDir).events }
    public func studentEvents(_ number: String) -> [StoredEvent] { readEvents(in: studentEventsDir(number)).events }

    public func school() -> SchoolState { fold(schoolEvents()) }

    /// The root this workspace trusts: the one `folio.json` pins, else (a workspace made before roots were
    /// pinned) the root of its first founding record.
    public func pinnedRoot(_ schoolEvents: [StoredEvent]) -> String? {
        config.root ?? SchoolFolder.foundingRoot(schoolEvents)
    }

    /// `pinnedRoot`, or an error when the workspace has no founding record at all.
    public func trustedRoot(_ schoolEvents: [StoredEvent]) throws(FolioError) -> String {
        guard let root = pinnedRoot(schoolEvents) else {
            throw FolioError(.workspaceDamaged, "workspace.noRoot")
        }
        return root
    }

    /// The school state folded from `events` under this workspace's pinned root.
    public func fold(_ events: [StoredEvent]) -> SchoolState { SchoolFolder.fold(events, root: pinnedRoot(events)) }

    public func view(_ number: String, school: SchoolState) -> StudentView {
        StudentFolder.fold(number: number, events: studentEvents(number), school: school)
    }

    /// The manifest as written on disk, or nil when missing or unreadable.
    public func storedManifest(_ number: String) -> StudentView? {
        guard let bytes = try? FileIO.readAll(manifestPath(number)) else { return nil }
        return try? JSONDecoder().decode(StudentView.self, from: Data(bytes))
    }

    // MARK: derived views

    /// The bytes of a derived view: pretty, key-sorted JSON so a person can read it and the same view
    /// always gives the same bytes.
    public static func viewBytes<T: Encodable>(_ value: T) -> [UInt8] {
        if let bytes = PrettyJSON.encode(value) { return bytes + [10] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Views hold only strings, integers and booleans, so encoding cannot fail.
        return Array(try! encoder.encode(value)) + [10]
    }
}

extension Workspace {
    /// The bytes of a student's stored file, as the manifest lists it (its path is folio's own, never typed).
    public func fileBytes(student number: String, _ file: StoredFile) throws(FolioError) -> [UInt8] {
        try FileIO.readAll(studentDir(number) + "/" + file.path)
    }
}
