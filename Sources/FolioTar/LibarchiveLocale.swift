import CArchive

/// libarchive converts names through the C library's locale. Swift never calls `setlocale`, so a
/// process starts in the "C" locale, where libarchive writes non-ASCII names as `hdrcharset=BINARY`
/// and `archive_entry_set_pathname_utf8` can crash (3.6.2). Every reader and writer touches
/// `LibarchiveLocale.isReady` first; a `static let` is initialised exactly once, thread-safely.
enum LibarchiveLocale {
    static let isReady: Bool = {
        // C.UTF-8 only changes character classification/conversion compared with "C":
        // numbers and dates keep formatting the same way for the rest of the process.
        setlocale(LC_ALL, "C.UTF-8") != nil
    }()

    static func ensure() throws(TarError) {
        guard isReady else {
            throw .libarchive(path: nil, detail: "the C.UTF-8 locale is not available on this system")
        }
    }
}
