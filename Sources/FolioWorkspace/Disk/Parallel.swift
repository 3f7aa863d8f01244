import Foundation

/// Runs independent jobs on every core and returns their results in job order, so output stays
/// deterministic. The office PC has two cores; hashing and signature checks use both.
enum Parallel {
    static var workers: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)) }

    /// `body(i)` for every i in 0..<count, at most `workers` at a time; results in order of i. Each worker
    /// takes the next job when it finishes one, so a slow student does not hold the others up.
    static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let box = Jobs<T>(count)
        DispatchQueue.concurrentPerform(iterations: min(workers, max(count, 1))) { _ in
            while let i = box.take() { box.put(i, body(i)) }
        }
        return box.results()
    }

    /// `body(i)` for every i in 0..<count on `threads` threads of its own, for work that waits between bursts
    /// of kernel work: `map` runs no more than the cores at once. Deleting 667 graduates' folders (36,000
    /// files) on this machine's ext4, mounted with `discard`, frees each file's blocks with a discard request
    /// that the deleting thread waits for (`perf`: `ext4_free_blocks` → `blkdev_issue_discard` →
    /// `submit_bio_wait`), so more threads keep more requests in flight: by `xargs -P`, eight threads took well
    /// under two-thirds of the time of two, and 32 less again (Docs/performance.md). Callers choose: see
    /// `Transaction.discard`.
    static func blocking(_ count: Int, threads: Int = 8, _ body: @escaping @Sendable (Int) -> Void) {
        precondition(threads > 0)
        let box = Jobs<Bool>(count)
        let started = min(threads, count)
        let finished = DispatchSemaphore(value: 0)
        for _ in 0..<max(started, 0) {
            let thread = Thread {
                while let i = box.take() {
                    body(i)
                    box.put(i, true)
                }
                finished.signal()
            }
            thread.start()
        }
        for _ in 0..<max(started, 0) { finished.wait() }
    }

    private final class Jobs<T: Sendable>: @unchecked Sendable {
        // Guarded by `lock`; the lock is held only to hand out an index or store a result.
        private let lock = NSLock()
        private var next = 0
        private let count: Int
        private var slots: [T?]

        init(_ count: Int) {
            self.count = count
            slots = Array(repeating: nil, count: count)
        }

        func take() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard next < count else { return nil }
            next += 1
            return next - 1
        }

        func put(_ i: Int, _ value: T) {
            lock.lock(); defer { lock.unlock() }
            slots[i] = value
        }

        func results() -> [T] { slots.map { $0! } }
    }
}
