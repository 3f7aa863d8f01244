import FolioCore
import FolioTar
import FolioWorkspace
import Foundation

/// What it takes to forge bundles for a copy of the sample hub (school 999901): its school code and
/// replica id, the demo keys, and the two valid bundles every hostile one starts from. Everything is
/// read from the sample itself, not written down here.
public struct SampleHubForgery: Sendable {
    /// What every copy of the sample shares, read once per test run from the committed sample.
    struct Facts: Sendable {
        let school: String
        let hubReplica: String
        let pendingItem: String
        let pendingVersion: String
        let labReport: [UInt8]
        let otherPDF: [UInt8]
        let poster: [UInt8]

        init(sample: URL) throws {
            let ws = try Workspace.open(sample.path)
            school = ws.config.school
            hubReplica = ws.config.replica
            let items = ws.view("112020", school: ws.school()).items.filter { $0.course == "PHY-11A" && $0.status == .uploaded }
            guard items.count == 1 else { throw FolioHarnessError("The sample should have one pending PHY-11A item for 112020.") }
            pendingItem = items[0].id
            pendingVersion = items[0].version
            let assets = sample.appendingPathComponent("assets")
            labReport = [UInt8](try Data(contentsOf: assets.appendingPathComponent(SampleHubForgery.reportName)))
            otherPDF = [UInt8](try Data(contentsOf: assets.appendingPathComponent("history-essay.pdf")))
            poster = [UInt8](try Data(contentsOf: assets.appendingPathComponent("art-poster.png")))
        }
    }

    static let facts: Result<Facts, FolioHarnessError> = Result { try Facts(sample: SampleCopy.sampleURL()) }
        .mapError { FolioHarnessError("Cannot read the sample workspace: \($0)") }

    public let school: String
    public let hubReplica: String
    /// The workspace folder.
    public let root: String
    /// A folder outside the workspace (the copy's scratch area), where an escaping entry would land.
    public let outside: String
    let keysDir: String
    /// The PHY-11A course outcome of 112020 that waits for T001 in the sample.
    public let pendingItem: String
    public let pendingVersion: String
    let labReport: [UInt8]
    let otherPDF: [UInt8]
    /// A real PNG image (the sample's art poster).
    let poster: [UInt8]

    /// The replicas the forged bundles claim to come from.
    public static let teacherReplica = "teacher-5eed0001"
    public static let kioskReplica = "kiosk-5eed0002"
    /// The student the forged kiosk upload is for: 112002 has no items in the sample.
    public static let uploadStudent = "112002"
    public static let reportName = "physics-lab-report.pdf"
    /// Before the hub's clock in SampleCopy (13:00), inside every 113-1 window.
    public static let eventTime = Instant(iso: "2025-01-08T12:20")!
    public static let bundleTime = Instant(iso: "2025-01-08T12:30")!

    public init(_ hub: SampleCopy) throws {
        root = hub.root.path
        outside = hub.base.path
        keysDir = hub.path("keys")
        let facts = try Self.facts.get()
        school = facts.school
        hubReplica = facts.hubReplica
        pendingItem = facts.pendingItem
        pendingVersion = facts.pendingVersion
        labReport = facts.labReport
        otherPDF = facts.otherPDF
        poster = facts.poster
    }

    /// The demo key of `id` (`keys/<id>.key`), or for a student number the key from their demo secret.
    public func identity(_ id: String) throws -> SigningIdentity {
        if DemoSigner.isStudent(id) {
            return try StudentSecret.identity(secret: DemoSigner.secret(id, keys: keysDir) ?? "", school: school,
                                              student: id, cost: .demo)
        }
        return try Actor.load(keyFile: keysDir + "/\(id).key", as: id, onBehalfOf: nil, demo: true, passphrase: { DemoKeys.passphrase }).identity
    }

    /// An event signed by `author`'s demo key.
    public func event(_ kind: EventKind, by author: String, student: String?, at: Instant = eventTime,
                      body: some Encodable) throws -> StoredEvent {
        try Actor(identity: try identity(author)).sign(kind, school: school, student: student, at: at, body: body)
    }

