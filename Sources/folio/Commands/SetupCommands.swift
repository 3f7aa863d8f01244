import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct InitCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a school's workspace (signed by the school root key), or start a replica from a bundle.",
        discussion: """
        Examples:
        Office:  folio init --dir /srv/folio --school 353301 --name 範例高中 --key root.key
        Teacher: folio init --dir ~/folio --join /media/usb/request-hub-1a2b3c4d-20241105-0001.tar
        """)

    @Option(help: "The folder to create the workspace in.") var dir: String = "."
    @Option(help: "The school's six-digit code (學校代碼).") var school: String?
    @Option(help: "The school's name.") var name: String?
    @Option(help: "Return address of the data section (資料組), for letters.") var address: String?
    @Option(help: "The school root key file (made with `folio key new --id root`).") var key: String?
    @Option(help: "Start a replica (teacher's laptop, kiosk, office PC) from this bundle written by the office.")
    var join: String?
    @Option(name: .customLong("as"), help: "With --join: whose workspace it is, when the bundle is for everyone.")
    var owner: String?
    @Option(help: "With --join: teacher, kiosk or office (default: from the owner).") var role: String?

    func execute() throws(FolioError) {
        if let join {
            var chosen: WorkspaceConfig.Role?
            if let role {
                guard let r = WorkspaceConfig.Role(rawValue: role), r != .hub else {
                    throw FolioError(.badInput, "\(role) is not a replica role.", hint: "Use teacher, kiosk or office.")
                }
                chosen = r
            }
            let (ws, report) = try Workspace.join(at: dir, bundle: join, owner: owner, role: chosen)
            Output.say("Started \(ws.config.role.rawValue) workspace \(ws.config.replica) for \(ws.config.owner ?? "?") of \(ws.config.name) (\(ws.config.school)) in \(ws.root).")
            Output.say("School root key fingerprint: \(Workspace.fingerprint(ws.school().rootKey)). Check it matches the one the IT section (資訊組) gave you.")
            Output.say(BundleText.describe(report, future: false))
            return
        }
        guard let school, let name, let key else {
            throw FolioError(.badInput, "Creating a school's workspace needs --school, --name and --key.",
                             hint: "Or start a replica from the office's bundle with --join FILE.")
        }
        let actor = try Actor.load(keyFile: key, as: SchoolState.rootPrincipal, onBehalfOf: nil)
        let ws = try Workspace.create(at: dir, school: SchoolCreated(code: school, name: name,
                                                                    rootKey: actor.identity.publicKeyText, address: address),
                                      rootKey: actor.identity, now: try Clock.now())
        Output.say("Created the workspace for \(name) (\(school)) in \(ws.root).")
        Output.say("Next: register staff with `folio staff add`, then import the roster with `folio roster import`.")
    }
}

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Make and revoke signing keys.", subcommands: [KeyNew.self, KeyRevoke.self])
}

struct KeyNew: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "new", abstract: "Make a new key file for a person or device (kept by them, mode 0600).",
        discussion: "Example: folio key new --id T001 --out ~/T001.key")

    @Option(help: "Whose key: a staff id, device id, student number or `root`.") var id: String
    @Option(help: "Where to write the key file; it must not exist yet.") var out: String
    @Flag(help: "Mark the key as a published demo key that protects nothing (sample school only).") var demoOnly = false

    func execute() throws(FolioError) {
        let identity = SigningIdentity.generate(principal: id)
        try KeyFiles.write(KeyFile(identity: identity, demoOnly: demoOnly), to: out)
        Output.say("Wrote \(out) for \(id). Public key: \(identity.publicKeyText)")
        Output.say("Keep this file private; give the IT section (資訊組) the public key to register it.")
    }
}

