/// Deletes committed transactions' folders on a thread of its own while the command goes on.
///
/// Sealing takes each graduate's folder out of the live workspace, and on the benchmark machine's ext4
/// (mounted with `discard`) deleting 667 graduates' 36,000 files takes about 2 s of waiting for the disk,
/// with the cores idle. Deleting can only start after the commit point, so sealing commits in batches and
/// deletes one batch's folders while it writes the next batch's tarballs: the disk does both at once
/// (`xargs rm -rf` of the 667 folders while `dd` wrote 1.4 GB and flushed it: 3.3 s together, against
/// 1.8 s and about 3 s one after the other).
///
/// Nothing is lost if the process ends first: a folder queued here belongs to a committed transaction
/// whose moves are all done, and the next command's `Transaction.recover` deletes it.
final class DeferredRemoval: Sendable {
    private let queue = BackgroundQueue<String, Bool> { dir in
        Transaction.discard(dir)
        return nil
    }

    /// Queues a transaction folder to delete.
    func add(_ dir: String) { queue.add(dir) }

    /// Deletes what is still queued (this thread helps) and waits until all of it is gone.
    func finish() { _ = queue.finish() }
}
