import FolioCore
import FolioTar
import Foundation

/// A bundle extracted into a fresh staging folder and checked against its own signed header: every entry
/// named, sized and hashed as promised, nothing more and nothing less, and every event well-formed and
/// signed. Checks against the workspace (school, sender's key, recipient) come next, in `BundleCheck`.
struct StagedBundle {
    let file: String
    let id: String
    let header: BundleHeader
    let staging: String
    var schoolEvents: [StoredEvent] = []
    var studentEvents: [String: [StoredEvent]] = [:]
    /// Artifact files: path inside the workspace (`students/<no>/files/…`) and size.
    var files: [String: Int64] = [:]

    var fileLabel: String { (file as NSString).lastPathComponent }

    func stagedPath(_ relative: String) -> String { staging + "/" + relative }

    func remove() { FileIO.removeTree(staging) }

    var allEvents: [StoredEvent] { schoolEvents + studentEvents.keys.sorted().flatMap { studentEvents[$0]! } }

    /// How every refusal of the bundle `label` is worded.
    static func refuser(_ label: String) -> @Sendable (String, String) -> FolioError {
        { message, hint in FolioError(.badBundle, "\(label): \(message)", hint: hint) }
    }

    /// Extracts `file` into `staging` (which must not exist) and checks it against its header. On any
    /// problem the staging folder is removed and a `badBundle` error names the file and the problem.
    static func open(_ file: String, staging: String) throws(FolioError) -> StagedBundle {
        let label = (file as NSString).lastPathComponent
        let refuse = refuser(label)
        guard FileIO.exists(file), !FileIO.isDirectory(file) else {
            throw FolioError(.badInput, "There is no bundle file \(file).", hint: "Check the path; bundles end in .tar.")
        }
        let entries: [TarEntry]
        do {
            entries = try TarReader().extract(.file(path: file), intoNewDirectory: staging)
        } catch {
            throw refuse(error.message, error.hint)
        }
        do {
            var bundle = try check(file: file, label: label, staging: staging, entries: entries, refuse: refuse)
            try bundle.readEntries(refuse: refuse)
            return bundle
        } catch {
            FileIO.removeTree(staging)
            throw error
        }
    }

