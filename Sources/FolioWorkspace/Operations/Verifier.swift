import FolioCore
import Foundation

/// One difference `folio verify` found between what the events say and what is on disk.
public struct VerifyIssue: Codable, Hashable, Sendable {
    public var path: String
    public var message: String
}

public struct VerifyReport: Codable, Sendable {
    public var students = 0
    public var events = 0
    public var files = 0
    public var bytes = 0
    /// Graduates sealed in archive/ (not purged).
    public var sealed = 0
    public var issues: [VerifyIssue] = []
    /// Events kept out of the views by a rule (for example a certification by a revoked key). They are
    /// reported, not failures: the workspace holds them on purpose.
    public var heldBack: [VerifyIssue] = []

    public var isClean: Bool { issues.isEmpty }
}

/// `folio verify`: re-hashes every file, re-folds every event, checks every signature, and compares the
/// results with the derived files on disk.
public enum Verifier {
    public static func run(_ ws: Workspace) -> VerifyReport {
        var report = VerifyReport()
        // A change interrupted after its commit point is finished by the next writing command; until then
        // the files below look half-changed, so say that first rather than suggest restoring a backup.
        for name in FileIO.list(ws.root + "/.folio/txn") where FileIO.exists(ws.root + "/.folio/txn/\(name)/plan.json") {
            report.issues.append(VerifyIssue(path: ".folio/txn/\(name)",
                                             message: "holds a change that was interrupted after it was committed; run `folio repair` to finish it"))
        }
        let (schoolEvents, damaged) = ws.readEvents(in: ws.schoolEventsDir)
        report.events += schoolEvents.count
        for d in damaged { report.issues.append(VerifyIssue(path: relative(ws, d.file), message: d.why)) }
        let school = SchoolFolder.fold(schoolEvents)
        note(school.problems, in: "school/events", report: &report)
        compare(Workspace.viewBytes(school), ws.schoolViewPath, ws, &report)
        for number in ws.studentNumbers() {
            report.students += 1
            let (events, damaged) = ws.readEvents(in: ws.studentEventsDir(number))
            report.events += events.count
            for d in damaged { report.issues.append(VerifyIssue(path: relative(ws, d.file), message: d.why)) }
            let view = StudentFolder.fold(number: number, events: events, school: school)
            note(view.problems, in: "students/\(number)/events", report: &report)
            compare(Workspace.viewBytes(view), ws.manifestPath(number), ws, &report)
            checkFiles(number, events: events, view: view, ws, &report)
        }
        // Only the hub holds archive/; replicas learn of sealing from school updates but keep no tarballs.
        if ws.config.role == .hub { checkArchive(ws, school: school, &report) }
        return report
    }

    /// Every sealed graduate is accounted for: their tarball is present and matches the register (or,
    /// once purged, gone), and their folder has left the live workspace.
    private static func checkArchive(_ ws: Workspace, school: SchoolState, _ report: inout VerifyReport) {
        var registered = Set<String>()
        for entry in school.archive {
            let s = entry.sealed
            registered.insert(s.path)
            let full = ws.root + "/" + s.path
            if entry.purged != nil {
                if FileIO.exists(full) { report.issues.append(VerifyIssue(path: s.path, message: "was purged but is still on disk")) }
                continue
            }
            report.sealed += 1
            rehash(full, shown: s.path, size: s.size, sha256: s.sha256, &report,
                   missing: "is missing: \(s.student)'s sealed archive, to be kept until \(s.retainUntil)",
                   changed: { _, _ in "does not match the archive register (sealed \(s.sealed))" })
            if FileIO.exists(ws.studentDir(s.student)) {
                report.issues.append(VerifyIssue(path: "students/\(s.student)", message: "is sealed but still in the live workspace"))
            }
        }
        for name in FileIO.list(ws.root + "/archive") where !registered.contains("archive/" + name) {
            report.issues.append(VerifyIssue(path: "archive/" + name, message: "is not in the archive register"))
        }
    }

    /// Re-hashes one file the records describe, counts it, and reports it missing or changed.
    private static func rehash(_ full: String, shown: String, size: Int, sha256: String, _ report: inout VerifyReport,
                               missing: String, changed: (Int, String) -> String) {
        guard let (found, sha) = try? FileIO.hashFile(full) else {
            report.issues.append(VerifyIssue(path: shown, message: missing))
            return
        }
        report.files += 1
        report.bytes += found
        if found != size || sha != sha256 { report.issues.append(VerifyIssue(path: shown, message: changed(found, sha))) }
    }

    private static func checkFiles(_ number: String, events: [StoredEvent], view: StudentView, _ ws: Workspace,
                                   _ report: inout VerifyReport) {
        // Every version of every file ever uploaded is kept, so all uploads' files must be present.
        var expected: [String: ItemFile] = [:]
        for e in events where e.event.kind == .itemUploaded {
            if let u = try? e.event.decodeBody(ItemUploaded.self) {
                for f in u.files { expected[f.path(item: u.item)] = f }
            }
        }
        let base = ws.studentDir(number)
        for (path, file) in expected.sorted(by: { $0.key < $1.key }) {
            rehash(base + "/" + path, shown: "students/\(number)/\(path)", size: file.size, sha256: file.sha256, &report,
                   missing: "is missing", changed: { size, sha in
                       "has changed: expected \(file.size) bytes with SHA-256 \(file.sha256.prefix(16))…, found \(size) bytes with \(sha.prefix(16))…"
                   })
        }
        for path in FileIO.walk(base + "/files").map({ "files/" + $0 }) where expected[path] == nil {
            report.issues.append(VerifyIssue(path: "students/\(number)/\(path)", message: "is not part of any upload"))
        }
        // Items brought from an earlier school keep their files under earlier/.
        for item in view.earlier {
            for f in item.files {
                rehash(base + "/" + f.path, shown: "students/\(number)/\(f.path)", size: f.size, sha256: f.sha256, &report,
                       missing: "is missing (an item from \(item.school))",
                       changed: { _, _ in "has changed since it was transferred from \(item.school)" })
            }
        }
        for name in FileIO.list(base) where !["events", "files", "manifest.json", "earlier"].contains(name) {
            report.issues.append(VerifyIssue(path: "students/\(number)/\(name)", message: "is not part of a portfolio"))
        }
    }


    private static func compare(_ expected: [UInt8], _ path: String, _ ws: Workspace, _ report: inout VerifyReport) {
        guard let actual = try? FileIO.readAll(path) else {
            report.issues.append(VerifyIssue(path: relative(ws, path), message: "is missing (it is rebuilt from the events by `folio repair`)"))
            return
        }
        if actual != expected {
            report.issues.append(VerifyIssue(path: relative(ws, path), message: "differs from what its events say"))
        }
    }

    private static func note(_ problems: [Problem], in dir: String, report: inout VerifyReport) {
        for p in problems {
            let entry = VerifyIssue(path: "\(dir)/\(p.event).json", message: p.message)
            // A signature that does not match means the file was altered: that is damage, not a held-back event.
            if p.code == .tampered { report.issues.append(entry) }
            else { report.heldBack.append(entry) }
        }
    }

    static func relative(_ ws: Workspace, _ path: String) -> String {
        path.hasPrefix(ws.root + "/") ? String(path.dropFirst(ws.root.count + 1)) : path
    }
}
