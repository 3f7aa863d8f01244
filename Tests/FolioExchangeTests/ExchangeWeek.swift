import FolioCore
import FolioTestSupport
import FolioWorkspace
import Foundation
import Testing

/// One week of USB exchanges for the sample hub (school 999901), made with the real `folio` binary the
/// way the office, a kiosk and teachers would:
///
/// - the instruction section (I01), on an office replica started from the hub's school update, adds
///   SCI-11A, a course taught by T001 and T003 with no reviewer (so both certify), and writes a school
///   update for everyone (`officeUpdate`);
/// - the classroom kiosk (KIOSK1), started from the hub's school update plus its office records (the
///   students), imports that update and uploads two SCI-11A outcomes: 112001's with a PDF and an MP3,
///   112020's with a PDF (`kioskUploads`);
/// - the hub imports both and writes certification requests for T001, T003 and L01;
/// - on their laptops, T001 certifies 112001's SCI item and 112020's physics item abf0f468ae (`t001First`)
///   and later 112020's SCI item too (`t001Second`); T003 rejects 112001's SCI item, so two authorised
///   decisions disagree (`t003First`), then certifies 112020's (`t003Second`); each export repeats
///   what the earlier one carried;
/// - L01, the first certification delegate, certifies 113025's art item for T004, who has left (`delegate`);
/// - finally T003's laptop holds a certification of abf0f468ae, a PHY-11A item, though T003 does not teach
///   PHY-11A: signed with T003's real key but written past the command's checks (as a modified copy of
///   folio could), and exported with the rest (`t003Forged`).
///
/// The pristine sample is the hub before any of the eight bundles. `hub` is the office's own copy, which
/// imported `officeUpdate` and `kioskUploads` to write the requests.
final class ExchangeWeek: @unchecked Sendable {
    enum Bundle: String, CaseIterable, Sendable {
        case officeUpdate, kioskUploads, t001First, t003First, delegate, t001Second, t003Second, t003Forged
    }

    static let school = "999901"
    /// 112020's physics (PHY-11A, T001) item in the sample, waiting for certification.
    static let physicsItem = "abf0f468ae"
    /// 113025's art (ART-10A, T004, who has left) item in the sample, waiting for certification.
    static let artItem = "7a9b14390b"
    static let rejectReason = "請補上檢測數據"

    /// The hub's own timeline; its scratch area holds the replicas and the bundles.
    let hub: SampleCopy
    private(set) var files: [Bundle: String] = [:]
    /// 112001's SCI-11A item, on which T001 and T003 disagree.
    private(set) var disputedItem = ""
    /// 112020's SCI-11A item, which both certify.
    private(set) var agreedItem = ""
    /// Event ids, as the files each decision added to the deciding replica.
    private(set) var t001Certifies = ""
    private(set) var t003Rejects = ""
    private(set) var forgedEvent = ""
    let office: Replica
    let kiosk: Replica
    let t001: Replica
    let t003: Replica
    let l01: Replica

    func file(_ b: Bundle) -> String { files[b]! }

    init() throws {
        hub = try SampleCopy(now: "2025-01-06T09:00")
        office = Replica(root: hub.scratch("office"), keys: hub)
        kiosk = Replica(root: hub.scratch("kiosk"), keys: hub)
        t001 = Replica(root: hub.scratch("t001"), keys: hub)
        t003 = Replica(root: hub.scratch("t003"), keys: hub)
        l01 = Replica(root: hub.scratch("l01"), keys: hub)
        let toReplicas = try stick("to-replicas")
        let toHub = try stick("to-hub")

        // Monday: the office replica and the kiosk start; SCI-11A is set up; two uploads.
        var now = "2025-01-06T09:00"
        let forI01 = try exportedPath(hub.folio(as: "R01", ["bundle", "export", "--kind", "school-update", "--to", "I01",
                                                            "--out", toReplicas, "--json"], now: now))
        let forKiosk = try exportedPath(hub.folio(as: "R01", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1",
                                                              "--out", toReplicas, "--json"], now: now))
        let students = try exportedPath(hub.folio(as: "R01", ["bundle", "export", "--kind", "office-records", "--to", "KIOSK1",
                                                              "--out", toReplicas, "--json"], now: now))
        now = "2025-01-06T09:30"
        try office.join(forI01, as: "I01", role: "office", now: now)
        try must(office.folio(["course", "add", "SCI-11A", "--name", "自然探究與實作", "--term", "113-1",
                               "--teacher", "T001", "--teacher", "T003"], as: "I01", now: now))
        files[.officeUpdate] = try exportedPath(office.folio(["bundle", "export", "--kind", "school-update", "--out", toHub, "--json"],
                                                            as: "I01", now: now))
        now = "2025-01-06T10:00"
        try kiosk.join(forKiosk, as: "KIOSK1", now: now)
        try must(kiosk.folio(["bundle", "import", students, file(.officeUpdate)], as: "KIOSK1", now: now))
        now = "2025-01-06T10:30"
        disputedItem = try kiosk.upload(SampleCopy.addArguments(
            student: "112001", term: "113-1", course: "SCI-11A", description: "水質檢測報告",
            files: [hub.asset("physics-lab-report.pdf"), hub.asset("tone-a440.mp3")]), now: now)
        agreedItem = try kiosk.upload(SampleCopy.addArguments(
            student: "112020", term: "113-1", course: "SCI-11A", description: "植物觀察紀錄",
            files: [hub.asset("self-study-plan.pdf")]), now: now)
        files[.kioskUploads] = try exportedPath(kiosk.folio(["bundle", "export", "--kind", "uploads", "--out", toHub, "--json"],
                                                            as: "KIOSK1", now: now))

