import ArgumentParser
import FolioCore
import FolioWorkspace

struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster", abstract: Message("roster.help.abstract").text(),
        subcommands: [RosterImportCommand.self])
}

struct RosterImportCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: Message("roster.import.help.abstract").text(),
        discussion: Message("roster.import.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(Message("roster.import.help.kind").text())) var kind: String
    @Argument var file: String
    @Flag(help: ArgumentHelp(Message("roster.import.help.apply").text())) var apply = false
    @Option(help: ArgumentHelp(Message("table.help.sheet").text())) var sheet: String?

    func execute() throws(FolioError) {
        guard let which = RosterImport.Kind(rawValue: kind) else {
            throw FolioError(.badInput, "roster.import.unknownKind", ["kind": kind])
        }
        // Only a run that writes takes the workspace's lock and a key; a dry run reads like `status`.
        let session = apply ? try global.session() : nil
        let actor = apply ? try global.actor() : nil
        let workspace: Workspace
        if let session { workspace = session.workspace } else { workspace = try global.openWorkspace() }
        let school = session?.school ?? workspace.school()
        switch which {
        case .students:
            let roster = try StudentRoster.plan(file, sheet: sheet, workspace: workspace, school: school)
            if let session, let actor, !roster.changesNothing { try session.register(roster, actor: actor, at: try global.now()) }
            RosterReport.students(roster, applied: apply, json: global.json)
        case .staff:
            let now = try global.now()
            let rows = try RosterImport.staff(file, sheet: sheet, existing: school, today: now.taipeiDay)
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
            RosterReport.entries(rows, kind: "staff", nouns: RosterReport.staffNouns, applied: apply, json: global.json) { row in
                StaffRow.list(row.principal.offices).text()
            }
        case .courses:
            let courses = try RosterImport.courses(file, sheet: sheet, existing: school)
            if let session, let actor, !courses.changesNothing {
                let now = try global.now()
                var events: [StoredEvent] = []
                for entry in courses.added + courses.changed { events.append(try session.sign(actor, .courseSet, at: now, body: entry.value)) }
                try session.appendSchool(events)
            }
            RosterReport.entries(courses, kind: "courses", nouns: RosterReport.courseNouns, applied: apply, json: global.json) { course in
                Message("roster.courses.certifiedBy", ["certifiers": course.certifiers.joined(separator: ", ")]).text()
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
        /// The sheet read, for a workbook.
        var sheet: String?
        var kind: String
        var applied: Bool
        var rows: Int
        var added: [Entry]
        var changed: [Entry]
        var unchanged: Int
        var missing: [Entry]?
    }

    static func students(_ r: StudentRoster, applied: Bool, json: Bool) {
        func change(_ c: StudentRoster.Change, _ fields: [StudentRoster.Field]) -> [Message] {
            fields.filter(c.fields.contains).map { f in
                if let from = f.shown(c.old), let to = f.shown(c.new) {
                    func shown(_ s: String) -> any MessageValue { s.isEmpty ? Message("roster.change.none") : s }
                    return Message("roster.change.field", ["field": f.label, "from": shown(from), "to": shown(to)])
                }
                return Message("roster.change.changed", ["field": f.label])
            }
        }
        if json {
            // Scripts read the same words whatever language folio speaks.
            Output.json(JSON(file: r.file.name, sheet: r.file.sheet, kind: "students", applied: applied && !r.changesNothing, rows: r.rows,
                             added: r.added.map { .init(line: $0.line, id: $0.record.number, name: $0.record.name, changes: nil) },
                             changed: r.changed.map { .init(line: $0.line, id: $0.new.number, name: $0.new.name,
                                                            changes: change($0, StudentRoster.Field.allCases).map { $0.text(.en) }) },
                             unchanged: r.unchanged,
                             missing: r.missing.map { .init(line: nil, id: $0.number, name: $0.name, changes: nil) }))
            return
        }
        Output.say(r.file.sheet == nil
            ? Message("roster.read.encoding", ["file": r.file, "encoding": r.encoding.rawValue, "count": studentCount(r.rows)])
            : Message("roster.read", ["file": r.file, "count": studentCount(r.rows)]))
        func section(_ title: Message, _ lines: [Message]) {
            guard !lines.isEmpty else { return }
            Output.say(title)
            for line in lines { Output.say(.verbatim("  " + line.text())) }
        }
        func place(_ s: StudentRecord) -> Message { Message("roster.place", ["class": s.className, "grade": s.grade]) }
        section(Message("roster.students.added", ["count": r.added.count]), r.added.map {
            Message("roster.line", ["line": $0.line, "id": $0.record.number, "name": $0.record.name, "detail": place($0.record)])
        })
        let renamed = r.changed.filter { $0.fields.contains(.name) }
        section(Message("roster.students.renamed", ["count": renamed.count]), renamed.map {
            Message("roster.line.short", ["line": $0.line, "id": $0.new.number, "detail": "\($0.old.name) → \($0.new.name)"])
        })
        let newIDs = r.changed.filter { $0.fields.contains(.nationalID) }
        section(Message("roster.students.newIDs", ["count": newIDs.count]), newIDs.map {
            Message("roster.line", ["line": $0.line, "id": $0.new.number, "name": $0.new.name,
                                    "detail": "\(StudentRoster.Field.nationalID.shown($0.old)!) → \(StudentRoster.Field.nationalID.shown($0.new)!)"])
        })
        let others = StudentRoster.Field.allCases.filter { $0 != .name && $0 != .nationalID }
        let otherChanges = r.changed.filter { !Set($0.fields).isDisjoint(with: others) }
        section(Message("roster.students.otherChanges", ["count": otherChanges.count]), otherChanges.map {
            Message("roster.line", ["line": $0.line, "id": $0.new.number, "name": $0.new.name,
                                    "detail": change($0, others).map { $0.text() }.joined(separator: Message("roster.change.separator").text())])
        })
        if r.missing.count > r.rows {
            // Fewer rows than students left out: a file of changes, not the whole roster. Listing every other
            // student would hide what the file does.
            Output.say(r.missing.count == 1 ? Message("roster.students.missingMany.one")
                : Message("roster.students.missingMany", ["count": r.missing.count]))
        } else if !r.missing.isEmpty {
            Output.say(Message("roster.students.missing", ["count": r.missing.count]))
            for s in r.missing { Output.say(.verbatim("  \(s.number)  \(s.name)  \(place(s).text())")) }
            Output.say(Message("roster.students.howToLeave"))
        }
        if r.changesNothing {
            Output.say(r.unchanged == 1 ? Message("roster.students.noChanges.one", ["file": r.file])
                : Message("roster.students.noChanges", ["file": r.file, "count": r.unchanged]))
            return
        }
        Output.say(Message("roster.unchanged", ["count": r.unchanged]))
        let new: Message = r.added.count == 1 ? Message("roster.students.newCount.one") : Message("roster.students.newCount", ["count": r.added.count])
        let values: [String: any MessageValue] = ["new": new, "changed": studentCount(r.changed.count)]
        switch (applied, r.added.isEmpty, r.changed.isEmpty) {
        case (true, false, true): Output.say(Message("roster.students.done.added", values))
        case (true, true, false): Output.say(Message("roster.students.done.changed", values))
        case (true, _, _): Output.say(Message("roster.students.done.both", values))
        case (false, false, true): Output.say(Message("roster.students.dryRun.added", values))
        case (false, true, false): Output.say(Message("roster.students.dryRun.changed", values))
        case (false, _, _): Output.say(Message("roster.students.dryRun.both", values))
        }
    }

    private static func studentCount(_ n: Int) -> Message {
        n == 1 ? Message("roster.students.count.one") : Message("roster.students.count", ["count": n])
    }

    /// What a staff or course file holds, for `entries`: how many there are, and the line when nothing changes.
    struct Nouns: Sendable {
        let count: @Sendable (Int) -> Message
        let noChanges: @Sendable (ImportFile) -> Message
    }

    static let staffNouns = Nouns(
        count: { $0 == 1 ? Message("roster.staff.count.one") : Message("roster.staff.count", ["count": $0]) },
        noChanges: { Message("roster.staff.noChanges", ["file": $0]) })
    static let courseNouns = Nouns(
        count: { $0 == 1 ? Message("roster.courses.count.one") : Message("roster.courses.count", ["count": $0]) },
        noChanges: { Message("roster.courses.noChanges", ["file": $0]) })

    static func entries<Value>(_ r: RosterChanges<Value>, kind: String, nouns: Nouns, applied: Bool, json: Bool,
                               describe: (Value) -> String) {
        if json {
            Output.json(JSON(file: r.file.name, sheet: r.file.sheet, kind: kind, applied: applied && !r.changesNothing, rows: r.rows,
                             added: r.added.map { .init(line: $0.line, id: $0.id, name: $0.title, changes: nil) },
                             changed: r.changed.map { .init(line: $0.line, id: $0.id, name: $0.title, changes: $0.changes.map { $0.text(.en) }) },
                             unchanged: r.unchanged, missing: nil))
            return
        }
        Output.say(Message("roster.read", ["file": r.file, "count": nouns.count(r.rows)]))
        if !r.added.isEmpty {
            Output.say(Message("roster.added", ["count": r.added.count]))
            for e in r.added {
                Output.say(.verbatim("  " + Message("roster.line", ["line": e.line, "id": e.id, "name": e.title, "detail": describe(e.value)]).text()))
            }
        }
        if !r.changed.isEmpty {
            Output.say(Message("roster.changed", ["count": r.changed.count]))
            for e in r.changed {
                Output.say(.verbatim("  " + Message("roster.line", ["line": e.line, "id": e.id, "name": e.title,
                                                                    "detail": e.changes.map { $0.text() }.joined(separator: "; ")]).text()))
            }
        }
        if r.changesNothing {
            Output.say(nouns.noChanges(r.file))
            return
        }
        Output.say(Message("roster.unchanged", ["count": r.unchanged]))
        let values: [String: any MessageValue] = ["added": r.added.count, "changed": r.changed.count]
        Output.say(applied ? Message("roster.done", values) : Message("roster.dryRun", values))
    }
}
