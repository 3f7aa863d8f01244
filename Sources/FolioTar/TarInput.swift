import Foundation

/// One entry for `TarWriter.appendAll(_:)`, which sorts entries itself.
public enum TarInput: Sendable, Equatable {
    case directory(String)
    /// A file whose content is in memory.
    case bytes(String, Data)
    /// A file streamed from `sourcePath` on disk.
    case file(String, sourcePath: String)

    public var path: String {
        switch self {
        case .directory(let path), .bytes(let path, _), .file(let path, _): return path
        }
    }
}

extension TarWriter {
    /// Sorts `inputs` into byte order of their paths and appends them all; duplicate paths throw
    /// `duplicateName`. Returns the entries written, in archive order.
    @discardableResult
    public func appendAll(_ inputs: [TarInput]) throws(TarError) -> [TarEntry] {
        var entries: [TarEntry] = []
        entries.reserveCapacity(inputs.count)
        // Compared through their UTF-8 views, which allocate nothing: a 100,000-entry archive would
        // otherwise hold a byte-array copy of every path while it is written.
        for input in inputs.sorted(by: { ByteOrder.less($0.path, $1.path) }) {
            switch input {
            case .directory(let path): entries.append(try appendDirectory(path))
            case .bytes(let path, let data): entries.append(try appendFile(path, bytes: data))
            case .file(let path, let source): entries.append(try appendFile(path, contentsOf: source))
            }
        }
        return entries
    }

    /// Writes a complete archive of `inputs` to a new file at `path` (which must not exist). On any
    /// error the partial file is removed.
    @discardableResult
    public static func writeArchive(atPath path: String, _ inputs: [TarInput]) throws(TarError) -> [TarEntry] {
        let writer = try TarWriter(creatingFileAt: path)
        let entries = try writer.appendAll(inputs)
        try writer.finish()
        return entries
    }
}
