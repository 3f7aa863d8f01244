import Foundation

/// Where `TarReader` reads an archive from.
public enum TarSource: Sendable {
    /// A file on disk, read in 64 KiB blocks.
    case file(path: String)
    /// An open descriptor the caller owns (and closes), read in 64 KiB blocks.
    case fileDescriptor(Int32)
    /// Bytes already in memory (tests, fuzzing, small bundles received over a pipe).
    case memory(Data)
}
