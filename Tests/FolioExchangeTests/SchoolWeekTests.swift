import FolioCore
import FolioTestSupport
import Foundation
import Testing

/// A school week, replicated: the hub, the office replica, two kiosks and three teachers' laptops, joined
/// only by sticks that lose, repeat and delay bundles (`SchoolWeek`). After a final round in which every
/// replica syncs with the hub until nothing moves, each replica shows what the hub shows of what it holds,
/// the hub equals a hub that received every bundle in order, and `folio verify` passes everywhere.
///
/// By default it runs two fixed schedules, so CI is never red by chance: the second is one where two kiosks
/// each take a student's sixth course outcome and the office holds one back after a laptop has it.
/// `FOLIO_WEEK_SCHEDULES=N` runs N random schedules; every failure names its seed, and `FOLIO_WEEK_SEED=S`
/// replays that schedule (a comma-separated list replays several).
@Suite struct SchoolWeekTests {
    static let defaultSeeds: [UInt64] = [10390177573144866841, 103]

    static func seeds() -> [UInt64] {
        let env = ProcessInfo.processInfo.environment
        if let text = env["FOLIO_WEEK_SEED"], !text.isEmpty {
            return text.split(separator: ",").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        }
        guard let count = env["FOLIO_WEEK_SCHEDULES"].flatMap({ Int($0) }) else { return defaultSeeds }
        return (0..<max(count, 1)).map { _ in UInt64.random(in: 0...UInt64.max) }
    }

    @Test func everyReplicaEndsAsTheHubShowsItAndTheHubAsIfEverythingCameInOrder() throws {
        let seeds = Self.seeds()
        try #require(!seeds.isEmpty, "FOLIO_WEEK_SEED holds no seed")
        // Each schedule has its own workspaces, so two run side by side (much of the time goes in fsync).
        let outcomes = inParallel(seeds.count, width: 2) { n in
            Result { () throws -> (SchoolWeek.Figures, [String], [String]) in
                let week = try SchoolWeek(seed: seeds[n])
                let figures = week.run()
                return (figures, week.failures, week.log)
            }
        }
        for (seed, outcome) in zip(seeds, outcomes) {
            let replay = "seed \(seed) (replay with FOLIO_WEEK_SEED=\(seed) swift test --filter SchoolWeek)"
            switch outcome {
            case .failure(let error):
                Issue.record("\(replay): the schedule could not run: \(error)")
            case .success(let (figures, failures, log)):
                print("school week, \(replay): \(figures)")
                let keep = ProcessInfo.processInfo.environment["FOLIO_WEEK_LOG"]
                if !failures.isEmpty || keep != nil {
                    let file = (keep ?? NSTemporaryDirectory()) + "/folio-school-week-\(seed).log"
                    try? log.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
                    for failure in failures { Issue.record("\(replay): \(failure)\n(the schedule: \(file))") }
                }
            }
        }
    }
}
