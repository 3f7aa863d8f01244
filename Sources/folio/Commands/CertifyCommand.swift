import ArgumentParser
import FolioCore
import FolioWorkspace

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
    @Option(help: "With --all: only this course's items; its code, or its name when no other course has it (PHY-11A or 物理).")
    var course: String?
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
        let session = try global.session()
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

    /// The code of the course --course names, among every term's courses: --all is not limited to one term.
    private func courseCode(_ session: WorkspaceSession) throws(FolioError) -> String? {
        guard let course else { return nil }
        return try CourseInput.code(course, term: nil, courses: session.school.courses)
    }

    private func listAll(_ session: WorkspaceSession) throws(FolioError) {
        guard let me = global.actingAs else {
            throw FolioError(.badInput, "Say whose waiting items to list.", hint: "Add --as with your id, for example --as T001.")
        }
        let teacher = global.onBehalfOf ?? me
        let course = try courseCode(session)
        let waiting = try session.waitingCertification(for: teacher, course: course, delegate: global.onBehalfOf != nil,
                                                       on: try global.now().taipeiDay)
        struct Listing: Encodable { var waiting: [CertifiedItem]; var left: [WaitingItemLeft] }
        if global.json { Output.json(Listing(waiting: waiting.openItems, left: waiting.left)); return }
        let scope = course.map { " in \($0)" } ?? ""
        Output.say("Ready to certify for \(teacher)\(scope): \(waiting.openItems.count) item(s). Nothing was certified (--dry-run).")
        for c in waiting.openItems {
            Output.say(line(c.student, c.item))
            for f in c.item.files { Output.say("      students/\(c.student)/\(f.path)") }
        }
        sayLeft(waiting.left)
        if !waiting.open.isEmpty {
            Output.say("To certify them all: folio certify --all\(course.map { " --course \($0)" } ?? "") --as \(me)"
                       + (global.onBehalfOf.map { " --for \($0)" } ?? "") + " --key YOUR-KEY-FILE")
        }
    }

    private func certifyAll(_ session: WorkspaceSession) throws(FolioError) {
        if dryRun { return try listAll(session) }
        let course = try courseCode(session)
        let actor = try global.actor()
        let outcome = try session.certifyAllWaiting(course: course, actor: actor, now: try global.now())
        if global.json { Output.json(outcome); return }
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
            Output.say(line(c.student, c.item))
        }
        Output.say("The students may now select them.")
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
            Output.say("Not certified, \(g.items.count) item(s). \(g.why) \(g.hint)")
            for l in g.items { Output.say(line(l.student, l.item)) }
        }
    }
}
