import CArchive

/// Flushes every file written on the file system that holds the open file or folder `fd` (syncfs(2)).
/// A transaction that stages thousands of files flushes them with this one call before its commit point,
/// instead of an fsync per file. Returns false (with errno set) on failure.
public func flushFileSystem(of fd: Int32) -> Bool { folio_syncfs(fd) == 0 }

/// Starts writing `count` bytes of the open file `fd` from `offset` out to disk (`count` 0: to the end), without
/// waiting for the writes to finish (sync_file_range(2), SYNC_FILE_RANGE_WRITE; the call itself may still block
/// while the disk's queue is full, or while ext4 assigns the blocks). Nothing is made durable by this: it only lets
/// the disk work while the writer goes on, so that the fsync or syncfs that follows waits for less. A hint:
/// failures (a pipe, a file system without it) are ignored.
public func startWriteback(of fd: Int32, from offset: Int64, count: Int64) {
    _ = folio_start_writeback(fd, offset, count)
}
