import FolioCore
import FolioTestSupport
import Foundation
import Testing

/// Backups that survive a lost office PC: `folio backup` into a folder on another disk, `folio restore` from it
/// (or from the copy restic brought back) on a new machine. A restored workspace verifies and is the original
/// byte for byte outside `.folio/`; later backups add only what changed; and a damaged or forged backup is
/// refused with nothing written.
@Suite struct BackupTests {
    /// `folio backup --json` as the IT section (the sample's IT1 and its demo key); the report.
    @discardableResult
    func backup(_ ws: SampleCopy, to place: String, env: [String: String] = [:]) throws -> [String: Any] {
        let r = try ws.folio(as: "IT1", ["backup", "--to", place, "--json"], env: env)
        guard r.succeeded, let report = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any] else {
            throw FolioHarnessError("backup failed: \(r)")
        }
        return report
    }

    /// `folio restore`, confirming the sample's root fingerprint as the IT section reads it from paper.
    func restore(_ ws: SampleCopy, from place: String, to target: String, _ extra: [String] = []) throws -> FolioResult {
        try FolioRunner.run(["restore", "--from", place, "--to", target, "--root-fingerprint", ws.rootFingerprint] + extra)
    }

    /// Restores and checks the result as the IT section would: `folio verify --full` passes, and the tree is
    /// `expected` byte for byte (outside `.folio/`).
    func restoreAndCompare(_ ws: SampleCopy, from place: String, to target: String, expected: TreeSnapshot,
                           _ extra: [String] = []) throws {
        let restored = try restore(ws, from: place, to: target, extra)
        #expect(restored.succeeded, "\(restored)")
        #expect(restored.stdout.contains("folio verify --full --workspace \(target)"), "\(restored)")
        let verified = try FolioRunner.run(["verify", "--full", "--workspace", target])
        #expect(verified.succeeded, "\(verified)")
        let tree = try TreeSnapshot(of: URL(fileURLWithPath: target))
        #expect(tree == expected, "\(tree.differences(from: expected))")
    }

    /// A restore refused: the message says why, and the target is left as it was (absent here), with no hidden
    /// staging folder beside it.
    func expectRefused(_ r: FolioResult, saying words: [String], target: String) {
        #expect(!r.succeeded && r.status == 1, "\(r)")
        for w in words { #expect(r.stderr.contains(w), "expected «\(w)» in: \(r.stderr)") }
        #expect(r.stderr.contains("Nothing was written") || r.stderr.contains("Nothing was changed"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: target), "\(target) was written")
        let parent = (target as NSString).deletingLastPathComponent
        let left = ((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []).filter { $0.contains("folio-restore") }
        #expect(left.isEmpty, "staging left behind: \(left)")
    }

    /// Copies a backup folder, so that each test of a refusal damages a copy of its own.
    func copy(_ place: String, _ ws: SampleCopy, _ name: String) throws -> String {
        let to = ws.scratch(name)
        try FileManager.default.copyItem(atPath: place, toPath: to)
        return to
    }

    /// Waits until files changed now are older than the two seconds within which a file's stamp is not trusted.
    func settle() { Thread.sleep(forTimeInterval: 2.2) }

    @Test func aBackupRestoredInAnotherFolderVerifiesAndIsTheOriginal() throws {
        let ws = try SampleCopy()
        // A bundle sent gives the workspace a peer book to keep; a key file readable by its owner alone must come
        // back so.
        let usb = ws.scratch("usb")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        let exported = try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", usb])
        #expect(exported.succeeded, "\(exported)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: ws.path("keys/R01.key"))
        #expect(try ws.folio(["verify"]).succeeded)   // leaves a verify cache, which is not kept
        let place = ws.scratch("backup")
        let report = try backup(ws, to: place)
        #expect(report["number"] as? Int == 1 && report["signer"] as? String == "IT1", "\(report)")
        #expect((report["newObjects"] as? Int ?? 0) > 0 && report["keptObjects"] as? Int == 0, "\(report)")
        #expect(BackupForgery(place: place).objects().count == report["newObjects"] as? Int)
        // The folder holds every student's records: its owner alone may read it.
        let mode = try FileManager.default.attributesOfItem(atPath: place)[.posixPermissions] as? Int
        #expect(mode == 0o700, "\(String(mode ?? 0, radix: 8))")

        let target = ws.scratch("new-machine/folio")
        let restored = try restore(ws, from: place, to: target)
        #expect(restored.succeeded, "\(restored)")
        // Of .folio/, what is needed to keep working comes back (the peer book here); the lock, transactions and
        // caches do not.
        #expect(try FileManager.default.contentsOfDirectory(atPath: target + "/.folio") == ["peers"])
        let book = ".folio/peers/book.json"
        #expect(FileManager.default.contents(atPath: target + "/" + book) == FileManager.default.contents(atPath: ws.path(book)))
        let key = try FileManager.default.attributesOfItem(atPath: target + "/keys/R01.key")[.posixPermissions] as? Int
        #expect(key == 0o600, "\(String(key ?? 0, radix: 8))")
        let verified = try FolioRunner.run(["verify", "--full", "--workspace", target])
        #expect(verified.succeeded, "\(verified)")
        let tree = try TreeSnapshot(of: URL(fileURLWithPath: target)), original = try ws.snapshot()
        #expect(tree == original, "\(tree.differences(from: original))")
    }

    @Test func laterBackupsWriteOnlyWhatChangedAndAnUnchangedOneWritesNothing() throws {
        let ws = try SampleCopy()
        settle()
        let place = ws.scratch("backup")
        let forgery = BackupForgery(place: place)
        try backup(ws, to: place)
        let first = forgery.objects()

        // Nothing changed: no object written, and no file read again (their stamps are the same).
        let unchanged = try backup(ws, to: place)
        #expect(unchanged["newObjects"] as? Int == 0 && unchanged["read"] as? Int == 0, "\(unchanged)")
        #expect(unchanged["keptObjects"] as? Int == first.count, "\(unchanged)")
        #expect(forgery.objects() == first)
        #expect(forgery.snapshotFiles().count == 2)

        // A student uploads: exactly the new files and the new listing of that student's folder are written.
        let before = try ws.snapshot()
        _ = try ws.upload(student: "112001", course: "PHY-11A", description: "斜面實驗", assets: ["math-graph.png"])
        settle()
        let after = try ws.snapshot()
        let changed = after.files.filter { before.files[$0.key] != $0.value }
        #expect(!changed.isEmpty)
        func part(_ path: String) -> String {
            let c = path.split(separator: "/")
            return c.count >= 2 && c[0] == "students" ? "students/\(c[1])" : ""
        }
        let newContent = Set(changed.values.map { "objects/\($0.prefix(2))/\($0)" }).subtracting(first)
        let changedParts = Set(changed.keys.map(part))
        #expect(changedParts == ["students/112001"], "\(changedParts)")
        let second = try backup(ws, to: place)
        let added = forgery.objects().subtracting(first)
        #expect(second["newObjects"] as? Int == newContent.count + changedParts.count, "\(second), changed: \(changed.keys.sorted())")
        #expect(added.count == newContent.count + changedParts.count && newContent.isSubset(of: added), "\(added)")

        // A file dropped into the workspace by hand: its content and the listing of the part it is in.
        try Data("學號,姓名\n".utf8).write(to: URL(fileURLWithPath: ws.path("roster/新名單.csv")))
        let third = try backup(ws, to: place)
        #expect(third["newObjects"] as? Int == 2 && third["read"] as? Int == 1, "\(third)")
        #expect(third["number"] as? Int == 4)

        let restored = ws.scratch("restored")
        try restoreAndCompare(ws, from: place, to: restored, expected: try ws.snapshot())
    }

    @Test func whatTheLastBackupSawIsTrustedOnlyWhereNothingChanged() throws {
        let ws = try SampleCopy()
        let place = ws.scratch("backup")
        settle()
        try backup(ws, to: place)
        #expect(try backup(ws, to: place)["read"] as? Int == 0)
        // Rewritten in place with the same size and its old modification time put back: the change time still moves.
        let roster = ws.path("roster/students.csv")
        let modified = try #require(try FileManager.default.attributesOfItem(atPath: roster)[.modificationDate] as? Date)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: roster))
        bytes[0] = bytes[0] == 0x41 ? 0x42 : 0x41
        try bytes.write(to: URL(fileURLWithPath: roster))
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: roster)
        // A file added deep in a folder no other change touched, and a link, which is left out and said every time.
        try Data("x".utf8).write(to: URL(fileURLWithPath: ws.path("students/112001/files/note.txt")))
        try FileManager.default.createSymbolicLink(atPath: ws.path("roster/link"), withDestinationPath: "/etc/passwd")
        for _ in 0..<2 {
            let r = try ws.folio(as: "IT1", ["backup", "--to", place])
            #expect(r.succeeded && r.stderr.contains("Left out of the backup: roster/link (a link, which folio never follows)"), "\(r)")
        }
        try FileManager.default.removeItem(atPath: ws.path("roster/link"))
        let target = ws.scratch("restored")
        let restored = try restore(ws, from: place, to: target)
        #expect(restored.succeeded, "\(restored)")
        let tree = try TreeSnapshot(of: URL(fileURLWithPath: target)), original = try ws.snapshot()
        #expect(tree == original, "\(tree.differences(from: original))")
    }

    @Test func anOlderSnapshotRestoresTheWorkspaceAsItWasThen() throws {
        let ws = try SampleCopy()
        let place = ws.scratch("backup")
        let first = try backup(ws, to: place)
        let then = try ws.snapshot()
        _ = try ws.upload(student: "112002", category: "works", description: "單擺實驗", assets: ["physics-lab-report.pdf"],
                          fields: ["name": "單擺實驗"])
        let second = try backup(ws, to: place)
        let now = try ws.snapshot()
        #expect(then != now)

        let list = try FolioRunner.run(["backup", "list", "--to", place])
        #expect(list.succeeded, "\(list)")
        let firstID = try #require(first["snapshot"] as? String), secondID = try #require(second["snapshot"] as? String)
        #expect(list.stdout.contains(String(firstID.prefix(12))) && list.stdout.contains(String(secondID.prefix(12))), "\(list)")
        #expect(list.stdout.contains("2 snapshot(s); the newest is 2"), "\(list)")
        let json = try FolioRunner.run(["backup", "list", "--to", place, "--json"])
        let listed = try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any]
        let snapshots = try #require(listed?["snapshots"] as? [[String: Any]])
        #expect(snapshots.map { $0["number"] as? Int } == [1, 2] && snapshots[1]["previous"] as? String == firstID, "\(json)")

        try restoreAndCompare(ws, from: place, to: ws.scratch("as-then"), expected: then, ["--snapshot", "1"])
        try restoreAndCompare(ws, from: place, to: ws.scratch("by-id"), expected: now, ["--snapshot", String(secondID.prefix(8))])
        try restoreAndCompare(ws, from: place, to: ws.scratch("newest"), expected: now)
    }

    @Test func aDamagedOrIncompleteBackupIsRefusedAndNothingIsWritten() throws {
        let ws = try SampleCopy()
        let place = ws.scratch("backup")
        try backup(ws, to: place)
        // The object of a student's upload (the same bytes as the sample's own copy in assets/: either is named).
        let sha = try #require(try ws.snapshot().files["students/112001/files/fcddaa8f53/0f8631fa3ae5/physics-lab-report.pdf"])
        let report = "physics-lab-report.pdf (object \(sha)"

        // A bit flipped on the backup disk: the same size, other bytes. Found while copying; the copy so far is removed.
        let flipped = try copy(place, ws, "flipped")
        let object = BackupForgery(place: flipped).object(sha)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: object))
        bytes[bytes.count / 2] ^= 0x01
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: object)
        try bytes.write(to: URL(fileURLWithPath: object))
        expectRefused(try restore(ws, from: flipped, to: ws.scratch("t1")), saying: ["The backup is damaged", report], target: ws.scratch("t1"))

        // An object gone.
        let gone = try copy(place, ws, "gone")
        try FileManager.default.removeItem(atPath: BackupForgery(place: gone).object(sha))
        expectRefused(try restore(ws, from: gone, to: ws.scratch("t2")), saying: ["The backup is incomplete", report, "is missing"],
                      target: ws.scratch("t2"))

        // A snapshot cut short.
        let cut = try copy(place, ws, "cut")
        let cutFile = try BackupForgery(place: cut).newestSnapshot()
        let whole = try Data(contentsOf: URL(fileURLWithPath: cutFile))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: cutFile))
        expectRefused(try restore(ws, from: cut, to: ws.scratch("t3")), saying: ["is not whole", "it is not a folio snapshot"],
                      target: ws.scratch("t3"))

        // A snapshot edited in place: one more file counted.
        let edited = try copy(place, ws, "edited")
        let editedFile = try BackupForgery(place: edited).newestSnapshot()
        let text = try String(contentsOfFile: editedFile, encoding: .utf8)
        let files = try #require(text.range(of: #""files":\d+"#, options: .regularExpression))
        let count = try #require(Int(text[files].dropFirst(#""files":"#.count)))
        try text.replacingCharacters(in: files, with: "\"files\":\(count + 1)").write(toFile: editedFile, atomically: true, encoding: .utf8)
        expectRefused(try restore(ws, from: edited, to: ws.scratch("t4")), saying: ["changed after it was written"], target: ws.scratch("t4"))

        // A listing changed under a snapshot that still names the old one.
        let listing = try copy(place, ws, "listing")
        let object2 = BackupForgery(place: listing).objects().sorted().first { path in
            ((try? String(contentsOfFile: listing + "/" + path, encoding: .utf8)) ?? "").hasPrefix("folio-backup-listing/1\n")
        }
        let listingPath = listing + "/" + (try #require(object2))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: listingPath)
        try (String(contentsOfFile: listingPath, encoding: .utf8) + "f 644 0 \(SHA256Hex.of(Data())) extra.txt\n")
            .write(toFile: listingPath, atomically: false, encoding: .utf8)
        expectRefused(try restore(ws, from: listing, to: ws.scratch("t5")), saying: ["The backup is damaged", "list of files"],
                      target: ws.scratch("t5"))
    }

    @Test func aForgedBackupIsRefusedWhateverItsPathsOrSignature() throws {
        let ws = try SampleCopy()
        let place = ws.scratch("backup")
        try backup(ws, to: place)

        // Signed anew by someone holding the disk but no key the school registered.
        let outsider = try copy(place, ws, "outsider")
        try BackupForgery(place: outsider).resign(with: SigningIdentity.generate(principal: "IT1")) { snapshot in
            snapshot["taken"] = .string("2025-01-09T05:00:00Z")
        }
        expectRefused(try restore(ws, from: outsider, to: ws.scratch("t1")), saying: ["never registered"], target: ws.scratch("t1"))

        // Signed by an insider's registered key, with paths no workspace holds: each refused by name.
        let insider = try BackupForgery.identity(keyFile: ws.key("IT1"))
        let content = Array("abc".utf8)
        for (name, line, words) in [
            ("parent", "f 644 3 \(SHA256Hex.of(content)) ../outside.txt", ["../outside.txt", "climbs out of the workspace with `..`"]),
            ("nested", "f 644 3 \(SHA256Hex.of(content)) school/../../outside.txt", ["climbs out of the workspace with `..`"]),
            ("absolute", "f 644 3 \(SHA256Hex.of(content)) /etc/cron.d/folio", ["/etc/cron.d/folio", "is an absolute path"]),
            ("plan", "f 644 3 \(SHA256Hex.of(content)) .folio/txn/1/plan.json", [".folio/txn/1/plan.json", "lies in .folio/"]),
            ("setuid", "f 4755 3 \(SHA256Hex.of(content)) school/tool", ["school/tool", "permission bits folio never writes (4755)"]),
            ("orphan", "f 644 3 \(SHA256Hex.of(content)) nowhere/x.txt", ["nowhere/x.txt", "lies in a folder the snapshot does not list"]),
        ] {
            let forged = try copy(place, ws, name)
            let f = BackupForgery(place: forged)
            try f.store(content)
            try f.addToListing([line], signingWith: insider)
            expectRefused(try restore(ws, from: forged, to: ws.scratch("t-" + name)), saying: words, target: ws.scratch("t-" + name))
        }

        // The right school root, unconfirmed or mistyped: a whole forged school (a root and keys of its own) is
        // stopped here.
        let unconfirmed = try FolioRunner.run(["restore", "--from", place, "--to", ws.scratch("t-root")])
        expectRefused(unconfirmed, saying: ["was not confirmed", ws.rootFingerprint], target: ws.scratch("t-root"))
        let mistyped = try FolioRunner.run(["restore", "--from", place, "--to", ws.scratch("t-root"), "--root-fingerprint", "0000 1111 2222 3333"])
        expectRefused(mistyped, saying: ["was not confirmed"], target: ws.scratch("t-root"))
    }

    @Test func aRestoreGoesOnlyIntoANewOrEmptyFolder() throws {
        let ws = try SampleCopy()
        let place = ws.scratch("backup")
        try backup(ws, to: place)
        let busy = ws.scratch("busy")
        try FileManager.default.createDirectory(atPath: busy, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: busy + "/note.txt"))
        let refused = try restore(ws, from: place, to: busy)
        #expect(!refused.succeeded && refused.stderr.contains("is not empty: folio restores only into a new or empty folder"), "\(refused)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: busy) == ["note.txt"])
        #expect(FileManager.default.contents(atPath: busy + "/note.txt") == Data("keep me".utf8))
        // Restoring over the workspace itself is the same refusal.
        #expect(!(try restore(ws, from: place, to: ws.root.path)).succeeded)
        // An empty folder (a freshly mounted disk) is taken.
        let empty = ws.scratch("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try restoreAndCompare(ws, from: place, to: empty, expected: try ws.snapshot())
        // So is an empty folder for a first backup, which becomes readable by its owner alone.
        let mounted = ws.scratch("mounted")
        try FileManager.default.createDirectory(atPath: mounted, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        try backup(ws, to: mounted)
        #expect(try FileManager.default.attributesOfItem(atPath: mounted)[.posixPermissions] as? Int == 0o700)
        // And a backup folder is never inside the workspace it backs up.
        let inside = try ws.folio(as: "IT1", ["backup", "--to", ws.path("backups")])
        #expect(!inside.succeeded && inside.stderr.contains("is inside the workspace"), "\(inside)")
    }

    /// Starts an upload that holds the workspace's lock for a while (a pause at each durable step).
    func startSlowUpload(_ ws: SampleCopy, pause: Int, description: String, asset: String) throws -> FolioProcess {
        let signing = DemoSigner.signing("112002", keys: ws.path("keys"))
        let args = SampleCopy.addArguments(student: "112002", category: "works", term: "113-1", description: description,
                                           files: [ws.asset(asset)], fields: ["name": description])
            + ["--workspace", ws.root.path]
        let p = try FolioRunner.start(args, env: ["FOLIO_NOW": ws.now, "FOLIO_STEP_DELAY_MS": String(pause)].merging(signing.env) { $1 })
        for _ in 0..<1500 {
            if !((try? FileManager.default.contentsOfDirectory(atPath: ws.path(".folio/txn"))) ?? []).isEmpty { return p }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw FolioHarnessError("the upload never started its transaction")
    }

    @Test func aBackupWaitsForAWriterAndKeepsItsWholeResultOrGivesUpSayingWhy() throws {
        let ws = try SampleCopy()
        let place = ws.scratch("backup")
        let writer = try startSlowUpload(ws, pause: 150, description: "單擺實驗", asset: "physics-lab-report.pdf")
        let waited = try ws.folio(as: "IT1", ["backup", "--to", place])
        #expect(waited.succeeded, "\(waited)")
        #expect(waited.stderr.contains("Waiting for `folio add` (process \(writer.pid))"), "\(waited)")
        #expect(writer.wait().succeeded)
        // The backup began after the upload ended: it holds all of it.
        try restoreAndCompare(ws, from: place, to: ws.scratch("restored"), expected: try ws.snapshot())

        let slow = try startSlowUpload(ws, pause: 1500, description: "光學實驗", asset: "art-poster.png")
        let refused = try ws.folio(as: "IT1", ["backup", "--to", place], env: ["FOLIO_LOCK_WAIT": "1"])
        #expect(!refused.succeeded, "\(refused)")
        #expect(refused.stderr.contains("error: `folio add` (process \(slow.pid)) is still working on this workspace; waited 1 second"),
                "\(refused)")
        #expect(slow.wait().succeeded)
        #expect(BackupForgery(place: place).snapshotFiles().count == 1, "the refused backup wrote a snapshot")

        // Two backups into one folder at once: the second says so and leaves the first alone.
        let first = try FolioRunner.start(["backup", "--to", ws.scratch("second"), "--as", "IT1", "--key", ws.key("IT1"),
                                           "--workspace", ws.root.path],
                                          env: ["FOLIO_NOW": ws.now, "FOLIO_STEP_DELAY_MS": "30"])
        for _ in 0..<1500 where !FileManager.default.fileExists(atPath: ws.scratch("second/snapshots")) {
            Thread.sleep(forTimeInterval: 0.02)
        }
        let beside = try ws.folio(as: "IT1", ["backup", "--to", ws.scratch("second")])
        #expect(!beside.succeeded && beside.stderr.contains("Another backup is writing into"), "\(beside)")
        #expect(first.wait().succeeded)
    }

    @Test func aBackupCutShortLeavesNoSnapshotAndTheNextOneIsWhole() throws {
        let ws = try SampleCopy()
        let place = ws.scratch("backup")
        // Killed after the third object was named: objects without a snapshot.
        let killed = try ws.folio(as: "IT1", ["backup", "--to", place], env: ["FOLIO_CRASH_AT": "3"])
        #expect(killed.status == 99, "\(killed)")
        #expect(BackupForgery(place: place).snapshotFiles().isEmpty)
        #expect(BackupForgery(place: place).objects().count == 3)
        let next = try backup(ws, to: place)
        #expect(next["number"] as? Int == 1 && next["keptObjects"] as? Int == 3, "\(next)")
        try restoreAndCompare(ws, from: place, to: ws.scratch("restored"), expected: try ws.snapshot())
    }

    @Test func aBackupWaitsUntilAnInterruptedCommandIsFinished() throws {
        let ws = try SampleCopy()
        // An upload killed right after its commit point: its changes are decided but only partly in place.
        let args = SampleCopy.addArguments(student: "112002", category: "works", term: "113-1", description: "單擺實驗",
                                           files: [ws.asset("physics-lab-report.pdf")], fields: ["name": "單擺實驗"])
        var killed: FolioResult?
        for step in 1...8 {
            let r = try ws.folio(as: "112002", args, env: ["FOLIO_CRASH_AT": String(step)])
            if r.status == 99, FileManager.default.fileExists(atPath: ws.path(".folio/txn")),
               try FileManager.default.contentsOfDirectory(atPath: ws.path(".folio/txn")).contains(where: { txn in
                   FileManager.default.fileExists(atPath: ws.path(".folio/txn/\(txn)/plan.json")) }) {
                killed = r
                break
            }
        }
        #expect(killed != nil, "no step left a committed transaction")
        let place = ws.scratch("backup")
        let refused = try ws.folio(as: "IT1", ["backup", "--to", place])
        #expect(!refused.succeeded && refused.stderr.contains("An interrupted `folio add` left its changes half applied"), "\(refused)")
        #expect(refused.stderr.contains("folio repair"), "\(refused)")
        #expect(BackupForgery(place: place).snapshotFiles().isEmpty)
        #expect(try ws.folio(["repair"]).succeeded)
        try backup(ws, to: place)
        try restoreAndCompare(ws, from: place, to: ws.scratch("restored"), expected: try ws.snapshot())
    }

    @Test func aRealSchoolIsBackedUpAndRestoredWithItsOwnKeys() throws {
        let school = try RealSchool()
        let place = school.path("backup")
        let backedUp = try school.folio(["backup", "--to", place], as: "IT1")
        #expect(backedUp.succeeded, "\(backedUp)")
        // A key the school never registered signs no backup.
        let stranger = school.path("keys/stranger.key")
        let made = try school.folio(["key", "new", "--id", "IT1", "--out", stranger], env: ["FOLIO_KEY_COST": String(RealSchool.keyCost)],
                                    workspace: false)
        #expect(made.succeeded, "\(made)")
        let refused = try school.folio(["backup", "--to", place, "--as", "IT1", "--key", stranger])
        #expect(!refused.succeeded && refused.stderr.contains("is not one the school registered"), "\(refused)")

        let target = school.path("restored")
        let restored = try FolioRunner.run(["restore", "--from", place, "--to", target, "--root-fingerprint", try school.rootFingerprint()])
        #expect(restored.succeeded, "\(restored)")
        let verified = try FolioRunner.run(["verify", "--full", "--workspace", target])
        #expect(verified.succeeded, "\(verified)")
        let original = try TreeSnapshot(of: URL(fileURLWithPath: school.root))
        let tree = try TreeSnapshot(of: URL(fileURLWithPath: target))
        #expect(tree == original, "\(tree.differences(from: original))")
    }

    @Test func aKioskRestoredFromItsBackupStillKnowsWhichFilesTheOfficeKeeps() throws {
        let ws = try SampleCopy()
        _ = try ws.upload(student: "112002", category: "works", description: "單擺實驗", assets: ["physics-lab-report.pdf"],
                          fields: ["name": "單擺實驗"])
        let usb = ws.scratch("usb")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        #expect(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", usb]).succeeded)
        let update = try #require(SampleCopy.listing(usb).first { $0.hasPrefix("update-") })
        let kiosk = ws.scratch("kiosk")
        let joined = try ws.folio(in: kiosk, as: "KIOSK1", ["init", "--dir", kiosk, "--join", usb + "/" + update], now: ws.now)
        #expect(joined.succeeded, "\(joined)")
        #expect(try FolioRunner.run(["verify", "--full", "--workspace", kiosk]).succeeded)
        let place = ws.scratch("kiosk-backup")
        let backedUp = try ws.folio(in: kiosk, as: "KIOSK1", ["backup", "--to", place], now: ws.now)
        #expect(backedUp.succeeded, "\(backedUp)")
        let target = ws.scratch("kiosk-restored")
        try restoreAndCompare(ws, from: place, to: target, expected: try TreeSnapshot(of: URL(fileURLWithPath: kiosk)))
    }

    @Test func aBackupSentOffSiteWithResticComesBackAndRestores() throws {
        let ws = try SampleCopy()
        let place = ws.scratch("backup")
        try backup(ws, to: place)
        let repository = ws.scratch("restic-repo")
        let env = ["RESTIC_PASSWORD": "a long passphrase kept apart from the disk", "RESTIC_CACHE_DIR": ws.scratch("restic-cache")]
        func restic(_ arguments: [String]) throws -> (succeeded: Bool, output: String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["restic"] + arguments
            var environment = ProcessInfo.processInfo.environment
            for (k, v) in env { environment[k] = v }
            p.environment = environment
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()
            let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus == 0, "restic \(arguments.joined(separator: " ")) → \(p.terminationStatus)\n"
                    + String(decoding: o, as: UTF8.self) + String(decoding: e, as: UTF8.self))
        }
        // restic is installed by Scripts/install-deps --tests; without it this test fails rather than passes unseen.
        let version = try restic(["version"])
        #expect(version.succeeded, "restic is missing: run Scripts/install-deps --tests. \(version)")
        let initialised = try restic(["init", "--repo", repository])
        #expect(initialised.succeeded, "\(initialised)")
        let sent = try restic(["backup", "--repo", repository, place])
        #expect(sent.succeeded, "\(sent)")
        let back = ws.scratch("from-restic")
        let fetched = try restic(["restore", "latest", "--repo", repository, "--target", back])
        #expect(fetched.succeeded, "\(fetched)")
        // restic brings the folder back under its whole original path.
        try restoreAndCompare(ws, from: back + place, to: ws.scratch("restored"), expected: try ws.snapshot())
    }
}
