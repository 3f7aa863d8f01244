import ArgumentParser
import FolioCore
import FolioWorkspace

struct AddCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Upload an item for a student: a course learning outcome or a diverse-performance record.",
        discussion: """
        Files are judged by their content: documents PDF/JPG/PNG up to 4 MB, media MP3/MP4 up to 10 MB.
        Example: folio add 112001 --category course-outcome --term 113-1 --course PHY-11A \\
                   --description 單擺實驗報告 --file report.pdf --as KIOSK1 --key kiosk1.key
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The student number (學號).") var student: String
    @Option(help: "course-outcome, or a diverse category: cadre, competition, certificate, volunteer, self-directed, works, other, …")
    var category: String
    @Option(help: "The term, like 113-1.") var term: String
    @Option(help: "The course code (course outcomes only).") var course: String?
    @Option(help: "The short description (簡述), at most 100 characters.") var description: String
    @Option(help: "A file to upload: one document and/or one media file.") var file: [String] = []
    @Option(help: "A category field as NAME=VALUE (repeatable).") var field: [String] = []
    @Option(help: "An external media link.") var link: String?
    @Option(help: "Replace the files of this existing item instead of adding a new one.") var replace: String?

    func execute() throws(FolioError) {
        let session = try WorkspaceSession(try global.openWorkspace())
        let request = UploadRequest(student: student, category: category, term: try Parse.term(term), course: course,
                                    description: description.precomposedStringWithCanonicalMapping,
                                    fields: try Parse.fields(field), files: file, link: link, replace: replace)
        let item = try session.upload(request, actor: try global.actor(), now: try global.now())
        if global.json { Output.json(item); return }
        Output.say("Uploaded item \(item.id) for \(student): \(item.description) [\(item.status.rawValue)].")
        if item.group == .courseOutcome && item.status == .uploaded {
            Output.say("Next: the course teacher certifies it with `folio certify \(student) \(item.id)`.")
        } else if item.status == .certified {
            Output.say("The files are identical to the certified version, so the certification still holds.")
        }
    }
}

struct CertifyCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "certify", abstract: "Certify (認證) a course learning outcome: it is the student's own work for this course.",
        discussion: """
        Example: folio certify 112001 3f2a9c --as T001 --key T001.key   (a delegate adds --for T004)
        Everything waiting for you, once you have looked at it: folio certify --all --course PHY-11A --as T001 --key T001.key
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The student number.") var student: String?
    @Argument(help: "The item id (or its first characters).") var item: String?
    @Flag(help: "Certify every item waiting for you (or for whom you act with --for), in one step.") var all = false
    @Option(help: "With --all: only this course's items.") var course: String?
    @Flag(help: "With --all: list what would be certified, with each file's path, and change nothing (needs --as, not --key).")
    var dryRun = false

    func validate() throws {
        if all {
            guard student == nil else {
                throw ValidationError("Give either a student and an item, or --all, not both.")
            }
        } else {
            guard student != nil, item != nil else {
                throw ValidationError("Name the student and the item, for example `folio certify 112001 3f2a9c`, or use --all.")
            }
            guard course == nil, !dryRun else { throw ValidationError("--course and --dry-run go with --all.") }
        }
    }

    func execute() throws(FolioError) {
        let session = try WorkspaceSession(try global.openWorkspace())
        guard let student, let item else { return try certifyAll(session) }
        let view = try session.decide(student: student, item: item, certify: true, reason: nil,
                                      actor: try global.actor(), now: try global.now())
        if global.json { Output.json(view); return }
        if view.status == .conflict {
            Output.say("Recorded your certification of item \(view.id) of \(student), but another teacher returned it: it is now a conflict. Settle it together; `folio status \(student)` shows both decisions.")
            return
        }
        Output.say("Certified item \(view.id) of \(student) (\(view.description))"
                   + (global.onBehalfOf.map { " as delegate for \($0)" } ?? "") + ". The student may now select it.")
    }

    private func listAll(_ session: WorkspaceSession) throws(FolioError) {
        guard let me = global.actingAs else {
            throw FolioError(.badInput, "Say whose waiting items to list.", hint: "Add --as with your id, for example --as T001.")
        }
        let teacher = global.onBehalfOf ?? me
        let waiting = try session.waitingCertification(for: teacher, course: course, on: try global.now().taipeiDay)
        if global.json { Output.json(waiting.openItems); return }
        let scope = course.map { " in \($0)" } ?? ""
        Output.say("\(waiting.openItems.count) item(s) wait for \(teacher)'s certification\(scope); nothing was certified:")
        for c in waiting.openItems {
            Output.say("  \(c.student)  \(c.item.id)  \(c.item.term)  \(c.item.course ?? "")  \(c.item.description)")
            for f in c.item.files { Output.say("      students/\(c.student)/\(f.path)") }
        }
        for left in waiting.outsideWindow {
            Output.say("Also \(left.count) item(s) of \(left.term), whose certification window is \(left.window).")
        }
        if !waiting.open.isEmpty {
            Output.say("To certify them all: folio certify --all\(course.map { " --course \($0)" } ?? "") --as \(me)"
                       + (global.onBehalfOf.map { " --for \($0)" } ?? "") + " --key YOUR-KEY-FILE")
        }
    }

    private func certifyAll(_ session: WorkspaceSession) throws(FolioError) {
        if dryRun { return try listAll(session) }
        let actor = try global.actor()
        let outcome = try session.certifyAllWaiting(course: course, actor: actor, now: try global.now())
        if global.json { Output.json(outcome.certified); return }
        let teacher = actor.onBehalfOf ?? actor.id
        let scope = course.map { " in \($0)" } ?? ""
        if outcome.certified.isEmpty {
            Output.say("Nothing waits for \(teacher)'s certification\(scope). `folio report uncertified` lists what waits for whom;"
                       + " a delegate adds --for with the teacher's id.")
            return
        }
        Output.say("Certified \(outcome.certified.count) item(s)\(scope)"
                   + (global.onBehalfOf.map { " as delegate for \($0)" } ?? "") + ":")
        for c in outcome.certified {
            let mark = c.item.status == .conflict ? "  (another teacher returned it: now a conflict)" : ""
            Output.say("  \(c.student)  \(c.item.id)  \(c.item.term)  \(c.item.course ?? "")  \(c.item.description)\(mark)")
        }
        for left in outcome.outsideWindow {
            Output.say("Left \(left.count) item(s) of \(left.term): its certification window is \(left.window).")
        }
        Output.say("The students may now select them.")
    }
}

