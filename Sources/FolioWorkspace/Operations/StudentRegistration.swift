import FolioCore
import Foundation

extension WorkspaceSession {
    /// How many students are signed, folded and staged at a time by `register`.
    static let registrationBatch = 256

    /// Registers a checked roster's new and changed students (`StudentRoster`) in one transaction: for each, a
    /// `student.set` record when who they are at school changes (number, name, class, grade, status) and a
    /// `student.personal` record when their national ID, birth date, address or postal code does, made by `actor`. Like
    /// `appendStudents`, every record must pass the fold's
    /// rules and nothing lands unless all of it does; unlike it, students are signed, folded and staged a batch
    /// at a time, each record and manifest written into the transaction as soon as it is made, so a whole
    /// school's roster never holds its records or views in memory at once. Returns how many records it wrote.
    @discardableResult
    public func register(_ roster: StudentRoster, actor: Actor, at now: Instant) throws(FolioError) -> Int {
        let personalFields: Set<StudentRoster.Field> = [.nationalID, .birthDate, .address, .postalCode]
        let entries = (roster.added.map { ($0.line, $0.record, true, true) }
                       + roster.changed.map { ($0.line, $0.new, $0.fields.contains { !personalFields.contains($0) },
                                               $0.fields.contains { personalFields.contains($0) }) })
            .sorted { $0.0 < $1.0 }
        let records = entries.map(\.1)
        guard !records.isEmpty else { return 0 }
        for r in records {
            try Self.checkStudentNumber(r.number)
            if let sealed = school.archived(r.number) {
                throw FolioError(.badInput, "student.sealed", ["number": r.number, "sealed": "\(sealed.sealed.sealed)"])
            }
        }
        let txn = try Transaction(root: workspace.root)
        do throws(FolioError) {
            var start = 0
            while start < records.count {
                let batch = entries[start..<min(start + Self.registrationBatch, entries.count)]
                start += batch.count
                var signed: [(number: String, existing: [StoredEvent], events: [StoredEvent])] = []
                for (_, r, atSchool, personal) in batch {
                    let existing = workspace.studentEvents(r.number)
                    var made: [StoredEvent] = []
                    if atSchool {
                        made.append(try sign(actor, .studentSet, student: r.number, at: now, body: r.atSchool, after: existing))
                    }
                    if personal, let part = r.personal {
                        made.append(try sign(actor, .studentPersonal, student: r.number, at: now, body: part, after: existing + made))
                    }
                    signed.append((r.number, existing, made))
                }
                let folds = Self.admitAll(signed.map { ($0.number, $0.events) }, existing: signed.map(\.existing),
                                          workspace: workspace, school: school)
                for (s, result) in zip(signed, folds) {
                    let (added, view) = try result.get()
                    for fresh in added { try txn.write("students/\(s.number)/events/\(fresh.id).json", try fileBytes(fresh)) }
                    let manifest = Workspace.viewBytes(view)
                    if (try? FileIO.readAll(workspace.manifestPath(s.number))) != manifest {
                        try txn.write("students/\(s.number)/manifest.json", manifest)
                    }
                }
            }
            try txn.commit()
        } catch {
            txn.abandon()
            throw error
        }
        return records.count
    }
}