    /// T001 certifies 112020's pending item.
    public func certification(at: Instant = eventTime) throws -> StoredEvent {
        try event(.itemCertified, by: "T001", student: "112020", at: at,
                  body: ItemDecision(item: pendingItem, version: pendingVersion))
    }

    /// A valid answer from T001's laptop to the hub: one certification.
    public func certifications() throws -> BundleForge {
        var forge = BundleForge(kind: .certifications, school: school,
                                sender: BundleParty(replica: Self.teacherReplica, person: "T001"),
                                signer: try identity("T001"), recipient: BundleParty(replica: hubReplica),
                                created: Self.bundleTime, scope: ["1 students"])
        try forge.add(try certification())
        forge.seal()
        return forge
    }

    /// The item id and the path of the lab report in `uploads()`.
    public var uploadItem: String {
        ItemID.make(school: school, student: Self.uploadStudent, term: Term("113-1")!, category: "course-outcome",
                    course: "PHY-11A", description: "單擺實驗", author: Self.uploadStudent, at: Self.eventTime,
                    files: [SHA256Hex.of(labReport)])
    }

    public var uploadFilePath: String {
        "students/\(Self.uploadStudent)/" + reportFile.path(item: uploadItem)
    }

    var reportFile: ItemFile { reportFile(labReport) }

    /// `report.pdf` as an upload record declares it (a PDF document), whatever `bytes` really are.
    func reportFile(_ bytes: [UInt8]) -> ItemFile {
        ItemFile(role: .document, name: Self.reportName, size: bytes.count, sha256: SHA256Hex.of(bytes), kind: "pdf")
    }

    /// A valid bundle from the classroom kiosk: one upload for 112002 with its lab report.
    public func uploads() throws -> BundleForge { try uploads(item: uploadItem, report: labReport, carried: true) }

    /// The kiosk's upload bundle, its record signed for real, naming `item` and declaring `report` as the lab
    /// report PDF; the bytes travel in the bundle when `carried`.
    func uploads(item: String, report: [UInt8], carried: Bool) throws -> BundleForge {
        var forge = BundleForge(kind: .uploads, school: school,
                                sender: BundleParty(replica: Self.kioskReplica, person: "KIOSK1"),
                                signer: try identity("KIOSK1"), recipient: BundleParty(replica: hubReplica),
                                created: Self.bundleTime, scope: ["1 students"])
        let file = reportFile(report)
        try forge.add(try event(.itemUploaded, by: Self.uploadStudent, student: Self.uploadStudent, body: ItemUploaded(
            item: item, category: "course-outcome", term: Term("113-1")!, course: "PHY-11A",
            description: "單擺實驗", fields: [:], files: [file])))
        if carried { forge.parts["students/\(Self.uploadStudent)/" + file.path(item: item)] = report }
        forge.seal()
        return forge
    }
}

/// One forged bundle per way a bundle can be hostile or damaged. Each starts from a valid bundle
/// (`SampleHubForgery.certifications()` or `.uploads()`) and breaks exactly one thing, so a refusal
/// for any other reason shows up as a wrong message.
public enum HostileBundle: String, CaseIterable, Sendable {
    // The tar layer: what the archive itself may hold.
    case pathTraversal
    case absolutePath
    case symbolicLink
    case hardLink
    case characterDevice
    case blockDevice
    case fifo
    case duplicateEntry
    case entryOverSizeCap
    // Damage on the way.
    case cutMidEntry
    case cutAtEntryBoundary
    case flippedByteInFile
    case flippedByteInHeader
    case headerNotJSON
    // The signature.
    case wrongSignature
    case emptySignature
    case signatureRemoved
    // Who sent it, and to whom.
    case unknownKey
    case unknownSender
    case otherSchool
    case otherRecipientWorkspace
    case otherRecipientPerson
    // Not a bundle at all.
    case zipFile
    case randomBytes
    case emptyFile
    case plainTar
    case unknownFormat
    // A correctly signed header whose contents break the bundle rules.
    case unlistedEntry
    case entryListedTwice
    case fileNoUploadMentions
    case fileUnlikeItsUpload
    case eventUnderWrongStudent
    case eventKindNotAllowed
    case forgedRecord
    case recordUnderWrongName
    case uploadFileMissing
    // Item ids become paths: an upload record naming anything but ten lowercase hex digits.
    case itemIDClimbsOut
    case itemIDWithSlash
    // Files judged by their content, as a local upload is, whatever the upload record calls them.
    case pdfThatIsAPNG
    case pdfThatIsText
    // A bad entry, or a header refused on its own, followed by an entry over the size cap: had extraction
    // gone on past the first problem, the refusal would be about the huge entry.
    case unlistedEntryThenHugeEntry
    case wrongSignatureThenHugeEntry
    case unknownSenderThenHugeEntry
    case otherRecipientThenHugeEntry

