import FolioCore
import FolioTar
import Foundation

/// Checks a bundle against its own signed header while it is extracted: the first entry must be the
/// header, signed and readable; every file after it must be one the header lists, with the size and
/// SHA-256 it promises; and at the end nothing it promises may be missing.
///
/// Checking each entry as it comes means the archive's 100,000 entries are never held as a list. Each entry
/// is judged twice: by name, kind and size as its tar header announces it (`admit`), before any of its data
/// is written, and by SHA-256 once it is complete (`see`). The first problem stops extraction there: an
/// entry the signed header does not list, or of another size, is never written at all, and nothing after a
/// bad entry is read. The problem is kept and reported by `finish`.
final class ContentsCheck {
    private let staging: String
    private let refuse: (Message, Message) -> FolioError
    private let again = Message("bundle.again.fresh")
    private var entries = 0
    private var announced = 0
    /// The signed header, once read, with the index of every path it promises.
    private(set) var listing: Listing?
    private var id = ""
    /// Which of the promised paths have been found.
    private var found: [Bool] = []
    private var foundCount = 0
    private(set) var refusal: FolioError?

    init(staging: String, refuse: @escaping (Message, Message) -> FolioError) {
        self.staging = staging
        self.refuse = refuse
    }

    /// The header and where each of its entries is in its list. Read-only once made, so the thread that
    /// reads records may use it while extraction goes on.
    struct Listing: Sendable {
        let header: BundleHeader
        let index: [String: Int]
    }

    /// Whether a problem has been found already.
    var refused: Bool { refusal != nil }

    /// Stops the bundle for a reason found outside this check (a record, the receiving workspace's screen);
    /// the first reason found is the one reported.
    func stop(_ error: FolioError) {
        if refusal == nil { refusal = error }
    }

    /// One entry as its tar header announces it (no SHA-256 yet), before its data is written: whether it may
    /// be written. The first must be the header; every later file must be one the signed header lists, by
    /// the same name and size. False once a problem has been found.
    func admit(_ head: TarEntry) -> Bool {
        announced += 1
        guard refusal == nil else { return false }
        if announced == 1 {
            guard Self.isHeader(head) else {
                refusal = Self.notABundle(refuse)
                return false
            }
            return true
        }
        // `see` has read the header by now, or refused the bundle.
        guard let listing else { return false }
        guard head.kind == .file else { return true }
        guard let i = listing.index[head.path], listing.header.entries[i].path.utf8.elementsEqual(head.path.utf8) else {
            refusal = unlisted(head.path)
            return false
        }
        guard head.size == listing.header.entries[i].size else {
            refusal = differs(head.path)
            return false
        }
        return true
    }

    /// One entry, complete in the staging folder. Returns where a file that matches the header is in the
    /// header's list; nil for anything else, and for everything once a problem has been found.
    @discardableResult
    func see(_ entry: TarEntry) -> Int? {
        entries += 1
        guard refusal == nil else { return nil }
        do throws(FolioError) {
            if entries == 1 { try readHeader(entry) } else { return try compare(entry) }
        } catch {
            refusal = error
        }
        return nil
    }

    /// The header (with its index) and the bundle's id, once every entry has been seen; the first problem
    /// otherwise.
    func finish() throws(FolioError) -> (Listing, String) {
        if entries == 0 { try readHeader(nil) }
        if let refusal { throw refusal }
        guard let listing else { throw refuse(Message("bundle.contents.headerUnreadable", ["entry": BundleHeader.entryName]), again) }
        let header = listing.header
        // Completeness: a tar cut at an entry boundary reads as a clean end, so a missing tail shows up here.
        if foundCount != header.entries.count {
            let missing = zip(header.entries, found).filter { !$0.1 }.map(\.0.path).sorted()
            throw refuse(Message("bundle.contents.missing", ["missing": missing.count, "total": header.entries.count, "first": missing[0]]),
                         Message("bundle.contents.missing.hint"))
        }
        return (listing, id)
    }

    private func readHeader(_ first: TarEntry?) throws(FolioError) {
        guard let first, Self.isHeader(first) else { throw Self.notABundle(refuse) }
        let (header, id) = try readSignedHeader()
        let index = Dictionary(header.entries.indices.map { (header.entries[$0].path, $0) }, uniquingKeysWith: { a, _ in a })
        guard index.count == header.entries.count else { throw refuse(Message("bundle.contents.twice"), again) }
        found = Array(repeating: false, count: header.entries.count)
        listing = Listing(header: header, index: index)
        self.id = id
    }

