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
        Teacher: folio init --dir ~/folio --join /media/usb/request-hub-1a2b3c4d-20241105-0001.tar --as T001 --key T001.key --root-fingerprint '3f2a 91c0 77de 0b15'
        Kiosk:   folio init --dir ~/folio --join /media/usb --as KIOSK1 --key KIOSK1.key
        Given the stick's folder, folio finds the bundle meant for --as there: one addressed to them, else a \
        school update for everyone. It refuses, changing nothing, when there is none or more than one.
        """)

    @Option(help: "The folder to create the workspace in.") var dir: String = "."
    @Option(help: "The school's six-digit code (學校代碼).") var school: String?
    @Option(help: "The school's name.") var name: String?
    @Option(help: "Return address of the data section (資料組), for letters.") var address: String?
    @Option(help: "The school root key file (made with `folio key new --id root`); with --join, your own key file, which opens the sealed bundle (default: $FOLIO_KEY).") var key: String?
    @Option(help: "Start a replica (teacher's laptop, kiosk, office PC) from this bundle written by the office, or from the one meant for --as in this folder (the USB stick).")
    var join: String?
    @Option(name: .customLong("as"), help: "With --join: whose workspace it is, when the bundle is for everyone.")
    var owner: String?
    @Option(help: "With --join: teacher, kiosk or office (default: from the owner).") var role: String?
    @Option(help: "With --join: the school root fingerprint the IT section (資訊組) gave you; without it, folio shows the fingerprint and asks.")
    var rootFingerprint: String?
    @Flag(help: "Found a demo or test school: FOLIO_NOW and the published demo keys work only there. Never for a real school.")
    var demo = false

    func execute() throws(FolioError) {
        if let join {
            var chosen: WorkspaceConfig.Role?
            if let role {
                guard let r = WorkspaceConfig.Role(rawValue: role), r != .hub else {
                    throw FolioError(.badInput, "\(role) is not a replica role.", hint: "Use teacher, kiosk or office.")
                }
                chosen = r
            }
            let typed = rootFingerprint
            var keys: [SigningIdentity] = []
            if let path = key ?? ProcessInfo.processInfo.environment["FOLIO_KEY"] {
                // Only to open the bundle: a published demo key opens a demo school's bundles and nothing else.
                let who = owner ?? "your"
                keys = [try Actor.load(keyFile: path, as: owner, onBehalfOf: nil, demo: true) { Passphrase.ask(for: who) }.identity]
            }
            var bundle = join
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: join, isDirectory: &isFolder), isFolder.boolValue {
                bundle = try Workspace.joinBundle(in: join, for: owner ?? keys.first?.principal)
                Output.say("Starting from \(URL(fileURLWithPath: bundle).lastPathComponent), found in \(join).")
            }
            let (ws, report) = try Workspace.join(at: dir, bundle: bundle, owner: owner ?? keys.first?.principal, role: chosen, keys: keys) { key in
                if let typed { return RootFingerprint.matches(typed, key) }
                return Confirm.ask("The school root key fingerprint in this bundle is \(RootFingerprint.of(key)).\nIs it exactly the one the IT section (資訊組) gave you? Type yes to trust it: ")
            }
            Output.say("Started \(ws.config.role.rawValue) workspace \(ws.config.replica) for \(ws.config.owner ?? "?") of \(ws.config.name) (\(ws.config.school)) in \(ws.root).")
            Output.say("It trusts the school root with fingerprint \(RootFingerprint.of(ws.config.root ?? "")) and no other.")
            Output.say(BundleText.describe(report, future: false))
            return
        }
        guard let school, let name, let key else {
            throw FolioError(.badInput, "Creating a school's workspace needs --school, --name and --key.",
                             hint: "Or start a replica from the office's bundle with --join FILE.")
        }
        let actor = try Actor.load(keyFile: key, as: SchoolState.rootPrincipal, onBehalfOf: nil, demo: demo) {
            Passphrase.ask(for: SchoolState.rootPrincipal)
        }
        let ws = try Workspace.create(at: dir, school: SchoolCreated(code: school, name: name,
                                                                    rootKey: actor.identity.publicKeyText, address: address, demo: demo),
                                      rootKey: actor.identity, now: try Clock.now(demo: demo))
        Output.say("Created the workspace for \(name) (\(school)) in \(ws.root)\(demo ? ", a demo school" : "").")
        Output.say("School root fingerprint: \(RootFingerprint.of(actor.identity.publicKeyText)). Write it down: every replica and every school you transfer students to checks it.")
        Output.say("Next: register staff with `folio staff add`, then import the roster with `folio roster import`.")
    }
}

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Make, protect and revoke signing keys.",
        subcommands: [KeyNew.self, KeyProtect.self, KeyRevoke.self])
}

struct KeyNew: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "new", abstract: "Make a new key file for a person or device, sealed with a passphrase (mode 0600).",
        discussion: """
        folio asks for the passphrase twice at the terminal (scripts set FOLIO_PASSPHRASE). Beside the key it writes
        FILE.pub, the public half to give the IT section (資訊組).
        Example: folio key new --id T001 --out ~/T001.key
        """)

    @Option(help: "Whose key: a staff id, device id or `root`.") var id: String
    @Option(help: "Where to write the key file; it must not exist yet.") var out: String
    @Flag(help: "Mark the key as a published demo key that protects nothing (demo schools only).") var demoOnly = false

    func execute() throws(FolioError) {
        let identity = SigningIdentity.generate(principal: id)
        let passphrase = try Passphrase.choose(for: id, demo: demoOnly)
        let file = try KeyFile(identity: identity, passphrase: passphrase, cost: demoOnly ? .demo : KeyCost.forNewKeys, demoOnly: demoOnly)
        try KeyFiles.create(Workspace.viewBytes(file), at: out)
        try KeyFiles.create(Workspace.viewBytes(PublicKeyFile(principal: id, publicKey: identity.publicKeyText,
                                                              encryptionKey: identity.encryptionKeyText)), at: out + ".pub", mode: 0o644)
        Output.say("Wrote \(out) for \(id), sealed with your passphrase, and \(out).pub. Public key: \(identity.publicKeyText)")
        // What a school reads out on the phone when it sends the .pub to another school for a transfer.
        Output.say("Encryption key fingerprint: \(RootFingerprint.of(identity.encryptionKeyText))")
        Output.say("Keep the key file and its passphrase to yourself; give the IT section (資訊組) \(out).pub to register it.")
    }
}

/// The scrypt cost of new key files: `ScryptCost.keyFile`. A debug build (what the tests run) also takes
/// `FOLIO_KEY_COST=N` (2^N rounds), so a suite that makes dozens of keys does not spend minutes on them; a
/// release build, the one a school installs, ignores it.
enum KeyCost {
    static var forNewKeys: ScryptCost {
        #if DEBUG
        if let n = ProcessInfo.processInfo.environment["FOLIO_KEY_COST"].flatMap(Int.init) { return ScryptCost(logN: n) }
        #endif
        return .keyFile
    }
}

/// The public half of a key, to hand to the IT section (資訊組).
struct PublicKeyFile: Codable {
    var format = "folio-public-key/1"
    var principal: String
    var publicKey: String
    /// The X25519 key bundles for this person are sealed to (`SigningIdentity.encryptionKeyText`).
    var encryptionKey: String
}

struct KeyProtect: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "protect", abstract: "Seal a key file that keeps its private key in plain text with a passphrase.",
        discussion: "Example: folio key protect ~/T001.key")

    @Argument(help: "The key file.") var file: String

    func execute() throws(FolioError) {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw FolioError(.badKeyFile, "Cannot read the key file \(file).", hint: "Check the path.")
        }
        guard let plain = KeyFile.parse(Array(data)) else {
            throw FolioError(.badKeyFile, "\(file) is not a folio key file.", hint: "Use the file written by `folio key new`.")
        }
        guard !plain.isSealed else {
            guard plain.encryptionKey == nil else {
                Output.say("\(file) is already sealed with a passphrase; nothing to do.")
                return
            }
            // A key file from before encryption keys: its encryption key is added (the passphrase proves the
            // key is yours), for the IT section to register with `folio staff add … --public-key`.
            let identity = try plain.identity(passphrase: Passphrase.ask(for: plain.principal))
            var updated = plain
            updated.encryptionKey = identity.encryptionKeyText
            try KeyFiles.replace(file, with: Workspace.viewBytes(updated))
            Output.say("Added the encryption key to \(file) (fingerprint \(RootFingerprint.of(identity.encryptionKeyText))). Give the file's .pub or the file to the IT section (資訊組) to register it with `folio staff add \(plain.principal) --public-key`.")
            return
        }
        let identity = try plain.identity(passphrase: nil)
        let demo = plain.demoOnly == true
        let sealed = try KeyFile(identity: identity, passphrase: try Passphrase.choose(for: plain.principal, demo: demo),
                                 cost: demo ? .demo : KeyCost.forNewKeys, demoOnly: demo)
        try KeyFiles.replace(file, with: Workspace.viewBytes(sealed))
        Output.say("Sealed \(file) with your passphrase (mode 0600). The key itself is unchanged, so nothing needs registering again.")
    }
}

struct KeyRevoke: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a lost or stolen key (root key only).",
        discussion: """
        Only a key this school registered can be revoked; folio says whose it is and asks before it revokes.
        The school root key cannot be revoked: replace it with `folio root replace`.
        Example: folio key revoke --public-key T001.pub --reason 'laptop stolen' --as root --key root.key
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The public key to revoke (base64), or a key file holding it.") var publicKey: String
    @Option(help: "Why.") var reason: String
    @Flag(help: "Revoke without asking (for scripts): only after checking whose key it is.") var yes = false

    func execute() throws(FolioError) {
        let session = try global.session()
        let key = try KeyFiles.publicKey(publicKey)
        let owner = try session.school.revocable(key)
        let name = session.school.principal(owner)?.name ?? owner
        if !yes, !Confirm.ask("This key belongs to \(owner) (\(name)). Records it signs from now on will be refused everywhere. Revoke it? Type yes: ") {
            throw FolioError(.badInput, "Nothing was revoked: the key belongs to \(owner) (\(name)), and revoking it was not confirmed.",
                             hint: "If that is the key to revoke, run the command again at a terminal and answer yes, or add --yes.")
        }
        let e = try session.sign(try global.actor(), .keyRevoked, at: try global.now(),
                                 body: KeyRevoked(publicKey: key, reason: reason))
        try session.appendSchool([e])
        Output.say("Revoked \(owner)'s (\(name)) key \(key.prefix(12))…: nothing it signs from now on is accepted, whatever date it claims.")
        Output.say("Next: give \(owner) a new key (`folio key new`, then `folio staff add \(owner) … --public-key`).")
    }
}