    /// The file name to give the forged bundle: the name export would use, tagged with the case so a
    /// message naming "the bundle" cannot match by accident.
    public func fileName(_ hub: SampleHubForgery) throws -> String {
        rawValue + "-" + (try base(hub).fileName)
    }

    /// Starts from the kiosk bundle when the case is about a student's file, else from the teacher's.
    func base(_ hub: SampleHubForgery) throws -> BundleForge {
        switch self {
        case .cutMidEntry, .cutAtEntryBoundary, .flippedByteInFile, .fileUnlikeItsUpload, .uploadFileMissing:
            return try hub.uploads()
        case .itemIDClimbsOut: return try hub.uploads(item: "../../../x", report: hub.labReport, carried: false)
        case .itemIDWithSlash: return try hub.uploads(item: "a/b", report: hub.labReport, carried: false)
        case .pdfThatIsAPNG: return try hub.uploads(item: hub.uploadItem, report: hub.poster, carried: true)
        case .pdfThatIsText:
            return try hub.uploads(item: hub.uploadItem, report: Array("Lab report: see the notebook.\n".utf8), carried: true)
        default:
            return try hub.certifications()
        }
    }

    /// Files that must never appear: where an escaping entry would land.
    public func escapeTargets(_ hub: SampleHubForgery) -> [String] {
        switch self {
        case .pathTraversal: return [hub.root + "/.folio/incoming/x", hub.root + "/.folio/x"]
        case .absolutePath: return [hub.outside + "/escaped-absolute.txt"]
        case .symbolicLink: return [hub.outside + "/escaped-through-link.txt"]
        default: return []
        }
    }

