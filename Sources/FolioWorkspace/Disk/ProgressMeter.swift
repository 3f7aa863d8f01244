import FolioCore
import Foundation
import Synchronization

/// How far a long piece of work has come: counted by the library as it goes (from any thread), shown by the
/// front end. The CLI shows it on a terminal only, and only once the work has run past `quietFor`, so
/// everyday commands print nothing more; a script or `--json` never sees it.
public final class ProgressMeter: Sendable {
    /// What the front end gets to show.
    public struct Reading: Sendable {
        public let what: Message
        /// What is counted: students, or a bundle's entries (records and files).
        public let unit: Message
        public let done: Int
        public let total: Int
        public let bytes: Int64
        public let elapsed: Duration

        /// The time left at the pace so far, once there is a pace to go by.
        public var left: Duration? {
            guard done > 0, (done < total), elapsed > .milliseconds(500) else { return nil }
            return elapsed * (Double(total - done) / Double(done))
        }
    }

    /// Set by the front end when it can show progress (the CLI: standard error is a terminal, no `--json`).
    nonisolated(unsafe) public static var show: (@Sendable (Reading?) -> Void)?
    /// Nothing is shown before the work has run this long (`FOLIO_PROGRESS_AFTER_MS` in a demo school, for tests).
    public static var quietFor: Duration {
        DemoSchool.hook("FOLIO_PROGRESS_AFTER_MS").flatMap(Int.init).map { .milliseconds($0) } ?? .seconds(2)
    }
    static let every = Duration.milliseconds(250)

    private let what: Message
    private let unit: Message
    private let total: Int
    private let quiet = ProgressMeter.quietFor
    private let started = ContinuousClock.now
    private let done = Atomic<Int>(0)
    private let bytes = Atomic<Int64>(0)
    /// Nanoseconds after `started` when a reading was last shown (-1: never).
    private let shown = Atomic<Int64>(-1)

    public init(_ what: Message, total: Int, unit: Message = Message("progress.unit.students")) {
        self.what = what
        self.total = total
        self.unit = unit
    }

    /// Counts `count` more of the total done, and `bytes` more bytes; shows a reading at most every 250 ms.
    public func advance(_ count: Int = 1, bytes more: Int64 = 0) {
        let now = done.add(count, ordering: .relaxed).newValue
        let total = bytes.add(more, ordering: .relaxed).newValue
        guard let show = Self.show else { return }
        let elapsed = ContinuousClock.now - started
        guard elapsed >= quiet else { return }
        let at = elapsed.nanoseconds
        let last = shown.load(ordering: .relaxed)
        guard last < 0 || at - last >= Self.every.nanoseconds,
              shown.compareExchange(expected: last, desired: at, ordering: .relaxed).exchanged else { return }
        show(Reading(what: what, unit: unit, done: now, total: self.total, bytes: total, elapsed: elapsed))
    }

    /// The work is over: a reading shown is cleared.
    public func finish() {
        if shown.load(ordering: .relaxed) >= 0 { Self.show?(nil) }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