struct KeyRevoke: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a lost or stolen key (root key only).",
        discussion: "Example: folio key revoke --public-key BASE64 --reason 'laptop stolen' --as root --key root.key")

    @OptionGroup var global: GlobalOptions
    @Option(help: "The public key to revoke (base64), or a key file holding it.") var publicKey: String
    @Option(help: "Why.") var reason: String

    func execute() throws(FolioError) {
        let session = try WorkspaceSession(try global.openWorkspace())
        let key = KeyFiles.publicKey(publicKey)
        let e = try session.sign(try global.actor(), .keyRevoked, at: try global.now(),
                                        body: KeyRevoked(publicKey: key, reason: reason))
        try session.appendSchool([e])
        Output.say("Revoked the key \(key.prefix(12))…; records it signs from now on are refused.")
    }
}

/// Key files: JSON, mode 0600, never overwritten.
enum KeyFiles {
    static func write(_ file: KeyFile, to path: String) throws(FolioError) {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw FolioError(.badInput, "\(path) already exists; folio never overwrites a key.",
                             hint: "Choose another file name, or delete the old key if it is really not needed.")
        }
        let bytes = Workspace.viewBytes(file)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw FolioError(.io, "Could not write \(path).", hint: "Check that the folder exists and is writable.")
        }
    }

    /// Accepts a base64 public key or a key file.
    static func publicKey(_ text: String) -> String {
        // Only an ordinary file is read: a pipe by that name would make folio wait for a writer.
        var st = stat()
        if stat(text, &st) == 0, st.st_mode & S_IFMT == S_IFREG, let data = FileManager.default.contents(atPath: text),
           let file = try? JSONDecoder().decode(KeyFile.self, from: data) { return file.publicKey }
        return text
    }
}

struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "Register staff and devices, and record who is away.",
        subcommands: [StaffAdd.self, StaffAway.self, StaffList.self, StaffDuty.self])
}

struct StaffAdd: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Register (or update) a person or device and their public key (root key only).",
        discussion: "Example: folio staff add T001 --name 王老師 --office course-teacher --public-key T001.key --as root --key root.key")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The staff id, device id or student number.") var id: String
    @Option(help: "Name.") var name: String
    @Option(help: "An office code (repeat for several): registration, instruction, activities, discipline, student-affairs, it, data, counselling, reader-services, service-promotion, course-teacher, …")
    var office: [String] = []
    @Option(help: "staff, device (classroom kiosk) or student.") var kind: String = "staff"
    @Option(help: "The public key (base64) or the person's key file.") var publicKey: String?

    func execute() throws(FolioError) {
        let session = try WorkspaceSession(try global.openWorkspace())
        guard let k = Principal.Kind(rawValue: kind) else {
            throw FolioError(.badInput, "--kind \(kind) is not staff, device or student.", hint: "Use one of those three.")
        }
        let key = publicKey.map(KeyFiles.publicKey) ?? session.school.principal(id)?.publicKey
        let p = Principal(id: id, name: name, kind: k, offices: office, publicKey: key)
        try session.appendSchool([try session.sign(try global.actor(), .staffSet, at: try global.now(), body: p)])
        Output.say("Registered \(id) (\(name))" + (office.isEmpty ? "" : " in \(office.map(Office.label).joined(separator: ", "))") + ".")
    }
}

struct StaffAway: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "away", abstract: "Record that someone left (離職) or is on leave (請假), or is back (available).",
        discussion: "Example: folio staff away T004 --status left --from 2024-10-01 --as root --key root.key")

    @OptionGroup var global: GlobalOptions
    @Argument var id: String
    @Option(help: "left, on-leave or available.") var status: String
    @Option(help: "First day (YYYY-MM-DD).") var from: String
    @Option(help: "Last day of leave (YYYY-MM-DD).") var until: String?

    func execute() throws(FolioError) {
        let session = try WorkspaceSession(try global.openWorkspace())
        guard let s = AvailabilityStatus(rawValue: status) else {
            throw FolioError(.badInput, "--status \(status) is not left, on-leave or available.", hint: "Use one of those.")
        }
        let a = Availability(id: id, status: s, from: try Parse.date(from), until: try until.map(Parse.date))
        try session.appendSchool([try session.sign(try global.actor(), .staffAvailability, at: try global.now(), body: a)])
        Output.say("Recorded \(id) as \(status) from \(from)" + (until.map { " until \($0)" } ?? "") + ".")
    }
}

