import FolioCore
import Foundation

/// Reads and checks a bundle's records (`StagedBundle.readRecord`) on a thread of its own while the
/// bundle is still being extracted. Extraction runs on one core; the records' Ed25519 checks, a third
/// of a whole-school import when they waited for it, are done on the other meanwhile.
///
/// The results are only used once the bundle's signed header has been checked, and only for records the
/// header lists with the hash extraction found, exactly as if they had been read afterwards.
final class RecordPrefetch: @unchecked Sendable {
    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [String] = []
    private var next = 0
    private var closed = false
    private var results: [String: Result<StagedBundle.ReadRecord, FolioError>] = [:]
    private let done = DispatchSemaphore(value: 0)
    private let staging: String
    private let label: String

    init(staging: String, label: String) {
        self.staging = staging
        self.label = label
        Thread.detachNewThread { [self] in
            drain()
            done.signal()
        }
    }

    /// A record now complete in the staging folder.
    func add(_ path: String) {
        condition.lock()
        queue.append(path)
        condition.signal()
        condition.unlock()
    }

    /// Once everything is extracted: reads what is still queued on this thread too, waits for the other,
    /// and hands over the results by path.
    func finish() -> [String: Result<StagedBundle.ReadRecord, FolioError>] {
        close()
        drain()
        join()
        condition.lock(); defer { condition.unlock() }
        let out = results
        results = [:]
        return out
    }

    /// The bundle is refused: drops what is queued and waits for the thread, so that no thread is left
    /// reading once the import has given up (a read from a staging folder already removed just fails).
    /// Does nothing more after `finish`.
    func stop() {
        condition.lock()
        next = queue.count
        condition.unlock()
        close()
        join()
    }

    private func join() {
        done.wait()
        done.signal()  // so that a later `stop` does not wait forever
    }

    private func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func drain() {
        while let path = take() {
            guard let result = StagedBundle.readRecord(path, staging: staging, label: label) else { continue }
            condition.lock()
            results[path] = result
            condition.unlock()
        }
    }

    /// The next queued path, waiting for one while extraction goes on; nil once closed and empty.
    private func take() -> String? {
        condition.lock(); defer { condition.unlock() }
        while next == queue.count && !closed { condition.wait() }
        guard next < queue.count else { return nil }
        next += 1
        return queue[next - 1]
    }
}
