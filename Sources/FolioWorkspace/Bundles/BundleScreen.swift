import FolioCore

/// What the receiving workspace asks of a bundle while it is being extracted, so that a bundle it would
/// refuse on its header (another school, another workspace, an unknown signer) costs no more than its
/// header and school records on disk. Made by `BundleCheck.screen`; `StagedBundle.open` calls it.
struct BundleScreen {
    /// Judges the signed header once its signature has been checked, before any other entry is written.
    var header: (BundleHeader) throws(FolioError) -> Void
    /// Judges who signed the bundle, given the school records it carries (which sort right after the header,
    /// each read and its signature checked), before the first other entry is written.
    var signer: (BundleHeader, [StoredEvent]) throws(FolioError) -> Void
    /// The size limits the files an upload brings are judged by, given the school records the bundle carries:
    /// the receiving school's settings, as a local upload there is judged.
    var fileLimits: ([StoredEvent]) -> FileLimits
}

extension FileLimits {
    /// The limits a school's settings set.
    public init(_ settings: Settings) {
        self.init(documentBytes: settings.documentLimitBytes, mediaBytes: settings.mediaLimitBytes)
    }
}
