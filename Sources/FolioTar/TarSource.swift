import Foundation

/// Where `TarReader` reads an archive from.
public enum TarSource: Sendable {
    /// A file on disk, read in 64 KiB blocks.
    case file(path: String)
    /// An open descriptor the caller owns (and closes), read in 64 KiB blocks.
    case fileDescriptor(Int32)
    /// Bytes already in memory (tests, fuzzing, small bundles received over a pipe).
    case memory(Data)
    /// Bytes produced as they are read (a sealed bundle's content, opened chunk by chunk).
    case pull(TarPull)
}

/// A source that hands out the archive's bytes on demand: `next` returns the next piece (empty at the end)
/// or throws. The reader asks for one piece at a time, so memory stays one piece whatever the archive's size.
/// Used by one read on one thread.
public final class TarPull: @unchecked Sendable {
    let next: () throws(TarError) -> [UInt8]
    /// The piece libarchive is reading from; kept alive until it asks for the next.
    var current: [UInt8] = []
    /// What `next` threw, reported instead of libarchive's own wording of the failed read.
    var failure: TarError?

    public init(_ next: @escaping () throws(TarError) -> [UInt8]) {
        self.next = next
    }
}