struct StaffList: FolioCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List people, devices and the duty table.",
                                                    discussion: "Example: folio staff list --workspace /srv/folio")
    @OptionGroup var global: GlobalOptions

    func execute() throws(FolioError) {
        let school = try global.openWorkspace().school()
        if global.json { Output.json(school.principals.values.sorted { $0.id < $1.id }); return }
        let day = try global.now().taipeiDay
        Output.say(Output.table(["id", "name", "kind", "offices", "today"], school.principals.values.sorted { $0.id < $1.id }.map {
            [$0.id, $0.name, $0.kind.rawValue, $0.offices.joined(separator: ","), school.isAvailable($0.id, on: day) ? "available" : (school.unavailability($0.id, on: day)?.status.rawValue ?? "")]
        }))
        Output.say("\nDuty table (工作職掌暨代理人名單):")
        Output.say(Output.table(["duty", "項目", "responsible", "delegates in order"], school.dutyTable.duties.map {
            [$0.id, $0.title, $0.responsible.joined(separator: ","), $0.delegates.joined(separator: " > ")]
        }))
    }
}

struct StaffDuty: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "duty", abstract: "Change one row of the duty table: who is responsible and the delegates in order (root key only).",
        discussion: "Example: folio staff duty certification --delegate reader-services --delegate it --as root --key root.key")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The duty id, as listed by `folio staff list`.") var duty: String
    @Option(help: "A responsible office (repeatable; default: unchanged).") var responsible: [String] = []
    @Option(help: "A delegate office, or staff:ID, in order of precedence (repeatable).") var delegate: [String] = []

    func execute() throws(FolioError) {
        let session = try WorkspaceSession(try global.openWorkspace())
        var table = session.school.dutyTable
        guard let index = table.duties.firstIndex(where: { $0.id == duty }) else {
            throw FolioError(.badInput, "The duty table has no row \(duty).",
                             hint: "Rows: \(table.duties.map(\.id).joined(separator: ", ")).")
        }
        if !responsible.isEmpty { table.duties[index].responsible = responsible }
        table.duties[index].delegates = delegate
        try session.appendSchool([try session.sign(try global.actor(), .dutyTable, at: try global.now(), body: table)])
        Output.say("\(table.duties[index].title): responsible \(table.duties[index].responsible.joined(separator: ", ")); delegates in order: \(delegate.joined(separator: " > ")).")
    }
}

enum Parse {
    static func date(_ text: String) throws(FolioError) -> CivilDate {
        guard let d = CivilDate(iso: text) ?? ROCDate(text)?.date else {
            throw FolioError(.badDate, "\(text) is not a date.", hint: "Write dates as 2024-09-01 or as ROC dates like 1130901.")
        }
        return d
    }

    static func term(_ text: String) throws(FolioError) -> Term {
        guard let t = Term(text) else {
            throw FolioError(.badTerm, "\(text) is not a term.", hint: "Write terms as 113-1 (first semester) or 113-2.")
        }
        return t
    }

    static func window(_ text: String) throws(FolioError) -> Window {
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 2 else {
            throw FolioError(.badDate, "\(text) is not a window.", hint: "Write FROM:TO, for example 2024-09-02:2025-02-05.")
        }
        return Window(from: try date(parts[0]), to: try date(parts[1]))
    }

    static func fields(_ list: [String]) throws(FolioError) -> [String: String] {
        var out: [String: String] = [:]
        for f in list {
            guard let eq = f.firstIndex(of: "="), eq != f.startIndex else {
                throw FolioError(.badInput, "--field \(f) is not NAME=VALUE.", hint: "For example --field award=第一名.")
            }
            out[String(f[..<eq])] = String(f[f.index(after: eq)...])
        }
        return out
    }
}