struct RejectCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject", abstract: "Return (退回) a course learning outcome with a reason the student can act on.",
        discussion: "Example: folio reject 112001 3f2a9c --reason 請上傳本課程的報告 --as T001 --key T001.key")

    @OptionGroup var global: GlobalOptions
    @Argument var student: String
    @Argument var item: String
    @Option(help: "Why, in words for the student.") var reason: String

    func execute() throws(FolioError) {
        let session = try WorkspaceSession(try global.openWorkspace())
        let view = try session.decide(student: student, item: item, certify: false, reason: reason,
                                      actor: try global.actor(), now: try global.now())
        if global.json { Output.json(view); return }
        Output.say("Returned item \(view.id) of \(student): \(reason). The student may upload a corrected file with --replace \(view.id).")
    }
}

struct SelectCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "select", abstract: "Select (勾選) an item for submission: at most 6 course outcomes and 10 diverse items a year.",
        discussion: "Example: folio select 112001 3f2a9c --as KIOSK1 --key kiosk1.key")

    @OptionGroup var global: GlobalOptions
    @Argument var student: String
    @Argument var item: String

    func execute() throws(FolioError) {
        let session = try WorkspaceSession(try global.openWorkspace())
        let view = try session.select(student: student, item: item, selected: true, actor: try global.actor(), now: try global.now())
        if global.json { Output.json(view); return }
        Output.say("Selected item \(view.id) of \(student) for academic year \(view.term.year).")
    }
}

struct UnselectCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "unselect", abstract: "Take an item out of the year's selection.",
        discussion: "Example: folio unselect 112001 3f2a9c --as KIOSK1 --key kiosk1.key")

    @OptionGroup var global: GlobalOptions
    @Argument var student: String
    @Argument var item: String

    func execute() throws(FolioError) {
        let session = try WorkspaceSession(try global.openWorkspace())
        let view = try session.select(student: student, item: item, selected: false, actor: try global.actor(), now: try global.now())
        if global.json { Output.json(view); return }
        Output.say("Unselected item \(view.id) of \(student).")
    }
}

struct RecordCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: "Enter office records: enrolment, grade, cadre, consultation, service-learning, reward-discipline, psych-test.",
        discussion: """
        Examples:
        One record:   folio record grade 112001 --term 113-1 --field subject=物理 --field credits=2 --field score=88 --as R01 --key R01.key
        From CSV:     folio record grade --csv grades.csv --as R01 --key R01.key   (columns 學號,學期 and the fields; one bad row refuses all)
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The kind of record.") var kind: String
    @Argument(help: "The student number (omit with --csv).") var student: String?
    @Option var term: String?
    @Option(help: "A field as NAME=VALUE (repeatable).") var field: [String] = []
    @Option(help: "Import many records from a CSV file.") var csv: String?

    func execute() throws(FolioError) {
        guard let k = Catalog.recordKind(kind) else {
            throw FolioError(.unknownCategory, "\(kind) is not a kind of office record.",
                             hint: "Use one of: \(Catalog.recordKinds.map(\.code).joined(separator: ", ")).")
        }
        let session = try WorkspaceSession(try global.openWorkspace())
        let actor = try global.actor()
        let now = try global.now()
        var rows: [(String, RecordAdded)] = []
        if let csv {
            rows = try RosterImport.records(csv, kind: k)
        } else {
            guard let student, let term else {
                throw FolioError(.badInput, "Say which student and term, or give --csv.", hint: "See `folio record --help`.")
            }
            rows = [(student, RecordAdded(kind: k.code, term: try Parse.term(term), fields: try Parse.fields(field)))]
        }
        var changes: [WorkspaceSession.StudentChange] = []
        for (number, record) in rows {
            let e = try session.sign(actor, .recordAdded, student: number, at: now, body: record)
            if let i = changes.firstIndex(where: { $0.number == number }) { changes[i].events.append(e) }
            else { changes.append(.init(number: number, events: [e])) }
        }
        try session.appendStudents(changes)
        Output.say("Recorded \(rows.count) \(k.title) record(s).")
    }
}
