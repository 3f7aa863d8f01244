import FolioCore
import FolioTestSupport
import Foundation

/// A school week on separate workspaces joined only by USB sticks, driven through the built `folio` binary
/// from a seeded random schedule (`SchoolWeekTests`).
///
/// The machines: the office hub (a copy of the sample), the registration clerk R01's office replica, two
/// classroom kiosks (KIOSK1, and KIOSK2, which the IT section registers on the first morning) and the
/// laptops of T001, T002 and T003, each started from the first certification request that reaches it.
/// Each replica has its own stick, which shuttles between it and the office and keeps what was written on
/// it, as a real stick does. On every visit the machine runs `folio sync STICK`: it takes in what is meant
/// for it and writes what it owes (the hub writes what every replica it knows is due, onto whichever stick
/// it holds; for a replica it has not heard from yet, the clerk also exports a request or an update by
/// hand). On the way, some bundles are lost (deleted before they are read), some are copied and carried
/// again later, some are taken off the stick and arrive days late, on whichever stick next reaches their
/// recipient; sticks themselves take from twenty minutes to a night to travel.
///
/// Meanwhile, day after day (FOLIO_NOW moves on a few minutes at each step): students upload, replace
/// returned files and select at the kiosks, teachers certify and return on their laptops (and settle
/// conflicts there), and sometimes at the office, and the office replica records grades (R01) and cadre
/// posts (A01).
///
/// A second copy of the sample, `reference`, receives every bundle a replica writes at the moment it is
/// written, in order, none lost, and sees the same actions at the office: at the end the hub must equal it.
final class SchoolWeek {
    /// What a machine is.
    enum Role: String { case hub, office, kiosk, laptop }

    final class Machine {
        let name: String
        let role: Role
        /// Who signs its syncs: R01 at the office and on the office replica, the kiosk's device key, the teacher.
        let signer: String
        let ws: Replica
        /// Its workspace id (`folio.json` `replica`), once it exists.
        var replicaID: String?

        init(name: String, role: Role, signer: String, ws: Replica) {
            self.name = name
            self.role = role
            self.signer = signer
            self.ws = ws
        }

        var root: String { ws.root }
    }

    /// A replica's USB stick: a folder that shuttles between the replica and the office and keeps its bundles.
    final class Stick {
        /// The replica at its other end.
        let owner: String
        let path: String
        /// Where it is going or has got to: "hub" or the owner's name.
        var at: String
        /// When it gets there (minutes since Monday 00:00).
        var arrives: Int

        init(owner: String, path: String, at: String, arrives: Int) {
            self.owner = owner
            self.path = path
            self.at = at
            self.arrives = arrives
        }
    }

    /// A bundle off its stick: a copy to be carried again, or one taken off and carried late. It is put onto
    /// the first stick its recipient syncs from `from` on.
    struct Loose {
        var copy: String
        var name: String
        var to: String
        var from: Int
    }

    /// What the schedule did, for the report.
    struct Figures: CustomStringConvertible {
        var actions = 0
        var syncs = 0
        var written = 0
        var lost = 0
        var late = 0
        var twice = 0
        var imports = 0
        var rounds = 0
        var seconds = 0.0

        var description: String {
            "\(actions) actions, \(syncs) syncs, \(written) bundles written "
                + "(\(lost) lost, \(twice) carried twice, \(late) late), \(imports) imports that added something, "
                + "quiet after \(rounds) final round(s), \(String(format: "%.0f", seconds)) s"
        }
    }

    static let teachers = ["T001": "PHY-11A", "T002": "HIS-11A", "T003": "MAT-10A"]
    static let subjects = ["PHY-11A": "物理", "HIS-11A": "歷史", "MAT-10A": "數學"]
    static let documents = ["physics-lab-report.pdf", "history-essay.pdf", "self-study-plan.pdf", "math-graph.png",
                            "art-poster.png", "volunteer-hours-chart.png", "science-fair-award.pdf", "field-trip-photo.jpg"]
    static let topics = ["實驗報告", "學習單", "專題摘要", "閱讀心得", "探究紀錄", "課堂作品"]
    static let reasons = ["請補上實驗數據", "圖表缺少單位", "請附上參考資料", "檔案內容與課程不符"]
    static let term = "113-1"
    /// Steps of a school day: a stick synced, or someone's work.
    static let stepsPerDay = 16
    /// Monday 13 January 2025: the sample's last records (selections on 8 January) are behind every clock.
    static let monday = 13

