import FolioCore
import FolioTar
import Foundation

/// A bundle's signed header, read from the front of the file without extracting the rest.
///
/// `folio sync` meets many bundles it has no use for: its own, ones it imported on an earlier day, and ones
/// for other workspaces (a shared stick carries every teacher's request). Extracting each in full just to
/// read whom it is for cost the whole bundle's size in writes, every time, on every machine the stick
/// visits. Passing one over on the strength of its header alone changes nothing, so a header that is damaged
/// or forged costs at most a skip; anything that is to be imported is still extracted and checked in full.
enum BundlePeek {
    /// The largest header read this way; a bigger one (an old unsplit whole-school bundle is 15 MB) is
    /// extracted and checked as before.
    static let headerLimit: Int64 = 32 << 20

    enum Found {
        /// A readable header whose signature matches the key it names, and the bundle's id.
        case header(BundleHeader, id: String)
        /// A tar file that does not start with a header: someone's own archive on the stick. It is refused
        /// without being extracted (extracting a 4 GB backup only to refuse it filled the workspace's disk).
        case notABundle
        /// Anything else (not a tar file, a damaged or unsigned header): the full check says what is wrong.
        case unknown
        /// A sealed bundle none of the keys given opens (or whose first chunk is damaged): its envelope, the
        /// envelope's id, and why it stays shut.
        case sealed(BundleEnvelope, id: String, FolioError)
    }

    /// A sealed bundle's envelope says whom it is for; its id is in the bundle inside, whose header is read by
    /// opening only the first chunks with one of `keys`.
    static func look(at file: String, keys: [SigningIdentity]) -> Found {
        let sealed: SealedBundle.Opened?
        do { sealed = try SealedBundle.open(file, keys: keys) } catch { return .unknown }
        guard let sealed else { return look(at: file) }
        let content: SealedBundle.Content
        switch sealed.content {
        case .failure(let error): return .sealed(sealed.envelope, id: sealed.id, error)
        case .success(let c): content = c
        }
        guard let (entry, bytes) = try? TarReader().firstEntry(content.source, keepingContentIf: { $0 == BundleHeader.entryName }, upTo: headerLimit),
              ContentsCheck.isHeader(entry), let bytes,
              let (header, id) = try? ContentsCheck.signedHeader(bytes, refuse: StagedBundle.refuser(FileIO.lastComponent(of: file))),
              sealed.envelope.agrees(with: header) else {
            return .sealed(sealed.envelope, id: sealed.id, StagedBundle.refuser(FileIO.lastComponent(of: file))(
                Message("bundle.sealed.unreadable"), Message("bundle.copyAgain.hint")))
        }
        return .header(header, id: id)
    }

    static func look(at file: String) -> Found {
        guard let (entry, content) = try? TarReader().firstEntry(.file(path: file), keepingContentIf: { $0 == BundleHeader.entryName },
                                                                 upTo: headerLimit) else { return .unknown }
        guard ContentsCheck.isHeader(entry) else { return .notABundle }
        let refuse = StagedBundle.refuser(FileIO.lastComponent(of: file))
        guard let content, let (header, id) = try? ContentsCheck.signedHeader(content, refuse: refuse) else { return .unknown }
        return .header(header, id: id)
    }
}