    private static func check(file: String, label: String, staging: String, entries: [TarEntry],
                              refuse: (String, String) -> FolioError) throws(FolioError) -> StagedBundle {
        let again = "Ask the sender to export the bundle again and bring a fresh copy."
        guard let first = entries.first, first.path == BundleHeader.entryName, first.kind == .file else {
            throw refuse("this is a tar file but not a folio bundle: it does not start with \(BundleHeader.entryName).",
                         "Only files written by `folio bundle export` or `folio sync` can be imported.")
        }
        // `bundle.json` with the signature optional, so a missing one can be told from a damaged file.
        struct HeaderFile: Decodable {
            var header: BundleHeader
            var signature: String?
        }
        let headerFile: HeaderFile
        do {
            headerFile = try JSONDecoder().decode(HeaderFile.self,
                                                  from: Data(try FileIO.readAll(staging + "/" + BundleHeader.entryName)))
        } catch {
            throw refuse("its header (\(BundleHeader.entryName)) cannot be read; it is damaged or was changed.", again)
        }
        let header = headerFile.header
        guard header.format == BundleHeader.format else {
            throw refuse("it is in format \(header.format), which this version of folio does not know.",
                         "Update folio on this machine to the version the sender uses.")
        }
        guard let signature = headerFile.signature, !signature.isEmpty else {
            throw refuse("its header is not signed, so nobody can tell who wrote it or whether it was changed.", again)
        }
        let signed = SignedBundleHeader(header: header, signature: signature)
        guard signed.signatureIsValid else {
            throw refuse("the signature on its header does not match: the bundle was changed after it was signed, or was not signed with the key it names.", again)
        }
        guard let id = try? header.id() else { throw refuse("its header cannot be encoded.", again) }
        // Completeness: the archive must hold exactly the promised entries. A tar cut at an entry
        // boundary reads as a clean end, so a missing tail shows up here.
        let files = entries.dropFirst().filter { $0.kind == .file }
        let promised = Dictionary(header.entries.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        guard promised.count == header.entries.count else { throw refuse("its header lists an entry twice.", again) }
        var seen = Set<String>()
        for entry in files {
            // Names are compared byte for byte: libarchive may normalise a pax name, the signed header is the truth.
            guard let expected = promised[entry.path], Array(expected.path.utf8) == Array(entry.path.utf8) else {
                throw refuse("it holds \(entry.path), which its signed header does not list.", again)
            }
            guard entry.size == expected.size, entry.sha256 == expected.sha256 else {
                throw refuse("the file \(entry.path) does not match the signed header (size or SHA-256 differ): it was damaged or changed.", again)
            }
            seen.insert(entry.path)
        }
        if seen.count != header.entries.count {
            let missing = header.entries.map(\.path).filter { !seen.contains($0) }.sorted()
            throw refuse("it is incomplete: \(missing.count) of its \(header.entries.count) files are missing (first: \(missing[0])). It was probably cut short while copying.",
                         "Copy the bundle onto the stick again, wait until the copy has finished, then eject the stick safely.")
        }
        return StagedBundle(file: file, id: id, header: header, staging: staging)
    }

    /// Sorts the entries into events and files, refusing anything else.
    private mutating func readEntries(refuse: (String, String) -> FolioError) throws(FolioError) {
        let again = "Ask the sender to export the bundle again and bring a fresh copy."
        // Reading a record checks its signature, the dearest step: read all the records on every core
        // first, then sort them in header order.
        let paths = header.entries.map(\.path)
        let me = self
        let read = Parallel.map(paths.count) { i -> Result<StoredEvent, FolioError>? in
            // Only records are read here; files and anything else are sorted below.
            guard let student = Self.recordOwner(paths[i]) else { return nil }
            do throws(FolioError) { return .success(try me.event(paths[i], student: student, refuse: Self.refuser(me.fileLabel))) }
            catch { return .failure(error) }
        }
        for (entry, result) in zip(header.entries, read) {
            if let result {
                let e = try result.get()
                guard header.kind.admits(e.event.kind) else {
                    throw refuse("a \(header.kind.title) bundle may not carry a \(e.event.kind.rawValue) record (\(entry.path)).", again)
                }
                if let number = e.event.student { studentEvents[number, default: []].append(e) } else { schoolEvents.append(e) }
                continue
            }
            let parts = entry.path.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 6, parts[0] == "students", parts[2] == "files" else {
                throw refuse("it holds \(entry.path), which is neither a record nor a student's file.", again)
            }
            files[entry.path] = entry.size
        }
        // Every file must be one an upload in the bundle declares, with that size and hash (the hash
        // was already checked against the header, and the header names it in the path's folder).
        var declared: [String: (Int, String)] = [:]
        for (number, events) in studentEvents {
            for e in events where e.event.kind == .itemUploaded {
                guard let u = try? e.event.decodeBody(ItemUploaded.self) else { continue }
                for f in u.files { declared["students/\(number)/" + f.path(item: u.item)] = (f.size, f.sha256) }
            }
        }
        let hashes = Dictionary(header.entries.map { ($0.path, $0.sha256) }, uniquingKeysWith: { a, _ in a })
        for (path, size) in files {
            guard let d = declared[path] else {
                throw refuse("it holds the file \(path), but no upload in the bundle mentions it.", again)
            }
            guard Int64(d.0) == size, d.1 == hashes[path] else {
                throw refuse("the file \(path) is not the one its upload record describes (size or SHA-256 differ).", again)
            }
        }
    }

    /// For a record's path, whose record it is: `.some(nil)` for `school/events/<id>.json`, the student number
    /// for `students/<no>/events/<id>.json`; nil for any other path.
    private static func recordOwner(_ path: String) -> String?? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0] == "school", parts[1] == "events" { return .some(nil) }
        if parts.count == 4, parts[0] == "students", parts[2] == "events" { return .some(String(parts[1])) }
        return nil
    }

    private func event(_ path: String, student: String?, refuse: (String, String) -> FolioError) throws(FolioError) -> StoredEvent {
        let again = "Ask the sender to export the bundle again and bring a fresh copy."
        if let student {
            do { try WorkspaceSession.checkStudentNumber(student) } catch {
                throw refuse("it holds records under \(path.split(separator: "/")[0])/\(student.prefix(3))…, which is not a student number: \(error.message)", again)
            }
        }
        let name = (path as NSString).lastPathComponent
        // A record travels exactly as stored: canonical bytes, named by its id. The strict reader is tried
        // first so that a canonical record's signature is checked once.
        guard let bytes = try? FileIO.readAll(stagedPath(path)) else { throw refuse("the record \(path) cannot be read.", again) }
        let fast = SignedEvent.readCanonical(bytes)
        guard let stored = fast ?? SignedEvent.readStored(bytes) else {
            throw refuse("the record \(path) cannot be read.", again)
        }
        let canonical = fast != nil || (try? stored.signed.fileBytes()) == bytes
        guard name == stored.id + ".json", canonical else {
            throw refuse("the record \(path) does not match its name.", again)
        }
        guard stored.signatureIsValid else {
            throw refuse("the signature on the record \(path) does not match its contents.", again)
        }
        guard stored.event.student == student else {
            throw refuse("the record \(path) is filed under the wrong student.", again)
        }
        return stored
    }
}
