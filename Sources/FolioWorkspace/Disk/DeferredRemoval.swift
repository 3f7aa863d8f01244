import Foundation

/// Deletes committed transactions' folders on a thread of its own while the command goes on.
///
/// Sealing takes each graduate's folder out of the live workspace, and on the benchmark machine's ext4
/// (mounted with `discard`) deleting a cohort's tens of thousands of files takes seconds: the kernel's work of
/// freeing inodes and blocks, and a wait for a discard request per file. Deleting can only start after the
/// commit point, so sealing commits in batches and deletes one batch's folders while it writes the next
/// batch's tarballs (`xargs rm -rf` of a cohort's folders while `dd` wrote and flushed as many bytes took less
/// time than the two one after the other: Docs/performance.md).
///
/// At most one folder waits or is being deleted: `add` waits for the one before it, so a seal never holds
/// more than two batches' worth of removed folders beside its new tarballs.
///
/// Nothing is lost if the process ends first: a folder queued here belongs to a committed transaction
/// whose moves are all done, and the next command's `Transaction.recover` deletes it.
final class DeferredRemoval: Sendable {
    private let queue: BackgroundQueue<String, Bool>
    private let free: DispatchSemaphore

    init() {
        let free = DispatchSemaphore(value: 1)
        self.free = free
        queue = BackgroundQueue { dir in
            Transaction.discard(dir)
            free.signal()
            return nil
        }
    }

    /// Queues a transaction folder to delete, once the one before it is gone.
    func add(_ dir: String) {
        free.wait()
        queue.add(dir)
    }

    /// Deletes what is still queued (this thread helps) and waits until all of it is gone.
    func finish() { _ = queue.finish() }
}
