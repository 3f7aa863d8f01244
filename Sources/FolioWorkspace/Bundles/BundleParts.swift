import FolioCore
import FolioTar
import Foundation

/// How an export too large for one bundle is split into parts, each a complete bundle that imports on its own.
///
/// Why: a kiosk that took a whole term of uploads, or a whole school sent to a new machine, makes a bundle of
/// tens of thousands of files and several GB. One file over 4 GiB cannot be copied to a FAT32 stick, and
/// every workspace refuses a bundle over `TarLimits.default` (100,000 entries, 4 GiB): at 100 kB per file a
/// 2,000-student school is already at 3.9 GiB. And the memory needed to write, check and import a bundle
/// grows with the number of entries its signed header lists, so bounded parts keep every step's memory the
/// same whatever the size of the school.
///
/// A part never splits a student: a student's records and the files their uploads bring go together, so
/// each part passes the import checks by itself (every file declared by an upload in the same bundle).
/// School records, which prove who signed the rest, go into every part. Parts can be imported in any order,
/// one at a time (`folio sync` does so) or together; importing is a set union, so the result is the same.
enum BundleParts {
    struct Limits: Equatable {
        /// Most entries (records and files) in one part.
        var entries: Int
        /// Most bytes of records and files in one part.
        var bytes: Int64

        /// 10,000 entries keep a part's signed header near 2 MB and the memory to check and import it
        /// near that of a 200-student school's whole bundle; 1 GiB fits any stick and is quick to copy
        /// again if a copy fails.
        static let standard = Limits(entries: 10_000, bytes: 1 << 30)

        /// `standard`, unless a test sets `FOLIO_BUNDLE_PART_ENTRIES` / `FOLIO_BUNDLE_PART_BYTES` to see a
        /// small workspace split.
        static var current: Limits {
            var limits = standard
            if let n = DemoSchool.hook("FOLIO_BUNDLE_PART_ENTRIES").flatMap(Int.init), n > 0 { limits.entries = n }
            if let n = DemoSchool.hook("FOLIO_BUNDLE_PART_BYTES").flatMap(Int64.init), n > 0 { limits.bytes = n }
            return limits
        }
    }

    /// Gathers students' shares into the part being filled, handing a part over to be written as soon as
    /// the next student would not fit in it.
    struct Packer {
        typealias Share = ExportSource.Share

        let limits: Limits
        private(set) var shared: [WorkspaceSession.OutEvent] = []
        private var sharedBytes: Int64 = 0
        private var current: Share = ([], [])
        /// Paths of the students' entries in the part being filled.
        private var inPart = Set<String>()
        private var count = 0
        private var bytes: Int64 = 0
        /// Students in the part being filled.
        private(set) var students = 0
        /// Parts handed over so far.
        private(set) var written = 0

        init(limits: Limits) { self.limits = limits }

        /// The school records, given first: they go into every part.
        mutating func share(_ events: [WorkspaceSession.OutEvent]) {
            shared = events
            sharedBytes = events.reduce(0) { $0 + $1.size }
        }

        /// A part ready to be written.
        struct Part {
            var events: [WorkspaceSession.OutEvent]
            var files: [WorkspaceSession.OutFile]
            /// Its place among the parts, from 1.
            var index: Int
            /// Whether it is the export's only bundle.
            var only: Bool
            /// How many students' shares it carries.
            var students: Int
        }

        /// Adds one student's share, first handing the part being filled to `write` if the share would
        /// not fit in it.
        mutating func add(_ number: String, _ share: Share, write: (Part) throws(FolioError) -> Void) throws(FolioError) {
            let (shareCount, shareBytes) = Self.size(share)
            guard shareCount > 0 else { return }
            // Room for `bundle.json`, which counts among a bundle's entries and bytes when it is imported.
            let ceiling = TarLimits.default
            if shared.count + shareCount >= ceiling.maxEntries - 1 || sharedBytes + shareBytes > ceiling.maxTotalBytes - (64 << 20) {
                throw FolioError(.badInput, "bundle.studentTooLarge", ["number": number, "entries": String(shareCount), "bytes": String(shareBytes)])
            }
            // Whether the share fits is judged on all of it: were it trimmed first (below) and then moved to
            // a new part, the new part would lack what the trimming took out.
            if students > 0 && (shared.count + count + shareCount > limits.entries || sharedBytes + bytes + shareBytes > limits.bytes) {
                try hand(to: write, only: false)
            }
            // A record filed in another student's folder travels under its own student's path, so two
            // students' shares can hold the same entry: it goes once into a part.
            var share = share
            share.events.removeAll { inPart.contains($0.path) }
            share.files.removeAll { inPart.contains($0.path) }
            let (added, addedBytes) = Self.size(share)
            current.events += share.events
            current.files += share.files
            inPart.formUnion(share.events.map(\.path))
            inPart.formUnion(share.files.map(\.path))
            count += added
            bytes += addedBytes
            students += 1
        }

        private static func size(_ share: Share) -> (entries: Int, bytes: Int64) {
            (share.events.count + share.files.count,
             share.events.reduce(Int64(0)) { $0 + $1.size } + share.files.reduce(Int64(0)) { $0 + $1.size })
        }

        /// Hands over the last part: the one being filled, or the school records alone if no student
        /// had anything to send. Nothing at all to send writes nothing.
        mutating func finish(write: (Part) throws(FolioError) -> Void) throws(FolioError) {
            guard students > 0 || (written == 0 && !shared.isEmpty) else { return }
            try hand(to: write, only: written == 0)
        }

        private mutating func hand(to write: (Part) throws(FolioError) -> Void, only: Bool) throws(FolioError) {
            written += 1
            try write(Part(events: shared + current.events, files: current.files, index: written, only: only, students: students))
            current = ([], [])
            inPart = []
            (count, bytes, students) = (0, 0, 0)
        }
    }
}
