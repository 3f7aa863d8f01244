import Foundation

/// Work done on one thread of its own while the calling thread goes on with something else: copying an
/// archive (export, import) keeps one core busy, and the records' Ed25519 checks fit on the other.
///
/// Items are added as they become available. `finish` lets the calling thread help with what is still
/// queued, waits for the thread, and returns the outputs in the order their items were added; `stop`
/// drops what is queued and waits. Either way nothing runs on after the caller has returned.
final class BackgroundQueue<Item: Sendable, Output: Sendable>: @unchecked Sendable {
    // Everything below is guarded by `condition`; `done` is signalled when the thread ends.
    private let condition = NSCondition()
    private var items: [Item] = []
    private var next = 0
    private var closed = false
    private var outputs: [(index: Int, output: Output)] = []
    private let done = DispatchSemaphore(value: 0)
    private let work: @Sendable (Item) -> Output?

    /// `work` turns an item into an output, or nil for none.
    init(_ work: @escaping @Sendable (Item) -> Output?) {
        self.work = work
        Thread.detachNewThread { [self] in
            drain()
            done.signal()
        }
    }

    func add(_ item: Item) {
        condition.lock()
        items.append(item)
        condition.signal()
        condition.unlock()
    }

    /// Whether any item has given an output so far.
    var hasOutput: Bool {
        condition.lock(); defer { condition.unlock() }
        return !outputs.isEmpty
    }

    /// Once every item is added: works through what is left on this thread too, waits for the other, and
    /// hands over the outputs in item order. They are handed over once (a second call gives none): a
    /// whole school's records are 50,000 outputs, and two copies of them would raise the peak.
    func finish() -> [Output] {
        close()
        drain()
        join()
        condition.lock()
        var taken: [(index: Int, output: Output)] = []
        swap(&taken, &outputs)
        condition.unlock()
        taken.sort { $0.index < $1.index }
        return taken.map(\.output)
    }

    /// Drops what is still queued and waits for the thread. Does nothing more after `finish`.
    func stop() {
        condition.lock()
        next = items.count
        condition.unlock()
        close()
        join()
    }

    private func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func join() {
        done.wait()
        done.signal()  // so that a later `stop` or `finish` does not wait forever
    }

    private func drain() {
        while let (index, item) = take() {
            guard let output = work(item) else { continue }
            condition.lock()
            outputs.append((index, output))
            condition.unlock()
        }
    }

    /// The next queued item, waiting for one while more may come; nil once closed and empty.
    private func take() -> (Int, Item)? {
        condition.lock(); defer { condition.unlock() }
        while next == items.count && !closed { condition.wait() }
        guard next < items.count else { return nil }
        next += 1
        return (next - 1, items[next - 1])
    }
}
