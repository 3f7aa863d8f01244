import Crypto
import FolioCore
import Foundation

/// `folio sample generate`: a synthetic hub workspace of any size, the same bytes for the same seed, for
/// benchmarks and tests. Everything in it is made through the same signed events and rules as a real
/// school: staff and keys, courses with teachers, a calendar, students with valid (fictional) national IDs,
/// uploads of PDF/PNG/MP3 files, certifications (some left waiting in teachers' queues), selections, and
/// office records. Keys are derived from the seed and written to `keys/`: they are demo keys.
public struct SampleGenerator {
    public var students: Int
    public var itemsPerStudent: Int
    /// Mean file size in bytes; sizes follow a long-tailed distribution capped by the file rules.
    public var meanBytes: Int
    public var seed: UInt64

    public init(students: Int, itemsPerStudent: Int, meanBytes: Int = 100_000, seed: UInt64 = 1) {
        self.students = students
        self.itemsPerStudent = itemsPerStudent
        self.meanBytes = meanBytes
        self.seed = seed
    }

    public struct Summary: Codable, Sendable {
        public var root: String
        public var students: Int
        public var items: Int
        public var files: Int
        public var bytes: Int
        public var pending: Int
        public var teachers: Int
    }


    func identity(_ id: String) -> SigningIdentity {
        let raw = Data(SHA256.hash(data: Data("folio-sample-\(seed)-\(id)".utf8)))
        return SigningIdentity(principal: id, privateKey: try! Curve25519.Signing.PrivateKey(rawRepresentation: raw))
    }