        // Tuesday morning: the office imports them and writes the certification requests.
        now = "2025-01-07T09:00"
        try must(hub.folio(as: "R01", ["bundle", "import", file(.officeUpdate), file(.kioskUploads)], now: now))
        var requests: [String: String] = [:]
        for teacher in ["T001", "T003", "L01"] {
            requests[teacher] = try exportedPath(hub.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", teacher,
                                                                       "--out", toReplicas, "--json"], now: now))
        }

        // Tuesday afternoon: decisions on the laptops.
        now = "2025-01-07T14:00"
        try t001.join(requests["T001"]!, as: "T001", now: now)
        try t003.join(requests["T003"]!, as: "T003", now: now)
        try l01.join(requests["L01"]!, as: "L01", now: now)
        t001Certifies = try t001.newEvent(student: "112001") {
            try must(t001.folio(["certify", "112001", disputedItem], as: "T001", now: now))
        }
        try must(t001.folio(["certify", "112020", Self.physicsItem], as: "T001", now: now))
        t003Rejects = try t003.newEvent(student: "112001") {
            try must(t003.folio(["reject", "112001", disputedItem, "--reason", Self.rejectReason], as: "T003", now: now))
        }
        try must(l01.folio(["certify", "113025", Self.artItem], as: "L01", for: "T004", now: now))
        files[.t001First] = try t001.exportCertifications(as: "T001", to: toHub, now: now)
        files[.t003First] = try t003.exportCertifications(as: "T003", to: toHub, now: now)
        files[.delegate] = try l01.exportCertifications(as: "L01", to: toHub, now: now)

        now = "2025-01-07T15:00"
        try must(t001.folio(["certify", "112020", agreedItem], as: "T001", now: now))
        try must(t003.folio(["certify", "112020", agreedItem], as: "T003", now: now))
        files[.t001Second] = try t001.exportCertifications(as: "T001", to: toHub, now: now)
        files[.t003Second] = try t003.exportCertifications(as: "T003", to: toHub, now: now)

        // The command refuses this certification (T003 does not teach PHY-11A), so it is signed here with
        // T003's key and written straight into the laptop's records; the export carries it like the others.
        now = "2025-01-07T16:00"
        let actor = try Actor.load(keyFile: hub.key("T003"), as: "T003", onBehalfOf: nil, demo: true) { DemoKeys.passphrase }
        let forged = try actor.sign(.itemCertified, school: Self.school, student: "112020", at: Instant(iso: now)!,
                                    body: ItemDecision(item: Self.physicsItem, version: try Self.sampleVersion("112020", Self.physicsItem)))
        forgedEvent = forged.id
        try Data(forged.signed.fileBytes()).write(to: URL(fileURLWithPath: t003.root + "/students/112020/events/\(forged.id).json"))
        files[.t003Forged] = try t003.exportCertifications(as: "T003", to: toHub, now: "2025-01-07T16:05")
        let names = Set(files.values.map { ($0 as NSString).lastPathComponent })
        guard files.count == Bundle.allCases.count, names.count == files.count else {
            throw FolioHarnessError("expected \(Bundle.allCases.count) distinct bundles, got \(files)")
        }
    }

    private func stick(_ name: String) throws -> String {
        let path = hub.scratch(name)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The version of an item as the committed sample records it.
    static func sampleVersion(_ student: String, _ item: String) throws -> String {
        let url = SampleCopy.sampleURL().appendingPathComponent("students/\(student)/manifest.json")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let items = manifest?["items"] as? [[String: Any]] ?? []
        guard let version = items.first(where: { $0["id"] as? String == item })?["version"] as? String else {
            throw FolioHarnessError("the sample has no item \(item) for \(student)")
        }
        return version
    }
}

