import FolioCore
import FolioTar
import FolioTestSupport
import Foundation
import Testing

/// Bad input: every hostile or damaged bundle is refused by the built `folio` binary with an
/// `error:` line naming the bundle's file and the problem, a `hint:` line, and not one byte of the hub
/// changed, its bookkeeping in `.folio/` included. Each bundle is forged from a valid one
/// (`SampleHubForgery`) with exactly one thing broken, and the valid ones are shown to import.
@Suite struct HostileBundleTests {
    /// A copy of the sample hub that has already sent T001 a certification request (so `.folio/` holds a
    /// real peer book), a folder standing for the USB stick, and the forger.
    struct Hub {
        let ws: SampleCopy
        let forgery: SampleHubForgery
        let stick: String

        init() throws {
            ws = try SampleCopy()
            let sent = ws.scratch("sent")
            try FileManager.default.createDirectory(atPath: sent, withIntermediateDirectories: true)
            expectSuccess(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", sent]))
            #expect(FileManager.default.fileExists(atPath: ws.path(".folio/peers/book.json")), "the hub should keep a peer book")
            forgery = try SampleHubForgery(ws)
            stick = ws.scratch("stick")
            try FileManager.default.createDirectory(atPath: stick, withIntermediateDirectories: true)
        }

        /// Writes `bytes` onto the stick as `name` and returns its path.
        func put(_ bytes: [UInt8], as name: String) throws -> String {
            let path = stick + "/" + name
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }

        /// Forges `c` onto the stick.
        func put(_ c: HostileBundle) throws -> String {
            try put(try c.bytes(forgery), as: try c.fileName(forgery))
        }

        func snapshot() throws -> TreeSnapshot { try ws.snapshotWithBookkeeping() }
    }

    /// Words the error line must hold, naming the problem. Taken from what a clerk needs to hear, so a
    /// bundle refused for some other reason (the forgery broke two things, a check ran in the wrong
    /// order) fails here.
    static func words(_ c: HostileBundle, _ hub: SampleHubForgery) -> [String] {
        switch c {
        case .pathTraversal: return ["climbs out", "../x"]
        case .absolutePath: return ["absolute path"]
        case .symbolicLink: return ["link", "students/112020/files/evil"]
        case .hardLink: return ["link", "students/112020/files/hard"]
        case .characterDevice: return ["character device"]
        case .blockDevice: return ["block device"]
        case .fifo: return ["named pipe"]
        case .duplicateEntry: return ["twice"]
        case .entryOverSizeCap: return ["huge.pdf", "limit", String(TarLimits.default.maxEntryBytes)]
        case .cutMidEntry: return ["cut short", SampleHubForgery.reportName]
        case .cutAtEntryBoundary: return ["incomplete", "missing", SampleHubForgery.reportName]
        case .flippedByteInFile: return [SampleHubForgery.reportName, "does not match the signed header"]
        case .flippedByteInHeader: return ["signature", "does not match"]
        case .headerNotJSON: return ["bundle.json", "cannot be read"]
        case .wrongSignature: return ["signature", "does not match"]
        case .emptySignature, .signatureRemoved: return ["header is not signed", "nobody can tell"]
        case .unknownKey: return ["key the school does not know", "T001"]
        case .unknownSender: return ["T999", "not a registered person"]
        case .otherSchool: return ["school 999902", hub.school]
        case .otherRecipientWorkspace: return ["meant for", "hub-0000beef", hub.hubReplica]
        case .otherRecipientPerson: return ["meant for", "T002"]
        case .zipFile, .randomBytes, .emptyFile, .plainTar: return ["not a folio bundle"]
        case .unknownFormat: return ["folio-bundle/2"]
        case .unlistedEntry: return ["does not list"]
        case .entryListedTwice: return ["twice"]
        case .fileNoUploadMentions: return ["extra.pdf", "no upload"]
        case .fileUnlikeItsUpload: return [SampleHubForgery.reportName, "upload record"]
        case .eventUnderWrongStudent: return ["wrong student"]
        case .eventKindNotAllowed: return ["staff.set", "certifications"]
        case .forgedRecord: return ["signature on the record"]
        case .recordUnderWrongName: return ["does not match its name"]
        case .uploadFileMissing: return ["lacks the file", SampleHubForgery.reportName]
        case .itemIDClimbsOut: return ["not an item id", "../../../x"]
        case .itemIDWithSlash: return ["not an item id", "\"a/b\""]
        case .pdfThatIsAPNG: return [SampleHubForgery.reportName, "upload record", "really a PNG"]
        case .pdfThatIsText: return [SampleHubForgery.reportName, "upload record", "not a readable PDF"]
        case .unlistedEntryThenHugeEntry: return ["does not list"]
        case .wrongSignatureThenHugeEntry: return ["signature", "does not match"]
        case .unknownSenderThenHugeEntry: return ["T999", "not a registered person"]
        case .otherRecipientThenHugeEntry: return ["meant for", "hub-0000beef", hub.hubReplica]
        }
    }