    public func generate(at root: String) throws(FolioError) -> Summary {
        var rng = SplitMix64(seed: seed)
        let code = "999900"
        let t0 = Instant(iso: "2024-08-01T09:00")!
        let rootKey = identity(SchoolState.rootPrincipal)
        let ws = try Workspace.create(at: root, school: SchoolCreated(code: code, name: "合成測試高級中學", rootKey: rootKey.publicKeyText,
                                                                      address: "虛構市測試路1號 資料組 收", demo: true),
                                      rootKey: rootKey, now: t0)
        try FileIO.makeDirectories(root + "/keys")
        let rootFile = try KeyFile(identity: rootKey, passphrase: DemoKeys.passphrase, cost: .demo, demoOnly: true)
        try FileIO.writeNew(root + "/keys/root.key", Workspace.viewBytes(rootFile), mode: 0o600)
        let session = try WorkspaceSession(ws)
        let teacherCount = max(2, students / 40)
        var staff: [(String, String, Principal.Kind, [String])] = [
            ("R01", "註冊組長", .staff, ["registration"]), ("IT1", "資訊組長", .staff, ["it"]), ("D01", "資料組長", .staff, ["data"]),
            ("A01", "訓育組長", .staff, ["activities"]), ("I01", "教學組長", .staff, ["instruction"]), ("KIOSK1", "資訊站", .device, ["device"]),
        ]
        for t in 1...teacherCount { staff.append((String(format: "T%03d", t), "教師\(t)", .staff, ["course-teacher"])) }
        let admin = Actor(identity: rootKey)
        var clock = t0
        func tick() -> Instant { clock = clock.adding(seconds: 1); return clock }
        var school: [StoredEvent] = []
        for (id, name, kind, offices) in staff {
            let key = identity(id)
            let file = try KeyFile(identity: key, passphrase: DemoKeys.passphrase, cost: .demo, demoOnly: true)
            try FileIO.writeNew(root + "/keys/\(id).key", Workspace.viewBytes(file), mode: 0o600)
            school.append(try admin.sign(.staffSet, school: code, at: tick(),
                                         body: Principal(id: id, name: name, kind: kind, offices: offices, publicKey: key.publicKeyText,
                                                        encryptionKey: key.encryptionKeyText)))
        }
        try session.appendSchool(school)
        let d = CivilDate.init(iso:)
        let term = Term("113-1")!
        let calendar = CalendarTerm(term: term, start: d("2024-08-30")!, end: d("2025-01-31")!, closingCeremony: d("2025-01-20")!,
                                    upload: Window(from: d("2024-09-02")!, to: d("2025-02-03")!),
                                    certify: Window(from: d("2024-09-02")!, to: d("2025-02-10")!),
                                    select: Window(from: d("2025-01-06")!, to: d("2025-02-10")!))
        var setup = [try Actor(identity: identity("D01")).sign(.calendarTerm, school: code, at: tick(), body: calendar)]
        var courses: [(code: String, teacher: String)] = []
        for t in 1...teacherCount {
            let teacher = String(format: "T%03d", t)
            let c = String(format: "SUB-%03d", t)
            courses.append((c, teacher))
            setup.append(try Actor(identity: identity("I01")).sign(.courseSet, school: code, at: tick(),
                                                                   body: Course(code: c, name: "科目\(t)", term: term, teachers: [teacher])))
        }
        try session.appendSchool(setup)

        let staging = root + "/.folio/incoming/generate"
        try FileIO.makeDirectories(staging)
        defer { FileIO.removeTree(staging) }
        var summary = Summary(root: ws.root, students: students, items: 0, files: 0, bytes: 0, pending: 0, teachers: teacherCount)
        let registrar = Actor(identity: identity("R01"))
        // Each student signs their own uploads and selections with the key from their published demo secret.
        var secrets = ""
        let letters = Array("ABCDEFGHJKLMNPQRSTUVXYWZIO")
        var batch: [WorkspaceSession.StudentChange] = []
        let progress = ProgressMeter(Message("progress.generate"), total: students)
        defer { progress.finish() }
        for n in 0..<students {
            progress.advance()
            let grade = 10 + n % 3
            let number = String(format: "%d%04d", 113 - (grade - 10), n + 1)   // year of entry, then a serial: 1130001
            var events: [StoredEvent] = []
            var moves: [(path: String, target: String)] = []
            let prefix = String(letters[rng.below(letters.count)]) + (rng.below(2) == 0 ? "1" : "2") + String(format: "%07d", rng.below(10_000_000))
            let nid = NationalID.withCheckDigit(prefix: prefix)!.text
            var at = Instant(iso: "2024-09-05T08:00")!.adding(seconds: Int64(n))
            let record = StudentRecord(number: number, name: "學生\(n + 1)", nationalID: nid,
                                       birthDate: d("2008-01-01")!.adding(days: rng.below(1000)),
                                       className: "\(grade - 9)\(String(format: "%02d", n % 20 + 1))",
                                       grade: grade, address: "虛構市測試路\(n + 1)號", status: .enrolled)
            // Registered as the roster import registers: who the student is at school, and apart the personal part.
            events.append(try registrar.sign(.studentSet, school: code, student: number, at: at, body: record.atSchool))
            events.append(try registrar.sign(.studentPersonal, school: code, student: number, at: at, body: record.personal!))
            let secret = StudentSecret.demo(school: code, student: number)
            secrets += number + "\t" + secret + "\n"
            let student = Actor(identity: try StudentSecret.identity(secret: secret, school: code, student: number, cost: .demo))
            events.append(try registrar.sign(.studentKeySet, school: code, student: number, at: at.adding(seconds: 1),
                                             body: StudentKey(publicKey: student.identity.publicKeyText, cost: .demo)))
            let courseItems = min(6, max(0, itemsPerStudent * 3 / 10))
            for i in 0..<itemsPerStudent {
                at = at.adding(seconds: 3_600)
                let isCourse = i < courseItems
                let course = courses[(n + i) % courses.count]
                let (kind, bytes) = makeFile(&rng)
                let name = "\(isCourse ? "成果" : "作品")\(i + 1).\(kind.rawValue == "jpeg" ? "jpg" : kind.rawValue)"
                let tmp = staging + "/\(n)-\(i)"
                try FileIO.writeNew(tmp, bytes)
                let sha = SHA256Hex.of(bytes)
                let role: ItemFile.Role = kind == .mp3 || kind == .mp4 ? .media : .document
                let f = ItemFile(role: role, name: name, size: bytes.count, sha256: sha, kind: kind.rawValue)
                let description = isCourse ? "\(course.code) 學習成果 \(i + 1)" : "多元表現作品 \(i + 1)"
                let item = ItemID.make(school: code, student: number, term: term, category: isCourse ? "course-outcome" : "works",
                                       course: isCourse ? course.code : nil, description: description, author: number, at: at,
                                       files: [sha])
                let upload = ItemUploaded(item: item, category: isCourse ? "course-outcome" : "works", term: term,
                                          course: isCourse ? course.code : nil, description: description,
                                          fields: isCourse ? [:] : ["name": "作品\(i + 1)"], files: [f])
                events.append(try student.sign(.itemUploaded, school: code, student: number, at: at, body: upload))
                moves.append((tmp, f.path(item: item)))
                summary.items += 1
                summary.files += 1
                summary.bytes += bytes.count
                if isCourse {
                    // About three in four are certified; the rest wait in the teacher's queue.
                    if rng.below(4) > 0 {
                        let decided = Instant(iso: "2024-12-10T19:00")!.adding(seconds: Int64(n * 20 + i))
                        events.append(try Actor(identity: identity(course.teacher)).sign(
                            .itemCertified, school: code, student: number, at: decided,
                            body: ItemDecision(item: item, version: upload.version)))
                        if i < 3 {
                            events.append(try student.sign(.itemSelected, school: code, student: number,
                                                         at: Instant(iso: "2025-01-07T10:00")!.adding(seconds: Int64(n * 20 + i)),
                                                         body: ItemSelection(item: item, year: term.year)))
                        }
                    } else {
                        summary.pending += 1
                    }
                } else if i < courseItems + 4 {
                    events.append(try student.sign(.itemSelected, school: code, student: number,
                                                 at: Instant(iso: "2025-01-08T10:00")!.adding(seconds: Int64(n * 20 + i)),
                                                 body: ItemSelection(item: item, year: term.year)))
                }
            }
            events.append(try registrar.sign(.recordAdded, school: code, student: number, at: Instant(iso: "2025-01-25T09:00")!.adding(seconds: Int64(n)),
                                             body: RecordAdded(kind: "grade", term: term,
                                                               fields: ["subject": "國文", "credits": "4", "score": String(60 + rng.below(40))])))
            batch.append(.init(number: number, events: events, moves: moves))
            if batch.count == 100 || n == students - 1 {
                try session.appendStudents(batch)
                batch = []
            }
        }
        try FileIO.writeNew(root + "/keys/student-secrets.tsv", Array(secrets.utf8), mode: 0o600)
        return summary
    }

    /// A file of a realistic kind and a long-tailed size (exponential around the mean, capped by the rules).
    func makeFile(_ rng: inout SplitMix64) -> (FileKind, [UInt8]) {
        let pick = rng.below(10)
        let kind: FileKind = pick < 6 ? .pdf : pick < 9 ? .png : .mp3
        let cap = kind == .mp3 ? 10 << 20 : 4 << 20
        let size = min(cap, max(64, Int(-log(max(1e-12, 1 - rng.unit())) * Double(meanBytes))))
        var bytes: [UInt8]
        switch kind {
        case .pdf: bytes = Array("%PDF-1.4\n".utf8)
        case .png: bytes = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        default: bytes = Array("ID3".utf8) + [3, 0, 0, 0, 0, 0, 0]
        }
        bytes.reserveCapacity(size)
        while bytes.count < size {
            var word = rng.next()
            for _ in 0..<8 where bytes.count < size {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return (kind, bytes)
    }
}