/// A replica's folder (next to the hub copy), with folio run against it using the sample's demo keys.
struct Replica: Sendable {
    let root: String
    let keys: SampleCopy

    @discardableResult
    func folio(_ arguments: [String], as who: String? = nil, for principal: String? = nil, now: String) throws -> FolioResult {
        var args = arguments + ["--workspace", root]
        let signing = who.map { DemoSigner.signing($0, keys: keys.path("keys")) } ?? (arguments: [], env: [:])
        args += signing.arguments
        if let principal { args += ["--for", principal] }
        return try FolioRunner.run(args, env: ["FOLIO_NOW": now].merging(signing.env) { $1 })
    }

    /// `folio init --join`, as `who`, whose key opens the bundle.
    func join(_ bundle: String, as who: String, role: String? = nil, now: String) throws {
        var args = ["init", "--dir", root, "--join", bundle, "--root-fingerprint", keys.rootFingerprint]
        args += ["--as", who, "--key", keys.key(who)]
        if let role { args += ["--role", role] }
        try must(FolioRunner.run(args, env: ["FOLIO_NOW": now]))
    }

    /// A student's upload at the kiosk (`arguments` from `SampleCopy.addArguments`); returns the new item's id.
    func upload(_ arguments: [String], now: String) throws -> String {
        let r = try must(folio(arguments, as: arguments[1], now: now))
        guard let object = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any],
              let id = object["id"] as? String else { throw FolioHarnessError("upload printed no item id: \(r)") }
        return id
    }

    func exportCertifications(as who: String, to dir: String, now: String) throws -> String {
        try exportedPath(folio(["bundle", "export", "--kind", "certifications", "--out", dir, "--json"], as: who, now: now))
    }

    /// Runs `body` and returns the id of the one event file it added to the student's records.
    func newEvent(student: String, _ body: () throws -> Void) throws -> String {
        let dir = root + "/students/\(student)/events"
        let before = Set((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
        try body()
        let added = Set(try FileManager.default.contentsOfDirectory(atPath: dir)).subtracting(before)
        guard added.count == 1, let name = added.first, name.hasSuffix(".json") else {
            throw FolioHarnessError("expected one new event file in \(dir), found \(added.sorted())")
        }
        return String(name.dropLast(5))
    }
}

/// Throws with folio's output unless the run succeeded.
@discardableResult
func must(_ r: FolioResult) throws -> FolioResult {
    guard r.succeeded else { throw FolioHarnessError("folio failed: \(r)") }
    return r
}

/// The bundle `folio bundle export --json` wrote.
func exportedPath(_ r: FolioResult) throws -> String {
    guard r.succeeded, let object = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any],
          let path = object["path"] as? String else {
        throw FolioHarnessError("no bundle written: \(r)")
    }
    return path
}

/// Output of `folio ARGS --json` in `ws`, parsed.
func json(_ ws: SampleCopy, _ arguments: [String]) throws -> Any {
    let r = try must(ws.folio(arguments + ["--json"]))
    return try JSONSerialization.jsonObject(with: r.stdoutData)
}

/// `folio verify` finds the workspace consistent.
func expectVerifies(_ ws: SampleCopy, _ when: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let r = try ws.folio(["verify"])
    #expect(r.succeeded && r.stdout.contains("all consistent"), "verify \(when): \(r)", sourceLocation: sourceLocation)
}

/// A small seeded generator, so a failing order can be replayed (`FOLIO_TEST_SEED=N`).
extension SplitMix64 {
    /// `FOLIO_TEST_SEED` if set, else a fresh random seed.
    static func seed() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["FOLIO_TEST_SEED"], let seed = UInt64(text) { return seed }
        return UInt64.random(in: 0...UInt64.max)
    }
}

/// Results filled in by several threads.
private final class ParallelResults<T>: @unchecked Sendable {
    let lock = NSLock()
    var next = 0
    var results: [Int: T] = [:]
}

/// Runs `body(0..<count)` on `width` threads and returns the results in index order. For independent,
/// I/O-heavy work (each call with its own workspace copy); the caller checks the results.
func inParallel<T: Sendable>(_ count: Int, width: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let shared = ParallelResults<T>()
    let done = DispatchGroup()
    for _ in 0..<max(1, width) {
        done.enter()
        Thread.detachNewThread {
            while true {
                shared.lock.lock()
                let n = shared.next
                shared.next += 1
                shared.lock.unlock()
                guard n < count else { break }
                let result = body(n)
                shared.lock.lock()
                shared.results[n] = result
                shared.lock.unlock()
            }
            done.leave()
        }
    }
    done.wait()
    return (0..<count).map { shared.results[$0]! }
}
