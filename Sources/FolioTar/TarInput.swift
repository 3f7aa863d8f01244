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
        try appendAll(inputs) { entries.append($0) }
        return entries
    }

    /// The same, handing each entry written to `written` instead of keeping them all: a caller checking
    /// 100,000 hashes need not hold 100,000 entries.
    public func appendAll(_ inputs: [TarInput], each written: (TarEntry) throws(TarError) -> Void) throws(TarError) {
        // Compared through their UTF-8 views, which allocate nothing: a 100,000-entry bundle would
        // otherwise hold a byte-array copy of every path while it is written.
        let sorted = inputs.sorted { ByteOrder.less($0.path, $1.path) }
        for input in sorted {
            switch input {
            case .directory(let path): try written(try appendDirectory(path))
            case .bytes(let path, let data): try written(try appendFile(path, bytes: data))
            case .file(let path, let source): try written(try appendFile(path, contentsOf: source))
            }
        }
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
