/// Remembers every name seen in an archive so that duplicates are refused, including the cases that
/// only clash on disk: a file and a directory with the same name, or a file used as a parent folder.
/// The reader accepts entries in any order, so parents that have no entry yet are remembered as
/// implicit directories. Memory grows with the number of names, which `TarLimits.maxEntries` caps.
struct NameTable {
    private var files = Set<String>()
    private var explicitDirectories = Set<String>()
    private var implicitDirectories = Set<String>()

    mutating func insert(_ path: String, kind: TarEntry.Kind) throws(TarError) {
        if files.contains(path) || explicitDirectories.contains(path) {
            throw .duplicateName(path: path)
        }
        if kind == .file && implicitDirectories.contains(path) {
            throw .duplicateName(path: path)
        }
        let ancestors = TarPathRules.ancestors(of: path)
        for ancestor in ancestors where files.contains(ancestor) {
            throw .duplicateName(path: ancestor)
        }
        for ancestor in ancestors { implicitDirectories.insert(ancestor) }
        switch kind {
        case .file: files.insert(path)
        case .directory: explicitDirectories.insert(path)
        }
    }
}
