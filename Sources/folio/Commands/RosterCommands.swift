import ArgumentParser
import FolioCore
import FolioWorkspace

struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster", abstract: "Import students, staff or courses from the school administration system's CSV.",
        subcommands: [RosterImportCommand.self])
}

struct RosterImportCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Show what a CSV (UTF-8 with or without BOM, or Big5) would change; write it with --apply. One bad row refuses the whole file.",
        discussion: """
        Without --apply nothing is written: folio lists new entries, changed names, changed national IDs (masked),
        other changed fields, and enrolled students the file leaves out (they are only reported, never withdrawn).
        Run the same command again with --apply to make the changes, all in one step.
        students: 學號,姓名,身分證號,出生日期,班級,年級,通訊地址,狀態,原就讀學校 (registration 註冊組)
        staff:    職員編號,姓名,處室,狀態 (root key)
        courses:  課程代碼,課程名稱,學期,授課教師,審核教師 (instruction 教學組)
        Example: folio roster import students students.csv --as R01 --key R01.key --apply
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "students, staff or courses.") var kind: String
    @Argument var file: String
    @Flag(help: "Make the changes. Without it, folio only shows what the file would change.") var apply = false

    func execute() throws(FolioError) {
        guard let which = RosterImport.Kind(rawValue: kind) else {
            throw FolioError(.badInput, "\(kind) is not students, staff or courses.", hint: "Say which roster the file holds.")
        }
        // Only a run that writes takes the workspace's lock and a key; a dry run reads like `status`.
        let session = apply ? try global.session() : nil
        let actor = apply ? try global.actor() : nil
        let workspace: Workspace
        if let session { workspace = session.workspace } else { workspace = try global.openWorkspace() }
        let school = session?.school ?? workspace.school()
        switch which {
        case .students:
            let roster = try StudentRoster.plan(file, workspace: workspace, school: school)
            if let session, let actor, !roster.changesNothing { try session.register(roster, actor: actor, at: try global.now()) }
            RosterReport.students(roster, applied: apply, json: global.json)
        case .staff:
            let now = try global.now()
            let rows = try RosterImport.staff(file, existing: school, today: now.taipeiDay)
            if let session, let actor, !rows.changesNothing {
                var events: [StoredEvent] = []
                for entry in rows.added + rows.changed {
                    let row = entry.value
                    if row.writesPrincipal { events.append(try session.sign(actor, .staffSet, at: now, body: row.principal)) }
                    if let status = row.status {
                        events.append(try session.sign(actor, .staffAvailability, at: now,
                                                       body: Availability(id: row.principal.id, status: status, from: now.taipeiDay)))
                    }
                }
                try session.appendSchool(events)
            }
            RosterReport.entries(rows, kind: "staff", noun: ("staff member", "staff"), applied: apply, json: global.json) { row in
                StaffRow.list(row.principal.offices)
            }
        case .courses:
            let courses = try RosterImport.courses(file, existing: school)
            if let session, let actor, !courses.changesNothing {
                let now = try global.now()
                var events: [StoredEvent] = []
                for entry in courses.added + courses.changed { events.append(try session.sign(actor, .courseSet, at: now, body: entry.value)) }
                try session.appendSchool(events)
            }
            RosterReport.entries(courses, kind: "courses", noun: ("course", "courses"), applied: apply, json: global.json) { course in
                "certified by " + course.certifiers.joined(separator: ", ")
            }
        }
    }
}

/// What `roster import` prints: the changes a file makes, by kind, with national IDs masked.
enum RosterReport {
    struct JSON: Encodable {
        struct Entry: Encodable {
            var line: Int?
            var id: String
            var name: String
            var changes: [String]?
        }

        var file: String
        var kind: String
        var applied: Bool
        var rows: Int
        var added: [Entry]
        var changed: [Entry]
        var unchanged: Int
        var missing: [Entry]?
    }

    static func students(_ r: StudentRoster, applied: Bool, json: Bool) {
        func change(_ c: StudentRoster.Change, _ fields: [StudentRoster.Field]) -> [String] {
            fields.filter(c.fields.contains).map { f in
                if let from = f.shown(c.old), let to = f.shown(c.new) { return "\(f.label) \(from.isEmpty ? "(none)" : from) → \(to.isEmpty ? "(none)" : to)" }
                return "\(f.label) changed"
            }
        }
        if json {
            Output.json(JSON(file: r.file, kind: "students", applied: applied && !r.changesNothing, rows: r.rows,
                             added: r.added.map { .init(line: $0.line, id: $0.record.number, name: $0.record.name, changes: nil) },
                             changed: r.changed.map { .init(line: $0.line, id: $0.new.number, name: $0.new.name, changes: change($0, StudentRoster.Field.allCases)) },
                             unchanged: r.unchanged,
                             missing: r.missing.map { .init(line: nil, id: $0.number, name: $0.name, changes: nil) }))
            return
        }
        Output.say("Read \(r.file) (\(r.encoding.rawValue)): \(studentCount(r.rows)).")
        func section(_ title: String, _ lines: [String]) {
            guard !lines.isEmpty else { return }
            Output.say("\(title) (\(lines.count)):")
            for line in lines { Output.say("  " + line) }
        }
        func place(_ s: StudentRecord) -> String { "class \(s.className), grade \(s.grade)" }
        section("New students", r.added.map { "line \($0.line)  \($0.record.number)  \($0.record.name)  \(place($0.record))" })
        section("Changed names (姓名)", r.changed.filter { $0.fields.contains(.name) }.map {
            "line \($0.line)  \($0.new.number)  \($0.old.name) → \($0.new.name)"
        })
        section("Changed national IDs (身分證號)", r.changed.filter { $0.fields.contains(.nationalID) }.map {
            "line \($0.line)  \($0.new.number)  \($0.new.name)  \(StudentRoster.Field.nationalID.shown($0.old)!) → \(StudentRoster.Field.nationalID.shown($0.new)!)"
        })
        let others = StudentRoster.Field.allCases.filter { $0 != .name && $0 != .nationalID }
        section("Other changes", r.changed.filter { !Set($0.fields).isDisjoint(with: others) }.map {
            "line \($0.line)  \($0.new.number)  \($0.new.name)  " + change($0, others).joined(separator: "; ")
        })
        if r.missing.count > r.rows {
            // Fewer rows than students left out: a file of changes, not the whole roster. Listing every other
            // student would hide what the file does.
            Output.say("\(studentCount(r.missing.count)) enrolled (在學) \(r.missing.count == 1 ? "is" : "are") not in the file, which lists fewer students than it leaves out (a file of changes): only reported, they stay enrolled. `--json` lists them.")
        } else if !r.missing.isEmpty {
            Output.say("Enrolled students missing from the file (\(r.missing.count)), only reported: they stay enrolled (在學).")
            for s in r.missing { Output.say("  \(s.number)  \(s.name)  \(place(s))") }
            Output.say("  To record that a student left, give them a status (狀態) such as 離校, 畢業 or 轉出 in the file.")
        }
        if r.changesNothing {
            Output.say("No changes: \(r.unchanged == 1 ? "the student" : "all \(r.unchanged) students") in \(r.file) \(r.unchanged == 1 ? "is" : "are") registered exactly as the file says. Nothing was written.")
            return
        }
        Output.say("Unchanged: \(r.unchanged).")
        let new = "\(r.added.count) new \(r.added.count == 1 ? "student" : "students")"
        let changed = "\(studentCount(r.changed.count)) changed"
        if applied {
            let done = [r.added.isEmpty ? nil : new + " registered", r.changed.isEmpty ? nil : changed].compactMap { $0 }
            Output.say("Done, in one step: " + done.joined(separator: " and ") + ".")
        } else {
            let todo = [r.added.isEmpty ? nil : "register " + new, r.changed.isEmpty ? nil : "change " + studentCount(r.changed.count)].compactMap { $0 }
            Output.say("Nothing was written (a dry run). To " + todo.joined(separator: " and ") + ", run the same command again with --apply.")
        }
    }

    private static func studentCount(_ n: Int) -> String { n == 1 ? "1 student" : "\(n) students" }

    static func entries<Value>(_ r: RosterChanges<Value>, kind: String, noun: (one: String, many: String), applied: Bool, json: Bool,
                               describe: (Value) -> String) {
        if json {
            Output.json(JSON(file: r.file, kind: kind, applied: applied && !r.changesNothing, rows: r.rows,
                             added: r.added.map { .init(line: $0.line, id: $0.id, name: $0.title, changes: nil) },
                             changed: r.changed.map { .init(line: $0.line, id: $0.id, name: $0.title, changes: $0.changes) },
                             unchanged: r.unchanged, missing: nil))
            return
        }
        func plural(_ n: Int) -> String { "\(n) \(n == 1 ? noun.one : noun.many)" }
        Output.say("Read \(r.file): \(plural(r.rows)).")
        if !r.added.isEmpty {
            Output.say("New (\(r.added.count)):")
            for e in r.added { Output.say("  line \(e.line)  \(e.id)  \(e.title)  \(describe(e.value))") }
        }
        if !r.changed.isEmpty {
            Output.say("Changed (\(r.changed.count)):")
            for e in r.changed { Output.say("  line \(e.line)  \(e.id)  \(e.title)  " + e.changes.joined(separator: "; ")) }
        }
        if r.changesNothing {
            Output.say("No changes: every \(noun.one) in \(r.file) is recorded exactly as the file gives it. Nothing was written.")
            return
        }
        Output.say("Unchanged: \(r.unchanged).")
        if applied {
            Output.say("Done, in one step: \(r.added.count) new, \(r.changed.count) changed.")
        } else {
            Output.say("Nothing was written (a dry run): \(r.added.count) new, \(r.changed.count) changed. To record them, run the same command again with --apply.")
        }
    }
}
