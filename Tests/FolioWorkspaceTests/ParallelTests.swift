@testable import FolioWorkspace
import Foundation
import Testing

@Suite struct ParallelTests {
    /// Bodies that wait on something (the disk, here each other) run on threads of their own, as many at once
    /// as asked whatever the number of cores; `map` would run two at a time on this machine, and each body
    /// would give up waiting for the others.
    private func peak(jobs: Int, threads: Int?, waitingFor target: Int) -> (peak: Int, seen: [Int]) {
        final class Meeting: @unchecked Sendable {
            let condition = NSCondition()
            var running = 0, peak = 0
            var seen: [Int] = []
        }
        let meeting = Meeting()
        let body: @Sendable (Int) -> Void = { i in
            meeting.condition.lock()
            meeting.running += 1
            meeting.peak = max(meeting.peak, meeting.running)
            meeting.seen.append(i)
            meeting.condition.broadcast()
            // The first `target` wait until all of them are in; later ones find the peak already reached.
            let giveUp = Date().addingTimeInterval(10)
            while meeting.peak < target && meeting.condition.wait(until: giveUp) {}
            meeting.running -= 1
            meeting.condition.unlock()
        }
        if let threads { Parallel.blocking(jobs, threads: threads, body) } else { Parallel.blocking(jobs, body) }
        return (meeting.peak, meeting.seen.sorted())
    }

    @Test func blockingRunsEveryIndexOnceWithAsManyAtATimeAsAsked() {
        let byDefault = peak(jobs: 24, threads: nil, waitingFor: 8)
        #expect(byDefault.peak == 8)
        #expect(byDefault.seen == Array(0..<24))
        // Sealing deletes on 32 (more discard requests in flight for the disk).
        let many = peak(jobs: 80, threads: 32, waitingFor: 32)
        #expect(many.peak == 32)
        #expect(many.seen == Array(0..<80))
        Parallel.blocking(0) { _ in Issue.record("no job to run") }
    }
}
