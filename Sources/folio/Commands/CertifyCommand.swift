import ArgumentParser
import FolioCore
import FolioWorkspace

struct CertifyCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "certify", abstract: Message("certify.help.abstract").text(),
        discussion: Message("certify.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("certify.help.student").text())) var student: String?
    @Argument(help: ArgumentHelp(Message("certify.help.item").text())) var item: String?
    @Flag(help: ArgumentHelp(Message("certify.help.all").text())) var all = false
    @Option(help: ArgumentHelp(Message("certify.help.course").text()))
    var course: String?
    @Flag(help: ArgumentHelp(Message("certify.help.dryRun").text()))
    var dryRun = false

    func validate() throws {
        if all {
            guard student == nil else {
                throw ValidationError(Message("certify.usage.both").text())
            }
        } else {
            guard student != nil, item != nil else {
                throw ValidationError(Message("certify.usage.none").text())
            }
            guard course == nil, !dryRun else { throw ValidationError(Message("certify.usage.allOnly").text()) }
        }
    }

    func execute() throws(FolioError) {
        let session = try global.session()
        guard let student, let item else { return try certifyAll(session) }
        let view = try session.decide(student: student, item: item, certify: true, reason: nil,
                                      actor: try global.actor(), now: try global.now())
        if global.json { Output.json(view); return }
        if view.status == .conflict {
            Output.say(Message("certify.conflict", ["item": view.id, "student": student]))
            return
        }
        if let principal = global.onBehalfOf {
            Output.say(Message("certify.done.delegate", ["item": view.id, "student": student, "description": view.description, "for": principal]))
        } else {
            Output.say(Message("certify.done", ["item": view.id, "student": student, "description": view.description]))
        }
    }

    /// The code of the course --course names, among every term's courses: --all is not limited to one term.
    private func courseCode(_ session: WorkspaceSession) throws(FolioError) -> String? {
        guard let course else { return nil }
        return try CourseInput.code(course, term: nil, courses: session.school.courses)
    }

    private func listAll(_ session: WorkspaceSession) throws(FolioError) {
        guard let me = global.actingAs else {
            throw FolioError(.badInput, "certify.list.whose")
        }
        let teacher = global.onBehalfOf ?? me
        let course = try courseCode(session)
        let waiting = try session.waitingCertification(for: teacher, course: course, delegate: global.onBehalfOf != nil,
                                                       on: try global.now().taipeiDay)
        struct Listing: Encodable { var waiting: [CertifiedItem]; var left: [WaitingItemLeft] }
        if global.json { Output.json(Listing(waiting: waiting.openItems, left: waiting.left)); return }
        let count = waiting.openItems.count
        Output.say(course.map { Message("certify.list.readyIn", ["teacher": teacher, "course": $0, "count": count]) }
                   ?? Message("certify.list.ready", ["teacher": teacher, "count": count]))
        for c in waiting.openItems {
            Output.say(line(c.student, c.item))
            for f in c.item.files { Output.say(.verbatim("      students/\(c.student)/\(f.path)")) }
        }
        sayLeft(waiting.left)
        if !waiting.open.isEmpty {
            let command = "folio certify --all\(course.map { " --course \($0)" } ?? "") --as \(me)"
                + (global.onBehalfOf.map { " --for \($0)" } ?? "")
            Output.say(Message("certify.list.next", ["command": command]))
        }
    }

    private func certifyAll(_ session: WorkspaceSession) throws(FolioError) {
        if dryRun { return try listAll(session) }
        let course = try courseCode(session)
        let actor = try global.actor()
        let outcome = try session.certifyAllWaiting(course: course, actor: actor, now: try global.now())
        if global.json { Output.json(outcome); return }
        let teacher = actor.onBehalfOf ?? actor.id
        if outcome.certified.isEmpty {
            Output.say(course.map { Message("certify.all.noneIn", ["teacher": teacher, "course": $0]) }
                       ?? Message("certify.all.none", ["teacher": teacher]))
            return
        }
        let count = outcome.certified.count
        switch (course, global.onBehalfOf) {
        case (let c?, let p?): Output.say(Message("certify.all.doneInDelegate", ["count": count, "course": c, "for": p]))
        case (let c?, nil): Output.say(Message("certify.all.doneIn", ["count": count, "course": c]))
        case (nil, let p?): Output.say(Message("certify.all.doneDelegate", ["count": count, "for": p]))
        case (nil, nil): Output.say(Message("certify.all.done", ["count": count]))
        }
        for c in outcome.certified {
            Output.say(line(c.student, c.item))
        }
        Output.say(Message("certify.all.mayNowSelect"))
        sayLeft(outcome.left)
    }

    private func line(_ student: String, _ item: ItemView) -> String {
        "  \(student)  \(item.id)  \(item.term)  \(item.course ?? "")  \(item.description)"
    }

    /// What waits but could not be certified, grouped by why, each group with what to do.
    private func sayLeft(_ left: [WaitingItemLeft]) {
        var groups: [(why: String, hint: String, items: [WaitingItemLeft])] = []
        for l in left {
            if let i = groups.firstIndex(where: { $0.why == l.why }) { groups[i].items.append(l) } else { groups.append((l.why, l.hint, [l])) }
        }
        for g in groups {
            Output.say(Message("certify.left", ["count": g.items.count, "why": g.why, "hint": g.hint]))
            for l in g.items { Output.say(line(l.student, l.item)) }
        }
    }
}