    /// The header and the bundle id, once its signature has been checked. The file's bytes (15 MB for a
    /// whole school) are let go before the header's index is built.
    private func readSignedHeader() throws(FolioError) -> (BundleHeader, String) {
        guard let bytes = try? FileIO.readAll(staging + "/" + BundleHeader.entryName) else {
            throw refuse(Message("bundle.contents.headerUnreadable", ["entry": BundleHeader.entryName]), again)
        }
        return try Self.signedHeader(bytes, refuse: refuse)
    }

    /// Whether an archive's first entry is a bundle's header.
    static func isHeader(_ first: TarEntry) -> Bool { first.path == BundleHeader.entryName && first.kind == .file }

    /// The refusal of a tar file whose first entry is not a bundle's header.
    static func notABundle(_ refuse: (Message, Message) -> FolioError) -> FolioError {
        refuse(Message("bundle.contents.notABundle", ["entry": BundleHeader.entryName]), Message("bundle.contents.notABundle.hint"))
    }

    /// A `bundle.json` read and its signature checked: the header and the bundle's id.
    static func signedHeader(_ bytes: [UInt8], refuse: (Message, Message) -> FolioError) throws(FolioError) -> (BundleHeader, String) {
        let again = Message("bundle.again.fresh")
        guard let (signed, range) = SignedBundleHeader.readCanonical(bytes) else { return try readHeaderSlowly(bytes, refuse: refuse) }
        // Written as folio writes it: the bytes read are the canonical form, so the signature and the id are
        // computed over them without writing the header again.
        try checkFormat(signed.header, refuse: refuse)
        guard SignatureCheck.isValid(signature: signed.signature, bytes: bytes[range], publicKey: signed.header.key) else {
            throw refuse(Message("bundle.contents.badSignature"), again)
        }
        return (signed.header, SHA256Hex.of(bytes[range]))
    }

    /// Any other `bundle.json` that JSON can read: decoded whole, its signature checked over the header
    /// written again canonically.
    private static func readHeaderSlowly(_ bytes: [UInt8], refuse: (Message, Message) -> FolioError) throws(FolioError) -> (BundleHeader, String) {
        let again = Message("bundle.again.fresh")
        // The signature optional, so a missing one can be told from a damaged file.
        struct HeaderFile: Decodable {
            var header: BundleHeader
            var signature: String?
        }
        // Decoded from the bytes in place: a copy of a whole school's header would be 15 MB more.
        let decoded: HeaderFile? = bytes.isEmpty ? nil : bytes.withUnsafeBytes { raw in
            let data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: raw.baseAddress!), count: raw.count, deallocator: .none)
            return try? JSONDecoder().decode(HeaderFile.self, from: data)
        }
        guard let headerFile = decoded else {
            throw refuse(Message("bundle.contents.headerUnreadable", ["entry": BundleHeader.entryName]), again)
        }
        let header = headerFile.header
        try checkFormat(header, refuse: refuse)
        guard let signature = headerFile.signature, !signature.isEmpty else {
            throw refuse(Message("bundle.contents.unsigned"), again)
        }
        guard SignedBundleHeader(header: header, signature: signature).signatureIsValid else {
            throw refuse(Message("bundle.contents.badSignature"), again)
        }
        guard let id = try? header.id() else { throw refuse(Message("bundle.contents.unencodable"), again) }
        return (header, id)
    }

    private static func checkFormat(_ header: BundleHeader, refuse: (Message, Message) -> FolioError) throws(FolioError) {
        guard header.format == BundleHeader.format else {
            throw refuse(Message("bundle.contents.format", ["format": "\(header.format)"]), Message("bundle.contents.format.hint"))
        }
    }

    private func compare(_ entry: TarEntry) throws(FolioError) -> Int? {
        guard let listing, entry.kind == .file else { return nil }
        // Names are compared byte for byte: libarchive may normalise a pax name, the signed header is the truth.
        guard let i = listing.index[entry.path], listing.header.entries[i].path.utf8.elementsEqual(entry.path.utf8) else {
            throw unlisted(entry.path)
        }
        let expected = listing.header.entries[i]
        guard entry.size == expected.size, entry.sha256 == expected.sha256 else { throw differs(entry.path) }
        if !found[i] {
            found[i] = true
            foundCount += 1
        }
        return i
    }

    private func unlisted(_ path: String) -> FolioError {
        refuse(Message("bundle.contents.unlisted", ["path": path]), again)
    }

    private func differs(_ path: String) -> FolioError {
        refuse(Message("bundle.contents.mismatch", ["path": path]), again)
    }
}
