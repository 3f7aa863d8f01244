import CArchive

/// Flushes every file written on the file system that holds the open file or folder `fd` (syncfs(2)).
/// A transaction that stages thousands of files flushes them with this one call before its commit point,
/// instead of an fsync per file. Returns false (with errno set) on failure.
public func flushFileSystem(of fd: Int32) -> Bool { folio_syncfs(fd) == 0 }