/// Key files: JSON, mode 0600 from their first byte, never overwritten by `key new`.
enum KeyFiles {
    static func create(_ bytes: [UInt8], at path: String, mode: mode_t = 0o600) throws(FolioError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            if errno == EEXIST {
                throw FolioError(.badInput, "\(path) already exists; folio never overwrites a key.",
                                 hint: "Choose another file name, or delete the old key if it is really not needed.")
            }
            throw FolioError(.io, "Could not write \(path).", hint: "Check that the folder exists and is writable.")
        }
        defer { close(fd) }
        // The mode is given to open(), so the file is never readable by others, whatever the umask
        // widened; fchmod undoes a umask that narrowed a .pub file.
        _ = fchmod(fd, mode)
        let ok = bytes.withUnsafeBytes { buffer in write(fd, buffer.baseAddress, buffer.count) == buffer.count } && fsync(fd) == 0
        guard ok else {
            unlink(path)
            throw FolioError(.io, "Could not write \(path).", hint: "Check that the disk is not full, then try again.")
        }
    }

    /// Replaces a key file by a new one written beside it (mode 0600) and renamed over it.
    static func replace(_ path: String, with bytes: [UInt8]) throws(FolioError) {
        let temporary = path + ".new-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        try create(bytes, at: temporary)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw FolioError(.io, "Could not replace \(path).", hint: "Check that the folder is writable.")
        }
    }

    /// Accepts a base64 Ed25519 public key or a key file (private or `.pub`); anything else is refused, so a
    /// mistyped path is never taken for a key.
    /// The encryption key registered with the key `text` names: the one in the key file or `.pub` given, or nil
    /// for a public key typed as text (or a key file from before encryption keys, until `folio key protect`).
    static func encryptionKey(_ text: String) -> String? {
        ordinaryFile(text).flatMap { KeyFile.encryptionKey(in: Array($0)) }
    }

    /// The bytes of `path` when it is an ordinary file: a pipe by that name would make folio wait for a writer.
    private static func ordinaryFile(_ path: String) -> Data? {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        return FileManager.default.contents(atPath: path)
    }

    /// Whom a key file or `.pub` names, and the encryption key in it: a reader to seal a bundle for.
    static func reader(_ path: String) throws(FolioError) -> (id: String, key: String) {
        guard let data = ordinaryFile(path), let who = try? JSONDecoder().decode(Named.self, from: data) else {
            throw FolioError(.badKeyFile, "\(path) is not a folio key file or .pub file.", hint: "Give the .pub file `folio key new` wrote.")
        }
        guard let key = KeyFile.encryptionKey(in: Array(data)) else {
            throw FolioError(.badKeyFile, "\(path) holds no encryption key, so nothing can be sealed for \(who.principal).",
                             hint: "\(who.principal) adds it with `folio key protect` on their key file and sends the new .pub (or writes a new key with `folio key new`).")
        }
        return (who.principal, key)
    }

    private struct Named: Decodable { var principal: String }

    static func publicKey(_ text: String) throws(FolioError) -> String {
        // Only an ordinary file is read: a pipe by that name would make folio wait for a writer.
        var st = stat()
        if stat(text, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFREG, let data = FileManager.default.contents(atPath: text),
                  let key = KeyFile.publicKey(in: Array(data)) else {
                throw FolioError(.badKeyFile, "\(text) is not a folio key file.",
                                 hint: "Give the key file (or its .pub) written by `folio key new`, or the public key itself.")
            }
            return key
        }
        guard SignatureCheck.isPublicKey(text) else {
            throw FolioError(.badKeyFile, "\(text) is neither a key file nor a public key.",
                             hint: "Check the path, or give the 44-character public key printed by `folio key new`.")
        }
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
        commandName: "add", abstract: "Register a person or device, or change their entry: name, offices, key (root key only).",
        discussion: """
        For someone already registered, only what the command names changes: --name renames, each --office is
        added to their offices, --remove-office takes one away, --public-key gives a new key; everything else stays.
        --replace sets the whole entry as given instead (offices left out are taken away; the key stays unless
        --public-key gives one).
        Examples:
        folio staff add T001 --name 王老師 --office course-teacher --public-key T001.key --as root --key root.key
        folio staff add T001 --office homeroom-teacher --as root --key root.key
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The staff id, device id or student number.") var id: String
    @Option(help: "Name (needed for someone new, and with --replace).") var name: String?
    @Option(help: "An office code to add (repeat for several): registration, instruction, activities, discipline, student-affairs, it, data, counselling, reader-services, service-promotion, course-teacher, …")
    var office: [String] = []
    @Option(help: "An office code to take away from someone registered (repeatable).") var removeOffice: [String] = []
    @Option(help: "staff, device (classroom kiosk) or student (default for someone new: staff).") var kind: String?
    @Option(help: "The public key (base64) or the person's key file.") var publicKey: String?
    @Flag(help: "Replace the whole entry with what this command gives, as a new registration would.") var replace = false

    func execute() throws(FolioError) {
        let session = try global.session()
        var k: Principal.Kind?
        if let kind {
            guard let parsed = Principal.Kind(rawValue: kind) else {
                throw FolioError(.badInput, "--kind \(kind) is not staff, device or student.", hint: "Use one of those three.")
            }
            k = parsed
        }
        let key = try publicKey.map { (text: String) throws(FolioError) in try KeyFiles.publicKey(text) }
        let encryption = publicKey.flatMap { KeyFiles.encryptionKey($0) }
        let old = session.school.principal(id)
        var p: Principal
        if let old, !replace {
            p = old
            if let name { p.name = name }
            if let k { p.kind = k }
            for code in office where !p.offices.contains(code) { p.offices.append(code) }
            for code in removeOffice {
                guard p.offices.contains(code) else {
                    throw FolioError(.badInput, "\(id) (\(old.name)) has no office \(code), so it cannot be taken away. Nothing was changed.",
                                     hint: "Their offices: \(StaffRow.list(old.offices)). Check the code with `folio staff list`.")
                }
                p.offices.removeAll { $0 == code }
            }
            if let key, key != p.publicKey {
                p.publicKey = key
                p.encryptionKey = encryption
            } else if let encryption {
                p.encryptionKey = encryption
            }
        } else {
            guard let name else {
                throw FolioError(.badInput, old == nil ? "\(id) is not registered yet, so their name is needed. Nothing was changed."
                                     : "--replace sets the whole entry, so the name is needed. Nothing was changed.",
                                 hint: "Add --name, for example --name 王老師.")
            }
            guard removeOffice.isEmpty else {
                throw FolioError(.badInput, old == nil ? "\(id) is not registered yet, so they have no office to take away. Nothing was changed."
                                     : "--replace already takes away every office it does not give, so --remove-office has nothing to do. Nothing was changed.",
                                 hint: "Give the offices they should have with --office, and leave out --remove-office.")
            }
            p = Principal(id: id, name: name, kind: k ?? .staff, offices: office, publicKey: key ?? old?.publicKey,
                          encryptionKey: key == nil ? old?.encryptionKey : encryption)
        }
        let noEncryption = p.publicKey != nil && p.encryptionKey == nil && p.kind != .student
            ? " \(id) has no encryption key yet, so no bundle can be sealed for them: register their key file (from `folio key new`, or updated with `folio key protect`) with --public-key." : ""
        guard let old else {
            try session.appendSchool([try session.sign(try global.actor(), .staffSet, at: try global.now(), body: p)])
            Output.say("Registered \(id) (\(p.name))" + (p.offices.isEmpty ? "" : " in \(StaffRow.list(p.offices))") + "." + noEncryption)
            return
        }
        var changes: [String] = []
        var kept: [String] = []
        if old.name != p.name { changes.append("name (姓名) \(old.name) → \(p.name)") } else { kept.append("name") }
        if old.kind != p.kind { changes.append("kind \(old.kind.rawValue) → \(p.kind.rawValue)") } else { kept.append("kind") }
        if old.offices != p.offices {
            changes.append("offices (處室) \(StaffRow.list(old.offices)) → \(StaffRow.list(p.offices))")
        } else {
            kept.append("offices")
        }
        if old.publicKey != p.publicKey {
            changes.append(old.publicKey == nil ? "key added" : "key replaced (the old one still checks what it signed)")
        } else {
            kept.append("key")
        }
        if old.encryptionKey != p.encryptionKey, p.encryptionKey != nil, old.publicKey == p.publicKey {
            changes.append("encryption key added")
        }
        guard !changes.isEmpty else {
            Output.say("\(id) (\(old.name)) is already registered so: nothing was changed.")
            return
        }
        try session.appendSchool([try session.sign(try global.actor(), .staffSet, at: try global.now(), body: p)])
        Output.say("Updated \(id) (\(p.name)): " + changes.joined(separator: "; ") + "."
                   + (kept.isEmpty ? "" : " Kept as before: " + kept.joined(separator: ", ") + ".") + noEncryption)
        let removed = old.offices.filter { !p.offices.contains($0) }
        if !removed.isEmpty {
            Output.say("Authority is judged against the offices people hold now: records \(id) signed as \(StaffRow.list(removed)) may now be held back (see `folio verify`). Giving the office back restores them.")
        }
    }
}

struct StaffAway: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "away", abstract: "Record that someone left (離職) or is on leave (請假), or is back (available).",
        discussion: "Example: folio staff away T004 --status left --from 2024-10-01 --as root --key root.key")

    @OptionGroup var global: GlobalOptions
    @Argument var id: String
    @Option(help: "left, on-leave or available.") var status: String
    @Option(help: "First day: 2024-10-01, 113/10/01 or 民國113年10月1日.") var from: String
    @Option(help: "Last day of leave, written the same way.") var until: String?

    func execute() throws(FolioError) {
        let session = try global.session()
        guard let s = AvailabilityStatus(rawValue: status) else {
            throw FolioError(.badInput, "--status \(status) is not left, on-leave or available.", hint: "Use one of those.")
        }
        let a = Availability(id: id, status: s, from: try DateInput.parse(from), until: try until.map(DateInput.parse))
        try session.appendSchool([try session.sign(try global.actor(), .staffAvailability, at: try global.now(), body: a)])
        Output.say("Recorded \(id) as \(status) from \(a.from)" + (a.until.map { " until \($0)" } ?? "") + ".")
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
        let session = try global.session()
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

/// What the CLI parses itself; dates, terms, categories and courses are read by FolioCore's `Input` parsers.
enum Parse {
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
