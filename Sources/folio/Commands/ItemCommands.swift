import ArgumentParser
import FolioCore
import FolioWorkspace

struct AddCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Upload an item for a student: a course learning outcome or a diverse-performance record.",
        discussion: """
        Files are judged by their content: documents PDF/JPG/PNG up to 4 MB, media MP3/MP4 up to 10 MB.
        Example: folio add 112001 --category 課程學習成果 --term 113學年度第1學期 --course 物理 \\
                   --description 單擺實驗報告 --file report.pdf
        (the same as --category course-outcome --term 113-1 --course PHY-11A)
        (folio asks for the student's secret, printed on their slip from the registration section 註冊組)
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The student number (學號).") var student: String
    @Option(help: "類別，例如 課程學習成果 或 course-outcome; 幹部經歷 (cadre), 競賽參與 (competition), 檢定證照 (certificate), 志工服務 (volunteer), 自主學習 (self-directed), 作品成果 (works), 其他多元表現 (other), …")
    var category: String
    @Option(help: "學期，例如 113-1 或 113學年度第1學期.") var term: String
    @Option(help: "課程 (course outcomes only): its code, or its name when no other course of the term has it, e.g. PHY-11A or 物理.") var course: String?
    @Option(help: "The short description (簡述), at most 100 characters.") var description: String
    @Option(help: "A file to upload: one document and/or one media file.") var file: [String] = []
    @Option(help: "A category field as NAME=VALUE (repeatable).") var field: [String] = []
    @Option(help: "An external media link.") var link: String?
    @Option(help: "Replace the files of this existing item instead of adding a new one.") var replace: String?

    func execute() throws(FolioError) {
        let category = try CategoryInput.category(category)
        let term = try TermInput.parse(term)
        let session = try global.session()
        var course = course
        // Only a course outcome's course is checked against the term's courses; a diverse item keeps it as typed.
        if category.group == .courseOutcome, let typed = course {
            course = try CourseInput.code(typed, term: term, courses: session.school.courses)
        }
        let request = UploadRequest(student: student, category: category.code, term: term, course: course,
                                    description: description.precomposedStringWithCanonicalMapping,
                                    fields: try Parse.fields(field), files: file, link: link, replace: replace)
        let item = try session.upload(request, actor: try global.studentActor(student, session: session), now: try global.now())
        if global.json { Output.json(item); return }
        Output.say("Uploaded item \(item.id) for \(student): \(item.description) [\(item.status.rawValue)].")
        if item.group == .courseOutcome && item.status == .uploaded {
            Output.say("Next: the course teacher certifies it with `folio certify \(student) \(item.id)`.")
        } else if item.status == .certified {
            Output.say("The files are identical to the certified version, so the certification still holds.")
        }
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
        let session = try global.session()
        let view = try session.decide(student: student, item: item, certify: false, reason: reason,
                                      actor: try global.actor(), now: try global.now())
        if global.json { Output.json(view); return }
        Output.say("Returned item \(view.id) of \(student): \(reason). The student may upload a corrected file with --replace \(view.id).")
    }
}

struct SelectCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "select", abstract: "Select (勾選) an item for submission: at most 6 course outcomes and 10 diverse items a year.",
        discussion: "Example: folio select 112001 3f2a9c   (folio asks for the student's secret)")

    @OptionGroup var global: GlobalOptions
    @Argument var student: String
    @Argument var item: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let view = try session.select(student: student, item: item, selected: true, actor: try global.studentActor(student, session: session), now: try global.now())
        if global.json { Output.json(view); return }
        Output.say("Selected item \(view.id) of \(student) for academic year \(view.term.year).")
    }
}

struct UnselectCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "unselect", abstract: "Take an item out of the year's selection.",
        discussion: "Example: folio unselect 112001 3f2a9c   (folio asks for the student's secret)")

    @OptionGroup var global: GlobalOptions
    @Argument var student: String
    @Argument var item: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let view = try session.select(student: student, item: item, selected: false, actor: try global.studentActor(student, session: session), now: try global.now())
        if global.json { Output.json(view); return }
        Output.say("Unselected item \(view.id) of \(student).")
    }
}

struct RecordCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: "Enter office records: 學籍資料 (enrolment), 學業成績 (grade), 幹部紀錄 (cadre), 課程諮詢紀錄 (consultation), 服務學習 (service-learning), 獎懲紀錄 (reward-discipline), 心理測驗 (psych-test).",
        discussion: """
        Examples:
        One record:   folio record grade 112001 --term 113-1 --field subject=物理 --field credits=2 --field score=88 --as R01 --key R01.key
        From CSV:     folio record grade --csv grades.csv --as R01 --key R01.key   (columns 學號,學期 and the fields; one bad row refuses all)
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "紀錄種類，例如 學業成績 或 grade.") var kind: String
    @Argument(help: "The student number (omit with --csv).") var student: String?
    @Option(help: "學期，例如 113-1 或 113學年度第1學期.") var term: String?
    @Option(help: "A field as NAME=VALUE (repeatable).") var field: [String] = []
    @Option(help: "Import many records from a CSV file.") var csv: String?

    func execute() throws(FolioError) {
        let k = try CategoryInput.recordKind(kind)
        let session = try global.session()
        let actor = try global.actor()
        let now = try global.now()
        var rows: [(String, RecordAdded)] = []
        if let csv {
            rows = try RosterImport.records(csv, kind: k)
        } else {
            guard let student, let term else {
                throw FolioError(.badInput, "Say which student and term, or give --csv.", hint: "See `folio record --help`.")
            }
            rows = [(student, RecordAdded(kind: k.code, term: try TermInput.parse(term), fields: try Parse.fields(field)))]
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