    let seed: UInt64
    var rng: SplitMix64
    let hub: SampleCopy
    let reference: SampleCopy
    var machines: [String: Machine] = [:]
    var sticks: [Stick] = []
    var loose: [Loose] = []
    /// The machine each bundle written this week is meant for, by file name.
    var destination: [String: String] = [:]
    /// Replica ids the hub has imported a bundle from (it writes their dues itself from then on).
    var hubKnows: Set<String> = []
    /// Monday 06:30, when the IT section sets up.
    var minute = 6 * 60 + 30
    var students: [String] = []
    var log: [String] = []
    var failures: [String] = []
    var figures = Figures()
    /// Whether sticks still lose, copy and delay bundles (not in the final rounds).
    var disturbing = true
    /// Bundles written by anyone in the current final round.
    var writtenThisRound: [String] = []
    private var counter = 0

    init(seed: UInt64) throws {
        self.seed = seed
        rng = SplitMix64(seed: seed)
        hub = try SampleCopy(now: "2025-01-13T06:30")
        reference = try hub.sibling()
    }

    // MARK: the clock

    var now: String {
        String(format: "2025-01-%02dT%02d:%02d", Self.monday + minute / 1440, minute / 60 % 24, minute % 60)
    }

    func tick(_ range: ClosedRange<Int>) { minute += Int.random(in: range, using: &rng) }

    func chance(_ p: Double) -> Bool { rng.unit() < p }

    func note(_ line: String) { log.append("\(now) \(line)") }

    func fail(_ what: String) {
        failures.append(what)
        note("FAILURE: \(what)")
    }

    // MARK: the whole week

    /// Runs the schedule; what goes wrong is in `failures`, and `log` tells the schedule.
    func run() -> Figures {
        let started = Date()
        do {
            try week()
        } catch {
            fail("the schedule stopped: \(error)")
        }
        figures.seconds = Date().timeIntervalSince(started)
        // To look at a replayed schedule's workspaces and sticks afterwards.
        if let keep = ProcessInfo.processInfo.environment["FOLIO_WEEK_KEEP"], !keep.isEmpty {
            let target = keep + "/school-week-\(seed)"
            try? FileManager.default.removeItem(atPath: target)
            try? FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
            try? FileManager.default.copyItem(atPath: hub.base.path, toPath: target)
            try? FileManager.default.copyItem(atPath: reference.root.path, toPath: target + "/reference")
        }
        return figures
    }

    func week() throws {
        try setUp()
        for day in 0..<5 {
            minute = max(minute, day * 1440 + 7 * 60)
            if day == 0 {
                // Every replica has something to send from the first day, so the office soon knows them all.
                for kiosk in ["KIOSK1", "KIOSK2"] { for _ in 0..<2 { tick(3...10); try upload(at: kiosk) } }
                tick(3...10)
                try officeRecord()
            }
            for _ in 0..<Self.stepsPerDay {
                tick(10...45)
                let ready = sticks.filter { $0.arrives <= minute }
                if let stick = ready.randomElement(using: &rng), chance(0.45) {
                    try visit(stick)
                } else {
                    try work()
                }
            }
        }
        try finalRounds()
        try compare()
        try checkPrivacy()
    }

    /// No stick holds a student's number, name or national ID in any of its bytes (every bundle is sealed, and no
    /// file name names a student); no kiosk or teacher's laptop holds a national ID or an address.
    func checkPrivacy() throws {
        let roster = try String(contentsOfFile: hub.path("roster/students.csv"), encoding: .utf8)
        let rows = roster.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let onSticks = rows.flatMap { $0.prefix(3) }.filter { !$0.isEmpty }
        let personal = rows.flatMap { [$0[2], $0[6]] }.filter { !$0.isEmpty }
        func scan(_ dir: String, _ words: [String], _ what: String) {
            let files = FileManager.default.enumerator(atPath: dir)
            while let name = files?.nextObject() as? String {
                guard let bytes = FileManager.default.contents(atPath: dir + "/" + name) else { continue }
                for w in words where bytes.range(of: Data(w.utf8)) != nil || name.contains(w) { fail("\(what) holds \(w) in \(name)") }
            }
        }
        for stick in sticks { scan(stick.path, onSticks, "\(stick.owner)'s stick") }
        for m in machines.values where m.role == .kiosk || m.role == .laptop {
            if FileManager.default.fileExists(atPath: m.root) { scan(m.root, personal, "\(m.name)'s workspace") }
        }
    }

