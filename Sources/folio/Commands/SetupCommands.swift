import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct InitCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: Message("init.help.abstract").text(), discussion: Message("init.help.discussion").text())

    @Option(help: ArgumentHelp(Message("init.help.dir").text())) var dir: String = "."
    @Option(help: ArgumentHelp(Message("init.help.school").text())) var school: String?
    @Option(help: ArgumentHelp(Message("init.help.name").text())) var name: String?
    @Option(help: ArgumentHelp(Message("init.help.address").text())) var address: String?
    @Option(help: ArgumentHelp(Message("init.help.key").text())) var key: String?
    @Option(help: ArgumentHelp(Message("init.help.join").text()))
    var join: String?
    @Option(name: .customLong("as"), help: ArgumentHelp(Message("init.help.as").text()))
    var owner: String?
    @Option(help: ArgumentHelp(Message("init.help.role").text())) var role: String?
    @Option(help: ArgumentHelp(Message("init.help.rootFingerprint").text()))
    var rootFingerprint: String?
    @Flag(help: ArgumentHelp(Message("init.help.demo").text()))
    var demo = false

    func execute() throws(FolioError) {
        if let join {
            var chosen: WorkspaceConfig.Role?
            if let role {
                guard let r = WorkspaceConfig.Role(rawValue: role), r != .hub else {
                    throw FolioError(.badInput, "init.badRole", ["role": role])
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
                Output.say(Message("init.join.found", ["bundle": URL(fileURLWithPath: bundle).lastPathComponent, "folder": join]))
            }
            let (ws, report) = try Workspace.join(at: dir, bundle: bundle, owner: owner ?? keys.first?.principal, role: chosen, keys: keys) { key in
                if let typed { return RootFingerprint.matches(typed, key) }
                return Confirm.ask(Message("init.join.askFingerprint", ["fingerprint": RootFingerprint.of(key)]).text())
            }
            Output.say(Message("init.join.started", ["role": Message("init.role." + ws.config.role.rawValue), "replica": ws.config.replica,
                                                     "owner": ws.config.owner ?? "?", "name": ws.config.name, "school": ws.config.school,
                                                     "folder": ws.root]))
            Output.say(Message("init.join.trusts", ["fingerprint": RootFingerprint.of(ws.config.root ?? "")]))
            Output.say(BundleText.describe(report, future: false))
            return
        }
        guard let school, let name, let key else {
            throw FolioError(.badInput, "init.needs")
        }
        let actor = try Actor.load(keyFile: key, as: SchoolState.rootPrincipal, onBehalfOf: nil, demo: demo) {
            Passphrase.ask(for: SchoolState.rootPrincipal)
        }
        let ws = try Workspace.create(at: dir, school: SchoolCreated(code: school, name: name,
                                                                    rootKey: actor.identity.publicKeyText, address: address, demo: demo),
                                      rootKey: actor.identity, now: try Clock.now(demo: demo))
        Output.say(Message(demo ? "init.created.demo" : "init.created", ["name": name, "school": school, "folder": ws.root]))
        Output.say(Message("init.created.fingerprint", ["fingerprint": RootFingerprint.of(actor.identity.publicKeyText)]))
        Output.say(Message("init.created.next"))
    }
}

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: Message("key.help.abstract").text(),
        subcommands: [KeyNew.self, KeyProtect.self, KeyRevoke.self])
}