    /// The forged bundle's bytes.
    public func bytes(_ hub: SampleHubForgery) throws -> [UInt8] {
        var forge = try base(hub)
        let payload = Array("escaped\n".utf8)
        /// A regular entry the signed header also lists, so only the tar layer can stop it.
        func listed(_ path: String, _ bytes: [UInt8]) -> [UInt8] {
            forge.header.entries.append(BundleForge.entry(path, bytes))
            return bytes
        }
        switch self {
        case .pathTraversal:
            let data = listed("../x", payload)
            return TarSurgery.appending(try RawEntries.file("../x", data), to: try forge.archive())
        case .absolutePath:
            let path = hub.outside + "/escaped-absolute.txt"
            let data = listed(path, payload)
            return TarSurgery.appending(try RawEntries.file(path, data), to: try forge.archive())
        case .symbolicLink:
            // The classic two-step escape: a link to a folder outside, then a file written through it.
            let data = listed("students/112020/files/evil/escaped-through-link.txt", payload)
            let raw = try RawEntries.symbolicLink("students/112020/files/evil", to: hub.outside)
                + RawEntries.file("students/112020/files/evil/escaped-through-link.txt", data)
            return TarSurgery.appending(raw, to: try forge.archive())
        case .hardLink:
            // A link to the hub's own config, then content for it.
            let data = listed("students/112020/files/hard", Array(#"{"school":"000000"}"#.utf8))
            let raw = try RawEntries.hardLink("students/112020/files/hard", to: hub.root + "/folio.json")
                + RawEntries.file("students/112020/files/hard", data)
            return TarSurgery.appending(raw, to: try forge.archive())
        case .characterDevice, .blockDevice, .fifo:
            let kind: RawEntries.Special = self == .characterDevice ? .characterDevice : self == .blockDevice ? .blockDevice : .fifo
            return TarSurgery.appending(try RawEntries.special("students/112020/files/dev", kind), to: try forge.archive())
        case .duplicateEntry:
            // The certification's entry, byte for byte, a second time.
            let tar = try forge.archive()
            let event = try TarSurgery.span(forge.header.entries[0].path, in: tar)
            return TarSurgery.appending(Array(tar[event.start..<event.end]), to: tar)
        case .entryOverSizeCap:
            // One byte over the per-entry cap, declared in the header with no data behind it: the reader
            // must refuse from the header alone, before reading (or writing) 64 MiB.
            let size = TarLimits.default.maxEntryBytes + 1
            let path = "students/112020/files/\(hub.pendingItem)/000000000000/huge.pdf"
            forge.header.entries.append(BundleEntry(path: path, size: size, sha256: String(repeating: "0", count: 64)))
            return TarSurgery.appending(RawEntries.header(path, declaring: size), to: try forge.archive())
        case .cutMidEntry:
            let tar = try forge.archive()
            let file = try TarSurgery.span(hub.uploadFilePath, in: tar)
            return Array(tar[..<(file.dataStart + file.size / 2)])
        case .cutAtEntryBoundary:
            // The lab report is the last entry: cut just before its header, end marker and all.
            let tar = try forge.archive()
            let file = try TarSurgery.span(hub.uploadFilePath, in: tar)
            guard TarSurgery.spans(tar).last == file else { throw FolioHarnessError("the report should be the last entry") }
            return Array(tar[..<file.start])
        case .flippedByteInFile:
            let tar = try forge.archive()
            let file = try TarSurgery.span(hub.uploadFilePath, in: tar)
            return TarSurgery.flipping(tar, at: file.dataStart + file.size / 2)
        case .flippedByteInHeader:
            // "sequence":1 becomes "sequence":0: still well-formed JSON, no longer what was signed.
            let tar = try forge.archive()
            let header = try TarSurgery.span(BundleHeader.entryName, in: tar)
            let at = try TarSurgery.find(Array(#""sequence":1"#.utf8), in: tar, from: header.dataStart,
                                         before: header.dataStart + header.size)
            return TarSurgery.flipping(tar, at: at + #""sequence":"#.utf8.count)
        case .headerNotJSON:
            let tar = try forge.archive()
            let header = try TarSurgery.span(BundleHeader.entryName, in: tar)
            return TarSurgery.flipping(tar, at: header.dataStart)
        case .wrongSignature:
            // A real Ed25519 signature over the very same header, by R01 instead of T001.
            let other = try SignedBundleHeader.sign(forge.header, with: try hub.identity("R01"))
            return try forge.archive(headerFile: SignedBundleHeader(header: forge.header, signature: other.signature).fileBytes())
        case .emptySignature:
            return try forge.archive(headerFile: SignedBundleHeader(header: forge.header, signature: "").fileBytes())
        case .signatureRemoved:
            struct Unsigned: Encodable { var header: BundleHeader }
            return try forge.archive(headerFile: CanonicalJSON.encode(Unsigned(header: forge.header)))
        case .unknownKey:
            // Claims to be T001, signed by a key nobody registered.
            forge.signer = SigningIdentity.generate(principal: "T001")
            forge.header.key = forge.signer.publicKeyText
            return try forge.archive()
        case .unknownSender:
            forge.signer = SigningIdentity.generate(principal: "T999")
            forge.header.key = forge.signer.publicKeyText
            forge.header.sender.person = "T999"
            return try forge.archive()
        case .otherSchool:
            // A school update from another school's root key, as that school's hub would write it.
            let root = SigningIdentity.generate(principal: SchoolState.rootPrincipal)
            let created = try Actor(identity: root).sign(.schoolCreated, school: "999902", at: SampleHubForgery.eventTime,
                                                         body: SchoolCreated(code: "999902", name: "別校高中", rootKey: root.publicKeyText))
            var other = BundleForge(kind: .schoolUpdate, school: "999902",
                                    sender: BundleParty(replica: "hub-0th3r5c1", person: SchoolState.rootPrincipal),
                                    signer: root, recipient: BundleParty(), created: SampleHubForgery.bundleTime,
                                    scope: ["school 999902"])
            try other.add(created)
            other.seal()
            return try other.archive()
        case .otherRecipientWorkspace:
            forge.header.recipient = BundleParty(replica: "hub-0000beef")
            return try forge.archive()
        case .otherRecipientPerson:
            forge.header.recipient = BundleParty(person: "T002")
            return try forge.archive()
        case .zipFile:
            return [UInt8](try HostileArchive.zipFile.bytes())
        case .randomBytes:
            return [UInt8](try HostileArchive.randomBytes.bytes())
        case .emptyFile:
            return []
        case .plainTar:
            return [UInt8](try SampleArchives.standard())
        case .unknownFormat:
            forge.header.format = "folio-bundle/2"
            return try forge.archive()
        case .unlistedEntry:
            // A second, perfectly valid certification in the archive but not in the signed list.
            try forge.add(try hub.certification(at: Instant(epochSeconds: SampleHubForgery.eventTime.epochSeconds + 60)))
            return try forge.archive()
        case .entryListedTwice:
            forge.header.entries.append(forge.header.entries[0])
            return try forge.archive()
        case .fileNoUploadMentions:
            let bytes = Array("%PDF-1.4 nobody uploaded this\n".utf8)
            forge.parts["students/112020/files/\(hub.pendingItem)/\(SHA256Hex.of(bytes).prefix(12))/extra.pdf"] = bytes
            forge.seal()
            return try forge.archive()
        case .fileUnlikeItsUpload:
            // Another PDF under the upload's path, and the header says so: only the upload record disagrees.
            forge.parts[hub.uploadFilePath] = hub.otherPDF
            forge.seal()
            return try forge.archive()
        case .eventUnderWrongStudent:
            let path = forge.header.entries[0].path
            let bytes = forge.parts.removeValue(forKey: path)!
            forge.parts[path.replacingOccurrences(of: "students/112020/", with: "students/112021/")] = bytes
            forge.seal()
            return try forge.archive()
        case .eventKindNotAllowed:
            // T001 hands themself the IT office, inside a certifications bundle.
            let t001 = try hub.identity("T001")
            try forge.add(try hub.event(.staffSet, by: "T001", student: nil, body: Principal(
                id: "T001", name: "T001", kind: .staff, offices: ["course-teacher", "it"], publicKey: t001.publicKeyText)))
            forge.seal()
            return try forge.archive()
        case .forgedRecord:
            // The certification re-dated without being signed again; stored under its new id.
            let original = try hub.certification()
            var signed = original.signed
            signed.event.at = Instant(epochSeconds: signed.event.at.epochSeconds + 3600)
            let forged = try StoredEvent(signed)
            forge.parts = [BundleForge.path(of: forged): try signed.fileBytes()]
            forge.seal()
            return try forge.archive()
        case .recordUnderWrongName:
            let path = forge.header.entries[0].path
            let bytes = forge.parts.removeValue(forKey: path)!
            forge.parts["students/112020/events/\(SHA256Hex.of(Array("another record".utf8))).json"] = bytes
            forge.seal()
            return try forge.archive()
        case .uploadFileMissing:
            forge.parts[hub.uploadFilePath] = nil
            forge.seal()
            return try forge.archive()
        case .itemIDClimbsOut, .itemIDWithSlash, .pdfThatIsAPNG, .pdfThatIsText:
            return try forge.archive()
        case .unlistedEntryThenHugeEntry:
            return Self.withHugeEntry(try HostileBundle.unlistedEntry.bytes(hub))
        case .wrongSignatureThenHugeEntry:
            return Self.withHugeEntry(try HostileBundle.wrongSignature.bytes(hub))
        case .unknownSenderThenHugeEntry:
            return Self.withHugeEntry(try HostileBundle.unknownSender.bytes(hub))
        case .otherRecipientThenHugeEntry:
            return Self.withHugeEntry(try HostileBundle.otherRecipientWorkspace.bytes(hub))
        }
    }

    /// `tar` with one more entry at the end: a tar header declaring a byte over the per-entry cap, with no
    /// data behind it. The reader refuses it from its header (`entryOverSizeCap`), so a refusal that names
    /// anything else shows that extraction stopped before reaching it.
    static func withHugeEntry(_ tar: [UInt8]) -> [UInt8] {
        TarSurgery.appending(RawEntries.header("students/112020/files/zzzzzzzzzz/000000000000/huge.pdf",
                                               declaring: TarLimits.default.maxEntryBytes + 1), to: tar)
    }
}
