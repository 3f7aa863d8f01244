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

    /// The header and the bundle's id, or nil when the file does not start with a readable, signed
    /// header: then the full check says what is wrong.
    static func header(of file: String) -> (header: BundleHeader, id: String)? {
        guard let (entry, content) = try? TarReader().firstEntry(.file(path: file), upTo: headerLimit),
              entry.path == BundleHeader.entryName, entry.kind == .file, let content else { return nil }
        let refuse = StagedBundle.refuser(FileIO.lastComponent(of: file))
        guard let (header, id) = try? ContentsCheck.signedHeader(content, refuse: refuse) else { return nil }
        return (header, id)
    }
}