    /// Monday 06:30: the IT section registers KIOSK2 (on the hub and, identically, on the reference), then
    /// starts the kiosks and the office replica from school updates it carries to them by hand.
    func setUp() throws {
        let key = hub.key("KIOSK2")
        try must(FolioRunner.run(["key", "new", "--id", "KIOSK2", "--out", key, "--demo-only"], env: ["FOLIO_NOW": now]))
        for suffix in ["", ".pub"] {
            try FileManager.default.copyItem(atPath: key + suffix, toPath: reference.key("KIOSK2") + suffix)
        }
        for ws in [hub, reference] {
            try must(ws.folio(as: "root", ["staff", "add", "KIOSK2", "--name", "302教室資訊站", "--kind", "device", "--office", "device",
                                           "--public-key", key + ".pub"], now: now))
        }
        let same = try hub.snapshot(), other = try reference.snapshot()
        guard same == other else {
            throw FolioHarnessError("registering KIOSK2 made different hubs:\n\(same.differences(from: other))")
        }
        students = try FileManager.default.contentsOfDirectory(atPath: hub.path("students")).sorted().filter { number in
            (manifest(hub.root.path, number)?["student"] as? [String: Any])?["status"] as? String == "enrolled"
        }

        machines["hub"] = Machine(name: "hub", role: .hub, signer: "R01", ws: Replica(root: hub.root.path, keys: hub))
        machines["hub"]!.replicaID = try replicaID(hub.root.path)
        machines["office"] = Machine(name: "office", role: .office, signer: "R01", ws: Replica(root: hub.scratch("office"), keys: hub))
        for kiosk in ["KIOSK1", "KIOSK2"] {
            machines[kiosk] = Machine(name: kiosk, role: .kiosk, signer: kiosk, ws: Replica(root: hub.scratch(kiosk), keys: hub))
        }
        for teacher in Self.teachers.keys.sorted() {
            machines[teacher] = Machine(name: teacher, role: .laptop, signer: teacher, ws: Replica(root: hub.scratch(teacher), keys: hub))
        }
        let handCarried = hub.scratch("it-section")
        try FileManager.default.createDirectory(atPath: handCarried, withIntermediateDirectories: true)
        for (name, to, role) in [("office", "R01", "office"), ("KIOSK1", "KIOSK1", "kiosk"), ("KIOSK2", "KIOSK2", "kiosk")] {
            tick(1...3)
            let update = try exportedPath(hub.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", to,
                                                                "--out", handCarried, "--json"], now: now))
            let machine = machines[name]!
            try machine.ws.join(update, as: to, role: role, now: now)
            machine.replicaID = try replicaID(machine.root)
            note("\(name) started from \(fileName(update)) as \(machine.replicaID!)")
        }
        for name in machines.keys.sorted() where name != "hub" {
            let path = hub.scratch("stick-\(name)")
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            // The kiosks' and the office's sticks start with them; the teachers' at the office, for their first request.
            let role = machines[name]!.role
            sticks.append(Stick(owner: name, path: path, at: role == .laptop ? "hub" : name, arrives: minute))
        }
    }

    // MARK: sticks

    /// The stick is synced where it is, then sets off for its other end.
    func visit(_ stick: Stick) throws {
        let machine = machines[stick.at]!
        try sync(machine, stick)
        stick.at = stick.at == "hub" ? stick.owner : "hub"
        stick.arrives = minute + Int.random(in: 20...900, using: &rng)
    }

    /// `folio sync STICK` on `machine` (a laptop not started yet starts from the first request for it on
    /// the stick), and what becomes of the bundles it wrote.
    func sync(_ machine: Machine, _ stick: Stick) throws {
        var arriving: [String] = []
        loose.removeAll { l in
            guard l.to == machine.name, l.from <= minute else { return false }
            let target = stick.path + "/" + l.name
            if !FileManager.default.fileExists(atPath: target) {
                try? FileManager.default.copyItem(atPath: l.copy, toPath: target)
                arriving.append(l.name)
            }
            return true
        }
        if !arriving.isEmpty { note("\(arriving.joined(separator: ", ")) put on \(stick.owner)'s stick for \(machine.name)") }
        if machine.replicaID == nil {
            guard let first = listing(stick.path).first(where: { $0.hasPrefix("request-") && destination[$0] == machine.name }) else {
                note("\(machine.name) has no workspace and no request on its stick")
                return
            }
            try machine.ws.join(stick.path + "/" + first, as: machine.signer, now: now)
            machine.replicaID = try replicaID(machine.root)
            note("\(machine.name)'s laptop started from \(first) as \(machine.replicaID!)")
        }
        let before = Set(listing(stick.path))
        let r = try machine.ws.folio(["sync", stick.path, "--json"], as: machine.signer, now: now)
        figures.syncs += 1
        guard let report = try? JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any] else {
            throw FolioHarnessError("sync on \(machine.name) printed no report: \(r)")
        }
        for refused in report["refused"] as? [[String: Any]] ?? [] {
            fail("\(machine.name) refused \(refused["file"] ?? "?") from \(stick.owner)'s stick: \(refused["message"] ?? "?")")
        }
        if !r.succeeded && (report["refused"] as? [Any])?.isEmpty != false {
            fail("sync on \(machine.name) failed: \(r)")
        }
        var took: [String] = []
        for imported in report["imported"] as? [[String: Any]] ?? [] {
            let sender = (imported["sender"] as? [String: Any])?["replica"] as? String
            if machine.role == .hub, let sender { hubKnows.insert(sender) }
            let events = imported["newEvents"] as? Int ?? 0, files = imported["newFiles"] as? Int ?? 0
            if events + files > 0 { figures.imports += 1 }
            took.append("\(imported["file"] ?? "?") (+\(events) records, +\(files) files)")
        }
        if !took.isEmpty { note("\(machine.name) took in \(took.joined(separator: ", "))") }
        var written: [(name: String, to: String)] = []
        for w in report["written"] as? [[String: Any]] ?? [] {
            let to = try recipientMachine(w, writer: machine)
            for part in w["parts"] as? [[String: Any]] ?? [] {
                if let path = part["path"] as? String { written.append((fileName(path), to)) }
            }
        }
        if machine.role == .hub, let owner = machines[stick.owner], !hubKnows.contains(owner.replicaID ?? "") {
            // The office has not heard from that replica yet, so its sync writes nothing for it: the clerk
            // exports its request or update onto its stick by hand (nothing, if an identical one waits there).
            let kind = owner.role == .laptop ? "cert-request" : "school-update"
            let r = try hub.folio(as: "R01", ["bundle", "export", "--kind", kind, "--to", owner.signer, "--out", stick.path, "--json"], now: now)
            guard r.succeeded, let object = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any] else {
                throw FolioHarnessError("the office could not export for \(owner.name): \(r)")
            }
            if let path = object["path"] as? String {
                for part in object["parts"] as? [[String: Any]] ?? [] {
                    written.append((fileName(part["path"] as? String ?? path), owner.name))
                }
            }
        }
        let new = Set(listing(stick.path)).subtracting(before)
        if Set(written.map(\.name)) != new {
            fail("\(machine.name)'s sync reported writing \(written.map(\.name).sorted()) but \(new.sorted()) appeared on the stick")
        }
        // In the order of their recipients, not of the writer's workspace ids (random), so that a seed
        // replays the same fates.
        written.sort { ($0.to, $0.name) < ($1.to, $1.name) }
        for (name, to) in written {
            destination[name] = to
            figures.written += 1
            writtenThisRound.append("\(machine.name)→\(to) \(name)")
            if machine.role != .hub {
                // The reference hub receives every replica's bundle at once, in order.
                try must(reference.folio(as: "R01", ["bundle", "import", stick.path + "/" + name], now: now))
            }
            try disturb(name, on: stick, to: to)
        }
        if !written.isEmpty { note("\(machine.name) wrote \(written.map { "\($0.name) for \($0.to)" }.joined(separator: ", ")) on \(stick.owner)'s stick") }
    }

    /// What happens to a bundle on its way: mostly nothing.
    func disturb(_ name: String, on stick: Stick, to: String) throws {
        guard disturbing else { return }
        let file = stick.path + "/" + name
        let roll = rng.unit()
        if roll < 0.1 {
            try FileManager.default.removeItem(atPath: file)
            figures.lost += 1
            note("\(name) is deleted from \(stick.owner)'s stick before anyone reads it")
        } else if roll < 0.3 {
            let late = roll < 0.2
            let copy = hub.scratch("drawer-\(counter)-\(name)")
            counter += 1
            try FileManager.default.copyItem(atPath: file, toPath: copy)
            if late { try FileManager.default.removeItem(atPath: file) }
            let delay = late ? Int.random(in: 2 * 1440...7 * 1440, using: &rng) : Int.random(in: 60...3 * 1440, using: &rng)
            loose.append(Loose(copy: copy, name: name, to: to, from: minute + delay))
            if late { figures.late += 1 } else { figures.twice += 1 }
            note("\(name) is \(late ? "taken off" : "copied from") \(stick.owner)'s stick; it reaches \(to) again after \(delay / 60) h")
        }
    }

    /// The machine a bundle in a sync's report is meant for.
    func recipientMachine(_ written: [String: Any], writer: Machine) throws -> String {
        guard writer.role == .hub else { return "hub" }
        let recipient = written["recipient"] as? [String: Any] ?? [:]
        if let replica = recipient["replica"] as? String,
           let m = machines.values.first(where: { $0.replicaID == replica }) { return m.name }
        if let person = recipient["person"] as? String,
           let m = machines.values.first(where: { $0.role != .hub && $0.signer == person }) { return m.name }
        throw FolioHarnessError("the hub wrote a bundle for \(recipient), which is none of the week's machines")
    }

    // MARK: the day's work

    func work() throws {
        let kiosk = Bool.random(using: &rng) ? "KIOSK1" : "KIOSK2"
        switch rng.below(14) {
        case 0..<4: try upload(at: kiosk)
        case 4: try replace(at: kiosk)
        case 5: try redescribe(at: kiosk)
        case 6, 7: try select(at: kiosk)
        case 8..<11: try decideOnLaptop()
        case 11: try decideAtTheOffice(Self.teachers.keys.sorted().randomElement(using: &rng)!)
        default: try officeRecord()
        }
    }

    /// A student uploads a course outcome at a kiosk, if the kiosk sees room under the term's limit.
    func upload(at kiosk: String) throws {
        let m = machines[kiosk]!
        let student = students.randomElement(using: &rng)!
        let items = self.items(m.root, student)
        let outcomes = items.filter { $0["category"] as? String == "course-outcome" && $0["term"] as? String == Self.term }
        guard outcomes.count < 6 else { return }
        let course = Self.subjects.keys.sorted().randomElement(using: &rng)!
        counter += 1
        var files = [hub.asset(Self.documents.randomElement(using: &rng)!)]
        if chance(0.2) { files.append(hub.asset("tone-a440.mp3")) }
        let description = "\(Self.subjects[course]!)\(Self.topics.randomElement(using: &rng)!)（\(counter)）"
        let r = try act(m, as: student, SampleCopy.addArguments(student: student, term: Self.term, course: course,
                                                                 description: description, files: files))
        if r.succeeded { note("\(student) uploads \(itemID(r) ?? "?") (\(course)) at \(kiosk)") }
    }

    /// A student replaces the file of a returned item, or of one still waiting, at a kiosk.
    func replace(at kiosk: String) throws {
        let m = machines[kiosk]!
        let candidates = students.flatMap { s in
            items(m.root, s).filter { ["rejected", "uploaded"].contains($0["status"] as? String) && Self.subjects[$0["course"] as? String ?? ""] != nil }
                .map { (s, $0) }
        }
        guard let (student, item) = candidates.randomElement(using: &rng), let id = item["id"] as? String,
              let course = item["course"] as? String else { return try upload(at: kiosk) }
        let current = Set((item["files"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
        let file = Self.documents.filter { !current.contains($0) }.randomElement(using: &rng)!
        counter += 1
        let r = try act(m, as: student, SampleCopy.addArguments(student: student, term: Self.term, course: course,
                                                                 description: "\(Self.subjects[course] ?? course)修正版（\(counter)）",
                                                                 files: [hub.asset(file)], replace: id))
        if r.succeeded { note("\(student) replaces the file of \(id) at \(kiosk)") }
    }

    /// A student uploads the same files again with a corrected description: the version stays, and so does
    /// a certification.
    func redescribe(at kiosk: String) throws {
        let m = machines[kiosk]!
        let candidates = students.flatMap { s in
            items(m.root, s).filter { Self.subjects[$0["course"] as? String ?? ""] != nil }.map { (s, $0) }
        }
        guard let (student, item) = candidates.randomElement(using: &rng), let id = item["id"] as? String,
              let course = item["course"] as? String else { return try upload(at: kiosk) }
        let files = (item["files"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }.map(hub.asset)
        counter += 1
        let r = try act(m, as: student, SampleCopy.addArguments(student: student, term: Self.term, course: course,
                                                                 description: "\(Self.subjects[course]!)（更正說明 \(counter)）",
                                                                 files: files, replace: id))
        if r.succeeded { note("\(student) uploads \(id) again with a new description at \(kiosk) (\(item["status"] ?? "?"))") }
    }

    /// A student selects a certified course outcome at a kiosk, or now and then unselects one (else uploads).
    func select(at kiosk: String) throws {
        let m = machines[kiosk]!
        let views = students.map { ($0, items(m.root, $0)) }
        let selected = views.flatMap { s, items in items.filter { $0["selected"] as? Bool == true }.map { (s, $0) } }
        if chance(0.25), let (student, item) = selected.randomElement(using: &rng) {
            let r = try act(m, as: student, ["unselect", student, item["id"] as! String])
            if r.succeeded { note("\(student) unselects \(item["id"]!) at \(kiosk)") }
            return
        }
        let open = views.flatMap { s, items -> [(String, [String: Any])] in
            let chosen = items.filter { $0["selected"] as? Bool == true && $0["category"] as? String == "course-outcome" }
            guard chosen.count < 6 else { return [] }
            return items.filter { $0["status"] as? String == "certified" && $0["selected"] as? Bool == false }.map { (s, $0) }
        }
        guard let (student, item) = open.randomElement(using: &rng) else { return try upload(at: kiosk) }
        let r = try act(m, as: student, ["select", student, item["id"] as! String])
        if r.succeeded { note("\(student) selects \(item["id"]!) at \(kiosk)") }
    }

    /// The teacher decides on an item waiting on their laptop: certifies, returns, or settles a conflict.
    /// A teacher with items waiting on their laptop decides on one to three of them (else a student uploads).
    func decideOnLaptop() throws {
        func waiting(_ teacher: String) -> [(String, [String: Any])] {
            let m = machines[teacher]!
            guard m.replicaID != nil else { return [] }
            return numbers(m.root).flatMap { s in
                items(m.root, s).filter { ["uploaded", "conflict"].contains($0["status"] as? String) && $0["course"] as? String == Self.teachers[teacher] }
                    .map { (s, $0) }
            }
        }
        guard let teacher = Self.teachers.keys.sorted().filter({ !waiting($0).isEmpty }).randomElement(using: &rng) else {
            return try upload(at: Bool.random(using: &rng) ? "KIOSK1" : "KIOSK2")
        }
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            guard let (student, item) = waiting(teacher).randomElement(using: &rng) else { return }
            let args = decision(student, item)
            let r = try act(machines[teacher]!, as: teacher, args)
            if r.succeeded { note("\(teacher) \(args[0])s \(student) \(args[2]) on the laptop") }
            tick(2...6)
        }
    }

    /// The teacher decides at the office, on the hub and identically on the reference: only on an item both
    /// see alike, as the same command then signs the same record on both.
    func decideAtTheOffice(_ teacher: String) throws {
        let waiting = students.flatMap { s in
            items(hub.root.path, s).filter { ["uploaded", "conflict"].contains($0["status"] as? String) && $0["course"] as? String == Self.teachers[teacher] }
                .map { (s, $0) }
        }.filter { student, item in
            let id = item["id"] as? String
            let there = items(reference.root.path, student).first { $0["id"] as? String == id }
            return there.map { show($0) == show(item) } ?? false
        }
        guard let (student, item) = waiting.randomElement(using: &rng) else { return try decideOnLaptop() }
        let args = decision(student, item)
        let dir = "students/\(student)/events"
        let hubBefore = Set(listing(hub.path(dir))), referenceBefore = Set(listing(reference.path(dir)))
        let r = try act(machines["hub"]!, as: teacher, args)
        guard r.succeeded else { return }
        try must(reference.folio(as: teacher, args, now: now))
        let onHub = Set(listing(hub.path(dir))).subtracting(hubBefore)
        let onReference = Set(listing(reference.path(dir))).subtracting(referenceBefore)
        if onHub != onReference || onHub.count != 1 {
            fail("\(teacher)'s \(args[0]) of \(student) \(args[2]) at the office signed \(onHub.sorted()) on the hub but \(onReference.sorted()) on the reference")
        }
        note("\(teacher) \(args[0])s \(student) \(args[2]) at the office")
    }

    /// The arguments of a teacher's decision on `item`.
    func decision(_ student: String, _ item: [String: Any]) -> [String] {
        let id = item["id"] as! String
        let reason = Self.reasons.randomElement(using: &rng)!
        let certify = chance(0.7)
        if item["status"] as? String == "conflict" {
            return ["resolve", student, id] + (certify ? ["--certify"] : ["--reject", "--reason", reason])
        }
        return certify ? ["certify", student, id] : ["reject", student, id, "--reason", reason]
    }

    /// R01 records a grade, or A01 a cadre post, on the office replica.
    func officeRecord() throws {
        let m = machines["office"]!
        let student = students.randomElement(using: &rng)!
        if chance(0.6) {
            let subject = Self.subjects.values.sorted().randomElement(using: &rng)!
            let r = try act(m, as: "R01", ["record", "grade", student, "--term", Self.term, "--field", "subject=\(subject)",
                                           "--field", "credits=2", "--field", "score=\(Int.random(in: 60...99, using: &rng))"])
            if r.succeeded { note("R01 records a \(subject) grade for \(student) on the office replica") }
        } else {
            let post = ["班長", "副班長", "學藝股長", "風紀股長"].randomElement(using: &rng)!
            let r = try act(m, as: "A01", ["record", "cadre", student, "--term", Self.term, "--field", "unit=\(student.prefix(3))班",
                                           "--field", "post=\(post)"])
            if r.succeeded { note("A01 records \(student) as \(post) on the office replica") }
        }
    }

    /// Runs one person's command on a machine. The schedule chose it from that machine's own view, so
    /// folio has no reason to refuse it.
    @discardableResult
    func act(_ m: Machine, as who: String, _ args: [String]) throws -> FolioResult {
        figures.actions += 1
        let r = try m.ws.folio(args, as: who, now: now)
        if !r.succeeded { fail("\(m.name) refused what its own view allows: \(r)") }
        return r
    }

    // MARK: the final rounds

    /// Every bundle still on its way arrives; then every stick goes to the office and back, round after
    /// round, until a whole round writes nothing.
    func finalRounds() throws {
        minute = 12 * 1440 + 8 * 60
        disturbing = false
        note("final rounds: every stick goes to the office and back until nothing moves")
        for l in loose.indices { loose[l].from = min(loose[l].from, minute) }
        for round in 1...10 {
            writtenThisRound = []
            note("final round \(round)")
            // Every stick at the office, in some order; then each back at its replica, in another.
            for end in ["hub", "replica"] {
                for stick in sticks.shuffled(using: &rng) {
                    tick(2...5)
                    stick.at = end == "hub" ? "hub" : stick.owner
                    stick.arrives = minute
                    try sync(machines[stick.at]!, stick)
                }
            }
            figures.rounds = round
            if writtenThisRound.isEmpty && loose.isEmpty { return }
            if round == 10 {
                fail("the replicas never went quiet: in the 10th final round \(writtenThisRound.joined(separator: ", ")) were written")
            }
        }
    }

    // MARK: the end

    func compare() throws {
        let hubViews = try Dictionary(uniqueKeysWithValues: numbers(hub.root.path).map { ($0, try status(machines["hub"]!, $0)) })
        for m in machines.values.sorted(by: { $0.name < $1.name }) where m.role != .hub {
            guard m.replicaID != nil else {
                fail("\(m.name)'s laptop never started: no request for it ever reached it")
                continue
            }
            switch m.role {
            case .kiosk: try compareKiosk(m, hubViews)
            case .laptop: try compareLaptop(m, hubViews)
            case .office: try compareOffice(m, hubViews)
            case .hub: break
            }
        }
        let mine = try hub.snapshot(), theirs = try reference.snapshot()
        if mine != theirs {
            fail("the hub differs from the reference hub that received every bundle in order:\n\(mine.differences(from: theirs))")
        }
        for m in machines.values.sorted(by: { $0.name < $1.name }) where m.replicaID != nil || m.role == .hub {
            let r = try m.ws.folio(["verify"], now: now)
            if !(r.succeeded && r.stdout.contains("all consistent")) { fail("folio verify on \(m.name): \(r)") }
        }
        let r = try reference.folio(["verify"], now: now)
        if !(r.succeeded && r.stdout.contains("all consistent")) { fail("folio verify on the reference hub: \(r)") }
    }

    /// A kiosk holds every student's items as the office has them: status, selection, version, decision.
    func compareKiosk(_ m: Machine, _ hubViews: [String: [String: Any]]) throws {
        let fields = ["status", "selected", "version", "uploadedAt", "uploadedBy", "description", "decision"]
        if Set(numbers(m.root)) != Set(hubViews.keys) {
            fail("\(m.name) holds students \(numbers(m.root)), the hub \(hubViews.keys.sorted())")
        }
        for (number, hubView) in hubViews.sorted(by: { $0.key < $1.key }) {
            let mine = byID(try status(m, number)["items"]), theirs = byID(hubView["items"])
            if Set(mine.keys) != Set(theirs.keys) {
                fail("\(m.name) holds items \(mine.keys.sorted()) of \(number), the hub \(theirs.keys.sorted())")
            }
            for (id, item) in mine { expectSame(m, number, id, item, hubView, fields) }
        }
    }

    /// A teacher's laptop holds each item sent to it as the office has it, and every item waiting for that
    /// teacher at the office.
    func compareLaptop(_ m: Machine, _ hubViews: [String: [String: Any]]) throws {
        let course = Self.teachers[m.name]!
        var held: [String: [String: [String: Any]]] = [:]
        for number in numbers(m.root) {
            held[number] = byID(try status(m, number)["items"])
            // Not `selected`: selections are the kiosks' business.
            for (id, item) in held[number]! {
                expectSame(m, number, id, item, hubViews[number], ["status", "version", "uploadedAt", "description", "decision"])
            }
        }
        for (number, view) in hubViews.sorted(by: { $0.key < $1.key }) {
            for item in view["items"] as? [[String: Any]] ?? []
            where item["course"] as? String == course && ["uploaded", "conflict"].contains(item["status"] as? String) {
                let id = item["id"] as! String
                let mine = held[number]?[id]
                if mine?["version"] as? String != item["version"] as? String {
                    fail("\(id) of \(number) waits for \(m.name) at the office (version \(item["version"] ?? "?")), but the laptop has \(mine.map { "version \($0["version"] ?? "?")" } ?? "nothing")")
                }
            }
        }
    }

    /// The office replica holds every registration and every office record the hub has.
    func compareOffice(_ m: Machine, _ hubViews: [String: [String: Any]]) throws {
        for (number, hubView) in hubViews.sorted(by: { $0.key < $1.key }) {
            guard numbers(m.root).contains(number) else {
                fail("the office replica does not hold \(number)")
                continue
            }
            let mine = try status(m, number)
            for field in ["student", "records"] {
                if show(mine[field]) != show(hubView[field]) { fail("the office replica's \(field) of \(number) differ from the hub's:\n\(show(mine[field]))\nhub:\n\(show(hubView[field]))") }
            }
        }
    }

    /// The replica's `item` of student `number` shows `fields` as the hub's `hubView` does.
    func expectSame(_ m: Machine, _ number: String, _ id: String, _ item: [String: Any], _ hubView: [String: Any]?, _ fields: [String]) {
        guard let hubItem = byID(hubView?["items"])[id] else {
            // Why the hub has no such item, if it held back the records that make it.
            let history = Set(item["history"] as? [String] ?? [])
            let why = (hubView?["problems"] as? [[String: Any]] ?? []).filter { history.contains($0["event"] as? String ?? "") }
                .map { "\($0["event"] as? String ?? "?") \($0["message"] as? String ?? "?")" }
            fail("\(m.name) shows \(id) of \(number) as \(item["status"] ?? "?"), but the hub has no such item"
                 + (why.isEmpty ? "" : "; it holds back \(why.joined(separator: "; "))"))
            return
        }
        for field in fields where show(item[field]) != show(hubItem[field]) {
            fail("\(m.name) shows \(field) of \(number) \(id) as \(show(item[field])), the hub as \(show(hubItem[field]))")
        }
    }

    // MARK: reading workspaces

    func status(_ m: Machine, _ number: String) throws -> [String: Any] {
        let r = try must(m.ws.folio(["status", number, "--json"], now: now))
        guard let object = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any] else {
            throw FolioHarnessError("status printed no object: \(r)")
        }
        return object
    }

    /// A student's stored view (`manifest.json`), as the schedule reads it to choose what to do.
    func manifest(_ root: String, _ number: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: "\(root)/students/\(number)/manifest.json") else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    func items(_ root: String, _ number: String) -> [[String: Any]] {
        manifest(root, number)?["items"] as? [[String: Any]] ?? []
    }

    /// The students whose folder the workspace holds.
    func numbers(_ root: String) -> [String] {
        listing(root + "/students").filter { FileManager.default.fileExists(atPath: "\(root)/students/\($0)/manifest.json") }
    }

    func byID(_ items: Any?) -> [String: [String: Any]] {
        Dictionary((items as? [[String: Any]] ?? []).map { ($0["id"] as? String ?? "?", $0) }, uniquingKeysWith: { a, _ in a })
    }

    func listing(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasSuffix(".partial") }.sorted()
    }

    func replicaID(_ root: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: root + "/folio.json"))
        guard let id = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["replica"] as? String else {
            throw FolioHarnessError("\(root)/folio.json names no replica")
        }
        return id
    }

    func itemID(_ r: FolioResult) -> String? {
        ((try? JSONSerialization.jsonObject(with: r.stdoutData)) as? [String: Any])?["id"] as? String
    }

    /// A JSON value as canonical text (keys sorted), to compare and to print.
    func show(_ value: Any?) -> String {
        guard let value, JSONSerialization.isValidJSONObject([value]),
              let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys]) else { return "\(value ?? "nothing")" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The last component of a path.
private func fileName(_ path: String) -> String { (path as NSString).lastPathComponent }
