import FolioCore
import Foundation

/// What an export sends: the school's records, which go into every bundle of it, and the students'
/// shares, handed out a few students at a time so that an export of a whole school never holds every
/// record's path and hash at once.
struct ExportSource {
    typealias Share = (events: [WorkspaceSession.OutEvent], files: [WorkspaceSession.OutFile])

    /// School records: they prove who signed the rest, so every part of a split export carries them.
    var shared: [WorkspaceSession.OutEvent]
    /// The students whose shares may travel, in byte order (the order of their paths in a bundle).
    var numbers: [String]
    /// The shares of some of `numbers`, in the order asked.
    var shares: ([String]) throws(FolioError) -> [Share]
    /// What the export covers, in words for the header; nil to say how many students it carries.
    var scope: [String]?

    /// From lists already made (a certification request, a school update, a transfer): records and files
    /// grouped by the student their path names.
    static func lists(events: [WorkspaceSession.OutEvent], files: [WorkspaceSession.OutFile], scope: [String]) -> ExportSource {
        var shared: [WorkspaceSession.OutEvent] = []
        var byStudent: [String: Share] = [:]
        for e in events {
            if let number = student(e.path) { byStudent[number, default: ([], [])].events.append(e) } else { shared.append(e) }
        }
        // Every file is a student's (`students/<no>/files/…`); one that was not would travel as a group of its own.
        for f in files { byStudent[student(f.path) ?? "", default: ([], [])].files.append(f) }
        return ExportSource(shared: shared, numbers: byStudent.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) },
                            shares: { numbers in numbers.map { byStudent[$0] ?? ([], []) } }, scope: scope)
    }

    /// The student number in `students/<no>/…`, nil for anything else.
    static func student(_ path: String) -> String? {
        let parts = path.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "students" else { return nil }
        return String(parts[1])
    }

    /// Calls `each` with the school records, then with each student's share in byte order of number,
    /// leaving out what the recipient is known to hold. `held` opens the list of what it holds, which is
    /// read forward, asked in byte order of path: the school's paths, then each student's in turn (student
    /// numbers are letters and digits, which all sort after `/`, so numbers and their paths sort alike).
    /// A path in one student's share that is not under that student (a record filed in another student's
    /// folder) is looked up apart, with the batch's others, so that it does not move the list past the
    /// students in between. Shares are read `batch` students at a time, on every core when reading means
    /// reading the disk. `each` returns false to stop.
    func forEach(leavingOut held: () -> PeerBook.HeldCursor, batch: Int = 64,
                 _ each: (String?, Share) throws(FolioError) -> Bool) throws(FolioError) {
        let cursor = held()
        guard try each(nil, (Self.sortedByPath(shared).filter { !cursor.holds($0.path) }, [])) else { return }
        let progress = ProgressMeter(Message("progress.export"), total: numbers.count)
        defer { progress.finish() }
        var start = 0
        while start < numbers.count {
            let some = Array(numbers[start..<min(start + batch, numbers.count)])
            start += some.count
            let shares = try shares(some)
            var strays: [String] = []
            for (number, share) in zip(some, shares) {
                let own = "students/\(number)/"
                strays += share.events.map(\.path).filter { !$0.hasPrefix(own) }
                strays += share.files.map(\.path).filter { !$0.hasPrefix(own) }
            }
            var heldStrays = Set<String>()
            if !strays.isEmpty {
                let apart = held()
                for path in strays.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where apart.holds(path) {
                    heldStrays.insert(path)
                }
            }
            for (number, share) in zip(some, shares) {
                guard try each(number, Self.unheld(share, of: number, cursor, strays: heldStrays)) else { return }
                progress.advance()
            }
        }
    }

    private static func sortedByPath(_ events: [WorkspaceSession.OutEvent]) -> [WorkspaceSession.OutEvent] {
        events.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// A share without what the recipient holds: its own paths asked of `held` in byte order, any other
    /// path answered by `strays` (those of them that are held).
    private static func unheld(_ share: Share, of number: String, _ held: PeerBook.HeldCursor, strays: Set<String>) -> Share {
        enum Entry { case event(Int), file(Int) }
        func path(_ e: Entry) -> String {
            switch e {
            case .event(let i): return share.events[i].path
            case .file(let i): return share.files[i].path
            }
        }
        let own = "students/\(number)/"
        let order = (share.events.indices.map(Entry.event) + share.files.indices.map(Entry.file))
            .sorted { path($0).utf8.lexicographicallyPrecedes(path($1).utf8) }
        var out: Share = ([], [])
        for entry in order {
            let p = path(entry)
            guard !(p.hasPrefix(own) ? held.holds(p) : strays.contains(p)) else { continue }
            switch entry {
            case .event(let i): out.events.append(share.events[i])
            case .file(let i): out.files.append(share.files[i])
            }
        }
        // A file goes with an upload that declares it, or the recipient refuses it: a recipient that took the
        // record earlier without the file (its sender kept the file then) is sent the record again.
        let declaring = Set(out.files.compactMap(\.declaredBy))
        if !declaring.isEmpty {
            let sent = Set(out.events.map(\.path))
            out.events += share.events.filter { declaring.contains($0.path) && !sent.contains($0.path) }
        }
        return out
    }
}
