@testable import FolioWorkspace
import Foundation
import Testing

@Suite struct ParallelTests {
    /// Bodies that wait on something (the disk, here each other) run on threads of their own, eight at
    /// once whatever the number of cores; `map` would run two at a time on this machine, and each body
    /// would give up waiting for the other six.
    @Test func blockingRunsEveryIndexOnceWithEightAtATime() {
        final class Meeting: @unchecked Sendable {
            let condition = NSCondition()
            var running = 0, peak = 0
            var seen: [Int] = []
        }
        let meeting = Meeting()
        Parallel.blocking(24) { i in
            meeting.condition.lock()
            meeting.running += 1
            meeting.peak = max(meeting.peak, meeting.running)
            meeting.seen.append(i)
            meeting.condition.broadcast()
            // The first eight wait until all eight are in; later ones find the peak already reached.
            let giveUp = Date().addingTimeInterval(10)
            while meeting.peak < 8 && meeting.condition.wait(until: giveUp) {}
            meeting.running -= 1
            meeting.condition.unlock()
        }
        #expect(meeting.peak == 8)
        #expect(meeting.seen.sorted() == Array(0..<24))
        Parallel.blocking(0) { _ in Issue.record("no job to run") }
    }
}