    /// Words the hint must hold where what to do next depends on the class: a cut bundle is copied
    /// again (nobody needs a new export), an unknown signer is for the IT section to register here.
    static func hintWords(_ c: HostileBundle) -> [String] {
        switch c {
        case .cutMidEntry, .cutAtEntryBoundary: return ["copy"]
        case .unknownKey, .unknownSender, .unknownSenderThenHugeEntry: return ["`folio staff add`"]
        case .zipFile, .randomBytes, .emptyFile: return [".tar"]
        case .unknownFormat: return ["Update folio"]
        default: return []
        }
    }

    /// One of each layer, for `folio bundle verify` and `folio sync`.
    static let representative: [HostileBundle] = [
        .pathTraversal, .symbolicLink, .fifo, .entryOverSizeCap, .cutAtEntryBoundary, .flippedByteInFile,
        .flippedByteInHeader, .signatureRemoved, .unknownKey, .otherSchool, .randomBytes, .eventKindNotAllowed,
        .uploadFileMissing, .itemIDClimbsOut, .itemIDWithSlash, .pdfThatIsAPNG, .unlistedEntryThenHugeEntry,
        .unknownSenderThenHugeEntry,
    ]

    /// The refusal every command owes: exit 1 (not a crash), an `error:` line naming the file and the
    /// problem, a `hint:` line, the hub unchanged (`.folio/` included), nothing escaped out of staging.
    func expectRefused(_ r: FolioResult, file: String, naming words: [String], hinting hintWords: [String] = [],
                       hub: Hub, before: TreeSnapshot, escapes: [String] = [],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(!r.signalled && r.status == 1, "expected exit 1: \(r)", sourceLocation: sourceLocation)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        let error = lines.first { $0.hasPrefix("error: ") } ?? ""
        let name = (file as NSString).lastPathComponent
        #expect(error.contains(name), "the error should name the bundle \(name): \(r.stderr)", sourceLocation: sourceLocation)
        for word in words {
            #expect(error.localizedCaseInsensitiveContains(word), "the error should say \"\(word)\": \(r.stderr)",
                    sourceLocation: sourceLocation)
        }
        let hint = lines.first { $0.hasPrefix("hint: ") } ?? ""
        #expect(hint.count > 12, "no hint line: \(r.stderr)", sourceLocation: sourceLocation)
        for word in hintWords {
            #expect(hint.localizedCaseInsensitiveContains(word), "the hint should say \"\(word)\": \(r.stderr)",
                    sourceLocation: sourceLocation)
        }
        #expect(!r.stdout.contains("Added"), "a refusal must not report additions: \(r.stdout)", sourceLocation: sourceLocation)
        let after = try hub.snapshot()
        #expect(after == before, "the refused bundle changed the hub:\n\(after.differences(from: before))",
                sourceLocation: sourceLocation)
        for path in escapes {
            #expect(!FileManager.default.fileExists(atPath: path), "an entry escaped to \(path)", sourceLocation: sourceLocation)
        }
    }

    // MARK: each class

    /// `folio bundle import` refuses each class; for one of each layer, `folio bundle verify` and
    /// `folio sync` (which also must leave the stick as it was) refuse it the same way.
    @Test(arguments: HostileBundle.allCases)
    func refused(_ c: HostileBundle) throws {
        let hub = try Hub()
        let file = try hub.put(c)
        let stick = try TreeSnapshot(of: URL(fileURLWithPath: hub.stick))
        let before = try hub.snapshot()
        var commands = [["bundle", "import", file]]
        if Self.representative.contains(c) { commands += [["bundle", "verify", file], ["sync", hub.stick]] }
        for args in commands {
            try expectRefused(try hub.ws.folio(as: "R01", args), file: file, naming: Self.words(c, hub.forgery),
                              hinting: Self.hintWords(c), hub: hub, before: before, escapes: c.escapeTargets(hub.forgery))
            let after = try TreeSnapshot(of: URL(fileURLWithPath: hub.stick))
            #expect(after == stick, "`folio \(args[0])` changed the stick:\n\(after.differences(from: stick))")
        }
    }

    /// Sync is the one place a bundle for someone else is not an error: it is left on the stick for them.
    /// It is passed over on its header alone, so a copy cut short after the header is skipped the same way
    /// (its owner's sync will find the damage) rather than extracted and refused here. `bundle verify` refuses
    /// it on its header too, before it reaches the damage.
    @Test func syncLeavesABundleForAnotherWorkspaceAlone() throws {
        let hub = try Hub()
        let bytes = try HostileBundle.otherRecipientWorkspace.bytes(hub.forgery)
        let file = try hub.put(bytes, as: try HostileBundle.otherRecipientWorkspace.fileName(hub.forgery))
        // Cut one byte into the tar header of the entry after bundle.json.
        let (header, _) = try #require(try TarReader().firstEntry(.memory(Data(bytes)), upTo: 0))
        let end = 512 + (Int(header.size) + 511) / 512 * 512
        let cut = try hub.put(Array(bytes.prefix(end + 1)), as: "cut-" + (file as NSString).lastPathComponent)
        let before = try hub.snapshot()
        let checked = try hub.ws.folio(as: "R01", ["bundle", "verify", cut])
        #expect(!checked.succeeded && checked.stderr.contains("meant for"), "the cut copy should be refused from its header: \(checked)")
        let r = try hub.ws.folio(as: "R01", ["sync", hub.stick])
        #expect(r.succeeded, "\(r)")
        for name in [file, cut].map({ ($0 as NSString).lastPathComponent }) {
            #expect(r.stdout.contains("Skipped \(name): meant for another workspace"), "\(r)")
        }
        let after = try hub.snapshot()
        #expect(after == before, "\(after.differences(from: before))")
    }

    /// Someone's own tar archive on the stick is refused by sync from its first entry, without being
    /// extracted: cut short further on, it is refused as not a bundle, and so it is by the full check, which
    /// stops at the first entry too instead of reading on to the cut.
    @Test func syncRefusesAnotherTarByItsFirstEntry() throws {
        let hub = try Hub()
        let bytes = [UInt8](try SampleArchives.standard())
        let file = try hub.put(Array(bytes.prefix(bytes.count / 2)), as: "backup.tar")
        let before = try hub.snapshot()
        let full = try hub.ws.folio(as: "R01", ["bundle", "verify", file])
        #expect(full.status == 1 && full.stderr.contains("not a folio bundle") && !full.stderr.contains("cut short"), "\(full)")
        try expectRefused(try hub.ws.folio(as: "R01", ["sync", hub.stick]), file: file, naming: Self.words(.plainTar, hub.forgery),
                          hub: hub, before: before)
    }

    // MARK: classes that need the hub prepared

    /// T001's key is revoked at 12:00; the bundle signed with it is dated 12:30.
    @Test func keyRevokedBeforeTheBundleWasWritten() throws {
        let hub = try Hub()
        expectSuccess(try hub.ws.folio(as: "root", ["key", "revoke", "--public-key", hub.ws.key("T001"), "--reason", "laptop stolen", "--yes"],
                                       now: "2025-01-08T12:00"))
        let forge = try hub.forgery.certifications()
        #expect(forge.header.created > Instant(iso: "2025-01-08T12:00")!)
        let file = try hub.put(try forge.archive(), as: "revoked-" + forge.fileName)
        let before = try hub.snapshot()
        for args in [["bundle", "import", file], ["bundle", "verify", file], ["sync", hub.stick]] {
            try expectRefused(try hub.ws.folio(as: "R01", args), file: file, naming: ["revoked", "T001"], hub: hub, before: before)
        }
    }

    /// A real bundle from another school's own workspace, made with `folio init` and signed by its root key.
    @Test func bundleWrittenByAnotherSchoolsWorkspace() throws {
        let hub = try Hub()
        let otherKey = hub.ws.scratch("other-root.key")
        let other = hub.ws.scratch("other-school")
        expectSuccess(try FolioRunner.run(["key", "new", "--id", "root", "--out", otherKey, "--demo-only"]))
        expectSuccess(try FolioRunner.run(["init", "--dir", other, "--school", "999902", "--name", "別校高中", "--key", otherKey, "--demo"],
                                          env: ["FOLIO_NOW": hub.ws.now]))
        // Sealed to a clerk of this hub, registered there with their public keys, so that the hub's key opens it.
        expectSuccess(try FolioRunner.run(["staff", "add", "R01", "--name", "周文華", "--office", "registration", "--public-key", hub.ws.key("R01"),
                                           "--as", "root", "--key", otherKey, "--workspace", other], env: ["FOLIO_NOW": hub.ws.now]))
        expectSuccess(try FolioRunner.run(["bundle", "export", "--kind", "school-update", "--out", hub.stick,
                                           "--as", "root", "--key", otherKey, "--workspace", other],
                                          env: ["FOLIO_NOW": hub.ws.now]))
        let written = try FileManager.default.contentsOfDirectory(atPath: hub.stick)
        try #require(written.count == 1, "\(written)")
        let file = hub.stick + "/" + written[0]
        let before = try hub.snapshot()
        for args in [["bundle", "import", file], ["bundle", "verify", file], ["sync", hub.stick]] {
            try expectRefused(try hub.ws.folio(as: "R01", args), file: file, naming: ["999902", hub.forgery.school], hub: hub, before: before)
        }
    }

    // MARK: the harness refuses for the right reasons

    /// The two bundles every hostile one is made from are good: the hub takes them, and they do what they say.
    @Test func theValidForgedBundlesImport() throws {
        let hub = try Hub()
        let certs = try hub.forgery.certifications()
        let uploads = try hub.forgery.uploads()
        let certsFile = try hub.put(try certs.archive(), as: certs.fileName)
        let uploadsFile = try hub.put(try uploads.archive(), as: uploads.fileName)
        expectSuccess(try hub.ws.folio(as: "R01", ["bundle", "verify", certsFile]))
        expectSuccess(try hub.ws.folio(as: "R01", ["bundle", "import", certsFile, uploadsFile]))
        try expectBothLanded(hub)
    }

    /// Import reads folio's own `bundle.json` without `JSONDecoder` (`SignedBundleHeader.readCanonical`);
    /// any other spelling of the same signed header goes the old way and is still taken, and a change
    /// to it is still caught by the signature.
    @Test func aHeaderInAnotherSpellingIsReadTheOtherWay() throws {
        let hub = try Hub()
        let uploads = try hub.forgery.uploads()
        let canonical = try uploads.headerFile()
        let object = try JSONSerialization.jsonObject(with: Data(canonical))
        let pretty = [UInt8](try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]))
        #expect(pretty != canonical && SignedBundleHeader.readCanonical(pretty) == nil)
        #expect(SignedBundleHeader.readCanonical(canonical) != nil)

        var changed = try #require(object as? [String: Any])
        var header = try #require(changed["header"] as? [String: Any])
        header["sequence"] = (header["sequence"] as? Int ?? 0) + 1
        changed["header"] = header
        let forged = try hub.put(try uploads.archive(headerFile: [UInt8](try JSONSerialization.data(withJSONObject: changed))),
                                 as: "changed-" + uploads.fileName)
        let before = try hub.snapshot()
        try expectRefused(try hub.ws.folio(as: "R01", ["bundle", "import", forged]), file: forged, naming: ["signature", "does not match"],
                          hub: hub, before: before)

        let file = try hub.put(try uploads.archive(headerFile: pretty), as: uploads.fileName)
        expectSuccess(try hub.ws.folio(as: "R01", ["bundle", "import", file]))
        let uploaded = try hub.ws.item(SampleHubForgery.uploadStudent, hub.forgery.uploadItem)
        #expect(uploaded.string("status") == "uploaded", "\(uploaded)")
        #expect(FileManager.default.fileExists(atPath: hub.ws.path(hub.forgery.uploadFilePath)))
    }

    /// After every refusal above, on one hub, the valid bundles still go in: refusals leave nothing
    /// behind that gets in the way, and the harness is not simply refusing everything.
    /// Every command a hint sends the clerk to exists.
    @Test func validBundlesStillImportAfterEveryRefusal() throws {
        let hub = try Hub()
        var hints: [String] = []
        for c in HostileBundle.allCases {
            let file = try hub.put(c)
            let before = try hub.snapshot()
            let r = try hub.ws.folio(as: "R01", ["bundle", "import", file])
            try expectRefused(r, file: file, naming: Self.words(c, hub.forgery), hub: hub, before: before,
                              escapes: c.escapeTargets(hub.forgery))
            hints += r.stderr.split(separator: "\n").filter { $0.hasPrefix("hint: ") }.map(String.init)
        }
        let commands = Set(hints.flatMap { Self.commandsNamed($0) })
        #expect(!commands.isEmpty, "the hints should point to some commands")
        for command in commands.sorted(by: { $0.joined(separator: " ") < $1.joined(separator: " ") }) {
            // For an unknown command the parser shows its parent's help, whose usage ends in <subcommand>.
            let help = try FolioRunner.run(command + ["--help"])
            let usage = help.stdout.split(separator: "\n").first { $0.hasPrefix("USAGE: folio") } ?? ""
            let path = usage.split(separator: " ").dropFirst(2).prefix { !$0.hasPrefix("[") && !$0.hasPrefix("<") }.map(String.init)
            #expect(help.succeeded && !path.isEmpty && command.starts(with: path) && !usage.contains("<subcommand>"),
                    "a hint names `folio \(command.joined(separator: " "))`, which is not a command: \(usage)")
        }
        let certs = try hub.forgery.certifications()
        let uploads = try hub.forgery.uploads()
        let r = try hub.ws.folio(as: "R01", ["bundle", "import", try hub.put(try certs.archive(), as: certs.fileName),
                                  try hub.put(try uploads.archive(), as: uploads.fileName)])
        expectSuccess(r)
        #expect(r.stdout.contains("Added 1 record(s) and 0 file(s) for 1 student(s)"), "\(r)")
        #expect(r.stdout.contains("Added 1 record(s) and 1 file(s) for 1 student(s)"), "\(r)")
        try expectBothLanded(hub)
    }

    /// `folio bundle import GOOD BAD` (either order) imports nothing, and GOOD alone then goes in. One bad
    /// bundle fails while staging (its file differs from the header), one after staging (the school's check).
    @Test(arguments: [(HostileBundle.flippedByteInFile, true), (.flippedByteInFile, false), (.unknownKey, true), (.unknownKey, false)])
    func oneBadBundleStopsTheWholeImport(bad: HostileBundle, goodFirst: Bool) throws {
        let hub = try Hub()
        // The good one is the other kind, so the two never share a record.
        let good = bad == .unknownKey ? try hub.forgery.uploads() : try hub.forgery.certifications()
        let goodFile = try hub.put(try good.archive(), as: good.fileName)
        let badFile = try hub.put(bad)
        let before = try hub.snapshot()
        let files = goodFirst ? [goodFile, badFile] : [badFile, goodFile]
        try expectRefused(try hub.ws.folio(as: "R01", ["bundle", "import"] + files), file: badFile, naming: Self.words(bad, hub.forgery),
                          hub: hub, before: before)
        expectSuccess(try hub.ws.folio(as: "R01", ["bundle", "import", goodFile]))
        #expect(try hub.snapshot() != before)
    }

    /// Several bundles are checked before any lands. An upload whose file is in none of them (nor in the
    /// workspace) stops the whole import; one whose file comes in another bundle given with it goes in,
    /// whichever comes first on the command line.
    @Test(arguments: [true, false])
    func aFileOwedByOneBundleMayComeInAnother(missingFirst: Bool) throws {
        let hub = try Hub()
        let certs = try hub.forgery.certifications()
        let uploads = try hub.forgery.uploads()
        let certsFile = try hub.put(try certs.archive(), as: certs.fileName)
        let uploadsFile = try hub.put(try uploads.archive(), as: uploads.fileName)
        let missing = try hub.put(.uploadFileMissing)
        let before = try hub.snapshot()
        let alone = missingFirst ? [missing, certsFile] : [certsFile, missing]
        try expectRefused(try hub.ws.folio(as: "R01", ["bundle", "import"] + alone), file: missing,
                          naming: Self.words(.uploadFileMissing, hub.forgery), hub: hub, before: before)
        // Nor does a bundle that carries, unlisted, a folder named like the file: only what a signed header
        // lists counts as brought.
        let folder = [UInt8](try SampleArchives.archive([.bytes(BundleHeader.entryName, Data(try certs.headerFile()))]
            + certs.parts.map { .bytes($0.key, Data($0.value)) } + [.directory(hub.forgery.uploadFilePath)]))
        let certsWithFolder = try hub.put(folder, as: "folder-" + certs.fileName)
        let fooled = missingFirst ? [missing, certsWithFolder] : [certsWithFolder, missing]
        try expectRefused(try hub.ws.folio(as: "R01", ["bundle", "import"] + fooled), file: missing,
                          naming: Self.words(.uploadFileMissing, hub.forgery), hub: hub, before: before)
        let with = missingFirst ? [missing, certsFile, uploadsFile] : [certsFile, uploadsFile, missing]
        expectSuccess(try hub.ws.folio(as: "R01", ["bundle", "import"] + with))
        try expectBothLanded(hub)
    }

    /// The commands quoted in a hint: "`folio bundle export`" gives ["bundle", "export"] (lower-case words
    /// up to the first option or argument in capitals).
    static func commandsNamed(_ hint: String) -> [[String]] {
        hint.components(separatedBy: "`folio ").dropFirst().map { rest in
            let quoted = rest.prefix { $0 != "`" }
            return Array(quoted.split(separator: " ").prefix { $0.allSatisfy { $0.isLowercase || $0 == "-" } && !$0.hasPrefix("-") }
                .map(String.init))
        }.filter { !$0.isEmpty }
    }

    /// T001's certification and KIOSK1's upload are in the hub's views, the upload's file in place, and the
    /// workspace consistent.
    func expectBothLanded(_ hub: Hub, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let certified = try hub.ws.item("112020", hub.forgery.pendingItem)
        #expect(certified.string("status") == "certified", "\(certified)", sourceLocation: sourceLocation)
        let uploaded = try hub.ws.item(SampleHubForgery.uploadStudent, hub.forgery.uploadItem)
        #expect(uploaded.string("status") == "uploaded", "\(uploaded)", sourceLocation: sourceLocation)
        let landed = hub.ws.path(hub.forgery.uploadFilePath)
        #expect(try Data(contentsOf: URL(fileURLWithPath: landed)) == Data(contentsOf: URL(fileURLWithPath: hub.ws.asset(SampleHubForgery.reportName))),
                sourceLocation: sourceLocation)
        try expectVerifies(hub.ws, "after the valid bundles", sourceLocation: sourceLocation)
    }

    /// `TarSurgery` finds exactly the entries the real reader finds, where it finds them; otherwise the
    /// cuts and flips above would land somewhere else than intended.
    @Test func surgeryFindsTheEntriesTheReaderFinds() throws {
        let hub = try Hub()
        let tar = try hub.forgery.uploads().archive()
        let spans = TarSurgery.spans(tar)
        let entries = try TarReader().scan(.memory(Data(tar)))
        #expect(spans.map(\.path) == entries.map(\.path))
        for (span, entry) in zip(spans, entries) {
            #expect(Int64(span.size) == entry.size)
            #expect(SHA256Hex.of(tar[span.dataStart..<span.dataStart + span.size]) == entry.sha256)
        }
        #expect(tar[TarSurgery.endOfEntries(tar)...].allSatisfy { $0 == 0 })
    }
}
