import FolioCore
import FolioTestSupport
import FolioWorkspace
import Foundation
import Testing

/// The conflict from the exchange week is settled with `folio resolve` on T001's laptop and travels to
/// the office in an ordinary certifications bundle.
@Suite struct ResolveExchangeTests {
    typealias Bundle = ExchangeWeek.Bundle

    @Test func aResolutionTravelsLikeAnyDecisionAndKeepsBothInHistory() throws {
        let week = try ExchangeWeek()
        let hub = week.hub
        let item = week.disputedItem
        let teacherBundles: [Bundle] = [.t001First, .t003First, .delegate, .t001Second, .t003Second, .t003Forged]
        try must(hub.folio(as: "R01", ["bundle", "import"] + teacherBundles.map(week.file), now: "2025-01-08T08:00"))
        let open = try #require(try json(hub, ["conflicts"]) as? [[String: Any]])
        try #require(open.map { "\($0["student"] as? String ?? "?") \($0["item"] as? String ?? "?")" } == ["112001 \(item)"])

        // The office sends T001 a request: the item in conflict comes with both decisions on its version.
        let stick = hub.scratch("to-t001")
        try FileManager.default.createDirectory(atPath: stick, withIntermediateDirectories: true)
        let request = try exportedPath(hub.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001",
                                                             "--out", stick, "--json"], now: "2025-01-08T09:00"))
        try must(week.t001.folio(["bundle", "import", request], as: "T001", now: "2025-01-08T09:30"))
        let onLaptop = try #require(try JSONSerialization.jsonObject(
            with: must(week.t001.folio(["conflicts", "--json"], now: "2025-01-08T09:30")).stdoutData) as? [[String: Any]])
        #expect(onLaptop.map { $0["item"] as? String } == [item])
        #expect(Set((onLaptop.first?["decisions"] as? [[String: Any]] ?? []).compactMap { $0["event"] as? String })
                == [week.t001Certifies, week.t003Rejects])

        // T001 settles it as certified; the resolution is one new record on the laptop.
        let resolution = try week.t001.newEvent(student: "112001") {
            let r = try must(week.t001.folio(["resolve", "112001", item, "--certify"], as: "T001", now: "2025-01-08T10:00"))
            #expect(r.stdout.contains("Settled item \(item)"), "\(r)")
        }
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(
            fileURLWithPath: week.t001.root + "/students/112001/events/\(resolution).json"))) as? [String: Any])
        let event = try #require(record["event"] as? [String: Any])
        #expect(event["kind"] as? String == "item.certified")
        #expect(event["author"] as? String == "T001")
        let body = try #require(event["body"] as? [String: Any])
        #expect(body["item"] as? String == item)
        #expect(Set(body["settles"] as? [String] ?? []) == [week.t001Certifies, week.t003Rejects])

        // Back at the office, like any certifications bundle.
        let back = try week.t001.exportCertifications(as: "T001", to: hub.scratch("to-hub"), now: "2025-01-08T10:05")
        let imported = try #require(try JSONSerialization.jsonObject(
            with: must(hub.folio(as: "R01", ["bundle", "import", back, "--json"], now: "2025-01-08T11:00")).stdoutData) as? [[String: Any]])
        #expect(imported.first?["newEvents"] as? Int == 1, "\(imported)")
        #expect((imported.first?["conflicts"] as? [Any])?.isEmpty == true, "\(imported)")

        #expect((try json(hub, ["conflicts"]) as? [Any])?.isEmpty == true)
        let school = try #require(try json(hub, ["status"]) as? [String: Any])
        #expect(school["conflicts"] as? Int == 0)
        let student = try #require(try json(hub, ["status", "112001"]) as? [String: Any])
        #expect((student["conflicts"] as? [Any])?.isEmpty == true)
        let settled = try #require((student["items"] as? [[String: Any]])?.first { $0["id"] as? String == item })
        #expect(settled["status"] as? String == "certified")
        #expect((settled["decision"] as? [String: Any])?["event"] as? String == resolution)
        let text = try must(hub.folio(["status", "112001"])).stdout
        #expect(!text.contains("CONFLICT"), "\(text)")

        // Both earlier decisions stay in the item's history, in the manifest itself, before the resolution.
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(
            fileURLWithPath: hub.path("students/112001/manifest.json")))) as? [String: Any])
        let history = try #require((manifest["items"] as? [[String: Any]])?.first { $0["id"] as? String == item }?["history"] as? [String])
        let t001 = try #require(history.firstIndex(of: week.t001Certifies))
        let t003 = try #require(history.firstIndex(of: week.t003Rejects))
        let settledAt = try #require(history.firstIndex(of: resolution))
        #expect(t001 < settledAt && t003 < settledAt, "\(history)")
        try expectVerifies(hub, "after the resolution")

        // A copy of the hub from before the week that receives everything newest first, one bundle per run,
        // ends byte-identical: the resolution merges like any other decision.
        let restored = try SampleCopy(now: "2025-01-08T11:00")
        for file in ([back] + Bundle.allCases.reversed().map(week.file)) {
            try must(restored.folio(as: "R01", ["bundle", "import", file]))
        }
        let expected = try hub.snapshot()
        let actual = try restored.snapshot()
        #expect(actual == expected, "\(actual.differences(from: expected))")
    }
}
