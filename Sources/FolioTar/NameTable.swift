/// Remembers every name seen in an archive so that duplicates are refused, including the cases that
/// only clash on disk: a file and a directory with the same name, or a file used as a parent folder.
/// The reader accepts entries in any order, so parents that have no entry yet are remembered as
/// implicit directories. Memory grows with the number of names, which `TarLimits.maxEntries` caps.
///
/// Names are kept as 128-bit keys rather than strings: a whole school's bundle has 92,000 entries in
/// 44,000 folders, and their strings were 22 MB of the 100 MB an import may use; the keys are 3 MB.
/// Two names that are one in Swift (the same characters, composed or not) have the same key, as they
/// were the same element of a `Set<String>`. Two different names share a key only if both of two
/// independently seeded 64-bit hashes collide; the seed is chosen per process (`Hasher`), so an archive
/// cannot be made to collide on purpose, and by chance it would take some 10^19 names. A collision
/// could only refuse an archive, never let a duplicate through.
struct NameTable {
    private var files = Set<Key>()
    private var explicitDirectories = Set<Key>()
    private var implicitDirectories = Set<Key>()

    private struct Key: Hashable {
        var first: Int
        var second: Int

        init(_ name: Substring) {
            var a = Hasher()
            a.combine(0 as UInt8)
            a.combine(name)
            var b = Hasher()
            b.combine(1 as UInt8)
            b.combine(name)
            first = a.finalize()
            second = b.finalize()
        }
    }

    mutating func insert(_ path: String, kind: TarEntry.Kind) throws(TarError) {
        let key = Key(path[...])
        if files.contains(key) || explicitDirectories.contains(key) {
            throw .duplicateName(path: path)
        }
        if kind == .file && implicitDirectories.contains(key) {
            throw .duplicateName(path: path)
        }
        // The parent folders, shortest first: "a/b/c" → "a", "a/b".
        var ancestors: [Key] = []
        var index = path.startIndex
        while let slash = path[index...].firstIndex(of: "/") {
            let ancestor = Key(path[..<slash])
            if files.contains(ancestor) { throw .duplicateName(path: String(path[..<slash])) }
            ancestors.append(ancestor)
            index = path.index(after: slash)
        }
        for ancestor in ancestors { implicitDirectories.insert(ancestor) }
        switch kind {
        case .file: files.insert(key)
        case .directory: explicitDirectories.insert(key)
        }
    }
}
