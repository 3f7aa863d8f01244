/// Caps the reader enforces on untrusted archives, checked from each header before any data is read.
///
/// The defaults are sized for what folio exchanges: an artifact file is at most 10 MB by the school
/// rules, so 64 MiB per entry leaves room for generated files (receipts, logs) without letting one
/// entry fill a disk; 100,000 entries is more than twice a whole school's files (~40,000); 4 GiB total
/// is the largest file a FAT32 USB stick can hold, so no real bundle can be larger anyway.
public struct TarLimits: Sendable, Equatable {
    /// Largest size of one regular file, in bytes.
    public var maxEntryBytes: Int64
    /// Largest number of entries (files and directories together).
    public var maxEntries: Int
    /// Largest sum of all regular files' sizes, in bytes.
    public var maxTotalBytes: Int64
    /// Longest entry path, in UTF-8 bytes (Linux allows 4096; we keep well below so paths stay
    /// portable to FAT32/exFAT and Windows tools).
    public var maxPathBytes: Int

    public init(
        maxEntryBytes: Int64 = 64 << 20,
        maxEntries: Int = 100_000,
        maxTotalBytes: Int64 = 4 << 30,
        maxPathBytes: Int = 1024
    ) {
        self.maxEntryBytes = maxEntryBytes
        self.maxEntries = maxEntries
        self.maxTotalBytes = maxTotalBytes
        self.maxPathBytes = maxPathBytes
    }

    public static let `default` = TarLimits()
}