struct KeyNew: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "new", abstract: Message("key.new.help.abstract").text(), discussion: Message("key.new.help.discussion").text())

    @Option(help: ArgumentHelp(Message("key.new.help.id").text())) var id: String
    @Option(help: ArgumentHelp(Message("key.new.help.out").text())) var out: String
    @Flag(help: ArgumentHelp(Message("key.new.help.demoOnly").text())) var demoOnly = false

    func execute() throws(FolioError) {
        let identity = SigningIdentity.generate(principal: id)
        let passphrase = try Passphrase.choose(for: id, demo: demoOnly)
        let file = try KeyFile(identity: identity, passphrase: passphrase, cost: demoOnly ? .demo : KeyCost.forNewKeys, demoOnly: demoOnly)
        try KeyFiles.create(Workspace.viewBytes(file), at: out)
        try KeyFiles.create(Workspace.viewBytes(PublicKeyFile(principal: id, publicKey: identity.publicKeyText,
                                                              encryptionKey: identity.encryptionKeyText)), at: out + ".pub", mode: 0o644)
        Output.say(Message("key.new.wrote", ["file": out, "id": id, "publicKey": identity.publicKeyText]))
        // What a school reads out on the phone when it sends the .pub to another school for a transfer.
        Output.say(Message("key.new.encryptionFingerprint", ["fingerprint": RootFingerprint.of(identity.encryptionKeyText)]))
        Output.say(Message("key.new.keepIt", ["file": out]))
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
        commandName: "protect", abstract: Message("key.protect.help.abstract").text(), discussion: Message("key.protect.help.discussion").text())

    @Argument(help: ArgumentHelp(Message("key.protect.help.file").text())) var file: String

    func execute() throws(FolioError) {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw FolioError(.badKeyFile, "key.file.unreadable", ["file": file])
        }
        guard let plain = KeyFile.parse(Array(data)) else {
            throw FolioError(.badKeyFile, "key.file.notAKeyFile", ["file": file])
        }
        guard !plain.isSealed else {
            guard plain.encryptionKey == nil else {
                Output.say(Message("key.protect.alreadySealed", ["file": file]))
                return
            }
            // A key file from before encryption keys: its encryption key is added (the passphrase proves the
            // key is yours), for the IT section to register with `folio staff add … --public-key`.
            let identity = try plain.identity(passphrase: Passphrase.ask(for: plain.principal))
            var updated = plain
            updated.encryptionKey = identity.encryptionKeyText
            try KeyFiles.replace(file, with: Workspace.viewBytes(updated))
            Output.say(Message("key.protect.addedEncryptionKey", ["file": file, "fingerprint": RootFingerprint.of(identity.encryptionKeyText),
                                                                  "id": plain.principal]))
            return
        }
        let identity = try plain.identity(passphrase: nil)
        let demo = plain.demoOnly == true
        let sealed = try KeyFile(identity: identity, passphrase: try Passphrase.choose(for: plain.principal, demo: demo),
                                 cost: demo ? .demo : KeyCost.forNewKeys, demoOnly: demo)
        try KeyFiles.replace(file, with: Workspace.viewBytes(sealed))
        Output.say(Message("key.protect.sealed", ["file": file]))
    }
}

struct KeyRevoke: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: Message("key.revoke.help.abstract").text(), discussion: Message("key.revoke.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(Message("key.revoke.help.publicKey").text())) var publicKey: String
    @Option(help: ArgumentHelp(Message("key.revoke.help.reason").text())) var reason: String
    @Flag(help: ArgumentHelp(Message("key.revoke.help.yes").text())) var yes = false

    func execute() throws(FolioError) {
        let session = try global.session()
        let key = try KeyFiles.publicKey(publicKey)
        let owner = try session.school.revocable(key)
        let name = session.school.principal(owner)?.name ?? owner
        if !yes, !Confirm.ask(Message("key.revoke.ask", ["owner": owner, "name": name]).text()) {
            throw FolioError(.badInput, "key.revoke.notConfirmed", ["owner": owner, "name": name])
        }
        let e = try session.sign(try global.actor(), .keyRevoked, at: try global.now(),
                                 body: KeyRevoked(publicKey: key, reason: reason))
        try session.appendSchool([e])
        Output.say(Message("key.revoke.done", ["owner": owner, "name": name, "key": key.prefix(12)]))
        Output.say(Message("key.revoke.next", ["owner": owner]))
    }
}

/// Key files: JSON, mode 0600 from their first byte, never overwritten by `key new`.
enum KeyFiles {
    static func create(_ bytes: [UInt8], at path: String, mode: mode_t = 0o600) throws(FolioError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            if errno == EEXIST {
                throw FolioError(.badInput, "key.file.exists", ["file": path])
            }
            throw FolioError(.io, "key.file.notWritten", ["file": path])
        }
        defer { close(fd) }
        // The mode is given to open(), so the file is never readable by others, whatever the umask
        // widened; fchmod undoes a umask that narrowed a .pub file.
        _ = fchmod(fd, mode)
        let ok = bytes.withUnsafeBytes { buffer in write(fd, buffer.baseAddress, buffer.count) == buffer.count } && fsync(fd) == 0
        guard ok else {
            unlink(path)
            throw FolioError(.io, Message("key.file.notWritten", ["file": path]), hint: Message("key.file.diskFull.hint"))
        }
    }

    /// Replaces a key file by a new one written beside it (mode 0600) and renamed over it.
    static func replace(_ path: String, with bytes: [UInt8]) throws(FolioError) {
        let temporary = path + ".new-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        try create(bytes, at: temporary)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw FolioError(.io, "key.file.notReplaced", ["file": path])
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
            throw FolioError(.badKeyFile, "key.file.notAPubFile", ["file": path])
        }
        guard let key = KeyFile.encryptionKey(in: Array(data)) else {
            throw FolioError(.badKeyFile, "key.file.noEncryptionKey", ["file": path, "id": who.principal])
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
                throw FolioError(.badKeyFile, Message("key.file.notAKeyFile", ["file": text]), hint: Message("key.file.orPublicKey.hint"))
            }
            return key
        }
        guard SignatureCheck.isPublicKey(text) else {
            throw FolioError(.badKeyFile, "key.file.neither", ["text": text])
        }
        return text
    }
}

struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: Message("staff.help.abstract").text(),
        subcommands: [StaffAdd.self, StaffAway.self, StaffList.self, StaffDuty.self])
}

struct StaffAdd: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: Message("staff.add.help.abstract").text(), discussion: Message("staff.add.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("staff.add.help.id").text())) var id: String
    @Option(help: ArgumentHelp(Message("staff.add.help.name").text())) var name: String?
    @Option(help: ArgumentHelp(Message("staff.add.help.office").text()))
    var office: [String] = []
    @Option(help: ArgumentHelp(Message("staff.add.help.removeOffice").text())) var removeOffice: [String] = []
    @Option(help: ArgumentHelp(Message("staff.add.help.kind").text())) var kind: String?
    @Option(help: ArgumentHelp(Message("staff.add.help.publicKey").text())) var publicKey: String?
    @Flag(help: ArgumentHelp(Message("staff.add.help.replace").text())) var replace = false

    func execute() throws(FolioError) {
        let session = try global.session()
        var k: Principal.Kind?
        if let kind {
            guard let parsed = Principal.Kind(rawValue: kind) else {
                throw FolioError(.badInput, "staff.add.badKind", ["kind": kind])
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
                    throw FolioError(.badInput, "staff.add.noSuchOffice", ["id": id, "name": old.name, "office": code,
                                                                            "offices": StaffRow.list(old.offices)])
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
                throw FolioError(.badInput, Message(old == nil ? "staff.add.nameNeeded.new" : "staff.add.nameNeeded.replace", ["id": id]),
                                 hint: Message("staff.add.nameNeeded.hint"))
            }
            guard removeOffice.isEmpty else {
                throw FolioError(.badInput, Message(old == nil ? "staff.add.noOfficeToRemove.new" : "staff.add.noOfficeToRemove.replace", ["id": id]),
                                 hint: Message("staff.add.noOfficeToRemove.hint"))
            }
            p = Principal(id: id, name: name, kind: k ?? .staff, offices: office, publicKey: key ?? old?.publicKey,
                          encryptionKey: key == nil ? old?.encryptionKey : encryption)
        }
        let noEncryption = p.publicKey != nil && p.encryptionKey == nil && p.kind != .student
            ? Message("staff.add.noEncryption", ["id": id]) : Message.verbatim("")
        guard let old else {
            try session.appendSchool([try session.sign(try global.actor(), .staffSet, at: try global.now(), body: p)])
            Output.say(p.offices.isEmpty ? Message("staff.add.registered", ["id": id, "name": p.name, "noEncryption": noEncryption])
                       : Message("staff.add.registeredIn", ["id": id, "name": p.name, "offices": StaffRow.list(p.offices), "noEncryption": noEncryption]))
            return
        }
        var changes: [Message] = []
        var kept: [Message] = []
        if old.name != p.name { changes.append(Message("staff.change.name", ["old": old.name, "new": p.name])) } else { kept.append(Message("staff.kept.name")) }
        if old.kind != p.kind { changes.append(Message("staff.change.kind", ["old": old.kind.rawValue, "new": p.kind.rawValue])) } else { kept.append(Message("staff.kept.kind")) }
        if old.offices != p.offices {
            changes.append(Message("staff.change.offices", ["old": StaffRow.list(old.offices), "new": StaffRow.list(p.offices)]))
        } else {
            kept.append(Message("staff.kept.offices"))
        }
        if old.publicKey != p.publicKey {
            changes.append(Message(old.publicKey == nil ? "staff.change.keyAdded" : "staff.change.keyReplaced"))
        } else {
            kept.append(Message("staff.kept.key"))
        }
        if old.encryptionKey != p.encryptionKey, p.encryptionKey != nil, old.publicKey == p.publicKey {
            changes.append(Message("staff.change.encryptionKeyAdded"))
        }
        guard !changes.isEmpty else {
            Output.say(Message("staff.add.unchanged", ["id": id, "name": old.name]))
            return
        }
        try session.appendSchool([try session.sign(try global.actor(), .staffSet, at: try global.now(), body: p)])
        func list(_ items: [Message], _ separator: String) -> String {
            items.map { $0.text() }.joined(separator: Message(separator).text())
        }
        Output.say(kept.isEmpty
            ? Message("staff.add.updated", ["id": id, "name": p.name, "changes": list(changes, "list.semicolon"), "noEncryption": noEncryption])
            : Message("staff.add.updatedKept", ["id": id, "name": p.name, "changes": list(changes, "list.semicolon"),
                                                "kept": list(kept, "list.comma"), "noEncryption": noEncryption]))
        let removed = old.offices.filter { !p.offices.contains($0) }
        if !removed.isEmpty {
            Output.say(Message("staff.add.authorityNote", ["id": id, "offices": StaffRow.list(removed)]))
        }
    }
}

