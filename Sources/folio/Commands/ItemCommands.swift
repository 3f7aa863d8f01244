import ArgumentParser
import FolioCore
import FolioWorkspace

struct AddCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: Message("add.help.abstract").text(), discussion: Message("add.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("add.help.student").text())) var student: String
    @Option(help: ArgumentHelp(Message("add.help.category").text()))
    var category: String
    @Option(help: ArgumentHelp(Message("add.help.term").text())) var term: String
    @Option(help: ArgumentHelp(Message("add.help.course").text())) var course: String?
    @Option(help: ArgumentHelp(Message("add.help.description").text())) var description: String
    @Option(help: ArgumentHelp(Message("add.help.file").text())) var file: [String] = []
    @Option(help: ArgumentHelp(Message("add.help.field").text())) var field: [String] = []
    @Option(help: ArgumentHelp(Message("add.help.link").text())) var link: String?
    @Option(help: ArgumentHelp(Message("add.help.replace").text())) var replace: String?

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
        Output.say(Message("add.done", ["item": item.id, "student": student, "description": item.description,
                                        "status": Message("status.item." + item.status.rawValue)]))
        if item.group == .courseOutcome && item.status == .uploaded {
            Output.say(Message("add.next.certify", ["student": student, "item": item.id]))
        } else if item.status == .certified {
            Output.say(Message("add.stillCertified"))
        }
    }
}

struct RejectCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject", abstract: Message("reject.help.abstract").text(), discussion: Message("reject.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("add.help.student").text())) var student: String
    @Argument(help: ArgumentHelp(Message("certify.help.item").text())) var item: String
    @Option(help: ArgumentHelp(Message("reject.help.reason").text())) var reason: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let view = try session.decide(student: student, item: item, certify: false, reason: reason,
                                      actor: try global.actor(), now: try global.now())
        if global.json { Output.json(view); return }
        Output.say(Message("reject.done", ["item": view.id, "student": student, "reason": reason]))
    }
}

struct SelectCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "select", abstract: Message("select.help.abstract").text(), discussion: Message("select.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("add.help.student").text())) var student: String
    @Argument(help: ArgumentHelp(Message("certify.help.item").text())) var item: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let view = try session.select(student: student, item: item, selected: true, actor: try global.studentActor(student, session: session), now: try global.now())
        if global.json { Output.json(view); return }
        Output.say(Message("select.done", ["item": view.id, "student": student, "year": "\(view.term.year)"]))
    }
}

struct UnselectCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "unselect", abstract: Message("unselect.help.abstract").text(), discussion: Message("unselect.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("add.help.student").text())) var student: String
    @Argument(help: ArgumentHelp(Message("certify.help.item").text())) var item: String

    func execute() throws(FolioError) {
        let session = try global.session()
        let view = try session.select(student: student, item: item, selected: false, actor: try global.studentActor(student, session: session), now: try global.now())
        if global.json { Output.json(view); return }
        Output.say(Message("unselect.done", ["item": view.id, "student": student]))
    }
}

struct RecordCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: Message("record.help.abstract").text(), discussion: Message("record.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("record.help.kind").text())) var kind: String
    @Argument(help: ArgumentHelp(Message("record.help.student").text())) var student: String?
    @Option(help: ArgumentHelp(Message("add.help.term").text())) var term: String?
    @Option(help: ArgumentHelp(Message("record.help.field").text())) var field: [String] = []
    @Option(help: ArgumentHelp(Message("record.help.csv").text())) var csv: String?
    @Option(help: ArgumentHelp(Message("table.help.sheet").text())) var sheet: String?

    func execute() throws(FolioError) {
        let k = try CategoryInput.recordKind(kind)
        let session = try global.session()
        let actor = try global.actor()
        let now = try global.now()
        var rows: [(String, RecordAdded)] = []
        if let csv {
            rows = try RosterImport.records(csv, sheet: sheet, kind: k)
        } else {
            guard let student, let term else {
                throw FolioError(.badInput, "record.whichStudent")
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
        Output.say(Message("record.done", ["count": rows.count, "kind": k.title]))
    }
}