struct StaffAway: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "away", abstract: Message("staff.away.help.abstract").text(), discussion: Message("staff.away.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("staff.add.help.id").text())) var id: String
    @Option(help: ArgumentHelp(Message("staff.away.help.status").text())) var status: String
    @Option(help: ArgumentHelp(Message("staff.away.help.from").text())) var from: String
    @Option(help: ArgumentHelp(Message("staff.away.help.until").text())) var until: String?

    func execute() throws(FolioError) {
        let session = try global.session()
        guard let s = AvailabilityStatus(rawValue: status) else {
            throw FolioError(.badInput, "staff.away.badStatus", ["status": status])
        }
        let a = Availability(id: id, status: s, from: try DateInput.parse(from), until: try until.map(DateInput.parse))
        try session.appendSchool([try session.sign(try global.actor(), .staffAvailability, at: try global.now(), body: a)])
        let state = Message("staff.status." + s.rawValue)
        Output.say(a.until.map { Message("staff.away.doneUntil", ["id": id, "status": state, "from": "\(a.from)", "until": "\($0)"]) }
                   ?? Message("staff.away.done", ["id": id, "status": state, "from": "\(a.from)"]))
    }
}

struct StaffList: FolioCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: Message("staff.list.help.abstract").text(),
                                                    discussion: Message("staff.list.help.discussion").text())
    @OptionGroup var global: GlobalOptions

    func execute() throws(FolioError) {
        let school = try global.openWorkspace().school()
        if global.json { Output.json(school.principals.values.sorted { $0.id < $1.id }); return }
        let day = try global.now().taipeiDay
        func today(_ id: String) -> String {
            let status = school.isAvailable(id, on: day) ? "available" : (school.unavailability(id, on: day)?.status.rawValue ?? "")
            return status.isEmpty ? "" : Message("staff.status." + status).text()
        }
        Output.say(Output.table(["id", "name", "kind", "offices", "today"].map { Message("staff.list.column." + $0).text() },
                                school.principals.values.sorted { $0.id < $1.id }.map {
            [$0.id, $0.name, $0.kind.rawValue, $0.offices.joined(separator: ","), today($0.id)]
        }))
        Output.blankLine()
        Output.say(Message("staff.list.dutyTable"))
        Output.say(Output.table(["duty", "title", "responsible", "delegates"].map { Message("staff.duty.column." + $0).text() }, school.dutyTable.duties.map {
            [$0.id, $0.title, $0.responsible.joined(separator: ","), $0.delegates.joined(separator: " > ")]
        }))
    }
}

struct StaffDuty: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "duty", abstract: Message("staff.duty.help.abstract").text(), discussion: Message("staff.duty.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("staff.duty.help.duty").text())) var duty: String
    @Option(help: ArgumentHelp(Message("staff.duty.help.responsible").text())) var responsible: [String] = []
    @Option(help: ArgumentHelp(Message("staff.duty.help.delegate").text())) var delegate: [String] = []

    func execute() throws(FolioError) {
        let session = try global.session()
        var table = session.school.dutyTable
        guard let index = table.duties.firstIndex(where: { $0.id == duty }) else {
            throw FolioError(.badInput, "staff.duty.noRow", ["duty": duty, "rows": table.duties.map(\.id).joined(separator: ", ")])
        }
        if !responsible.isEmpty { table.duties[index].responsible = responsible }
        table.duties[index].delegates = delegate
        try session.appendSchool([try session.sign(try global.actor(), .dutyTable, at: try global.now(), body: table)])
        Output.say(Message("staff.duty.done", ["title": table.duties[index].title, "responsible": table.duties[index].responsible.joined(separator: ", "),
                                               "delegates": delegate.joined(separator: " > ")]))
    }
}

/// What the CLI parses itself; dates, terms, categories and courses are read by FolioCore's `Input` parsers.
enum Parse {
    static func fields(_ list: [String]) throws(FolioError) -> [String: String] {
        var out: [String: String] = [:]
        for f in list {
            guard let eq = f.firstIndex(of: "="), eq != f.startIndex else {
                throw FolioError(.badInput, "field.bad", ["field": f])
            }
            out[String(f[..<eq])] = String(f[f.index(after: eq)...])
        }
        return out
    }
}
