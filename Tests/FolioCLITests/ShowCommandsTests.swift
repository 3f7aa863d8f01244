import FolioTestSupport
import Foundation
import Testing

/// Commands whose help says "show or change" show when nothing is to change. Expected values are the
/// sample school's, as written in its roster and by the data section (資料組).
@Suite struct ShowCommandsTests {
    private func json(_ r: FolioResult) throws -> Any { try JSONSerialization.jsonObject(with: r.stdoutData) }

    @Test func settingsWithoutChangesShowEverySetting() throws {
        let ws = try SampleCopy()
        let before = try ws.snapshot()
        let shown = expectSuccess(try ws.folio(["settings"]))
        for line in ["per semester", "6", "per academic year", "10", "stays sealed", "5", "4 MB", "10 MB", "--upload-limit"] {
            #expect(shown.stdout.contains(line), "\(line) missing: \(shown)")
        }
        #expect(expectSuccess(try ws.folio(["settings", "show"])).stdout == shown.stdout)
        let object = try #require(try json(expectSuccess(try ws.folio(["settings", "--json"]))) as? [String: Any])
        #expect(object["uploadLimitPerTerm"] as? Int == 6 && object["courseSelectionLimit"] as? Int == 6
                && object["diverseSelectionLimit"] as? Int == 10 && object["retentionYears"] as? Int == 5, "\(object)")
        #expect(try ws.snapshot() == before, "showing the settings changed the workspace")

        // `settings set` with nothing to set records nothing.
        try expectRefused(try ws.folio(as: "D01", ["settings", "set"]), naming: ["nothing to change", "folio settings"],
                          workspace: ws, unchangedFrom: before)
        expectSuccess(try ws.folio(as: "D01", ["settings", "set", "--upload-limit", "9"]))
        let changed = try #require(try json(expectSuccess(try ws.folio(["settings", "--json"]))) as? [String: Any])
        #expect(changed["uploadLimitPerTerm"] as? Int == 9 && changed["courseSelectionLimit"] as? Int == 6, "\(changed)")
        let row = try #require(expectSuccess(try ws.folio(["settings"])).stdout.split(separator: "\n").first { $0.contains("per semester") })
        #expect(row.contains(" 9 ") && !row.contains(" 6 "), "\(row)")
    }

    @Test func calendarWithoutChangesShowsATermsDatesAndWindows() throws {
        let ws = try SampleCopy()
        let before = try ws.snapshot()
        let term = expectSuccess(try ws.folio(["calendar", "--term", "113-1"]))
        for text in ["113-1", "2024-08-30", "2025-01-31", "2025-01-20", "2024-09-02 to 2025-02-03",
                     "2024-09-02 to 2025-02-10", "2025-01-06 to 2025-02-10"] {
            #expect(term.stdout.contains(text), "\(text) missing: \(term)")
        }
        #expect(!term.stdout.contains("113-2"), "\(term)")
        let object = try #require(try json(expectSuccess(try ws.folio(["calendar", "show", "--term", "113-1", "--json"]))) as? [String: Any])
        #expect(object["closingCeremony"] as? String == "2025-01-20", "\(object)")

        let all = expectSuccess(try ws.folio(["calendar"]))
        #expect(all.stdout.contains("113-1") && all.stdout.contains("113-2"), "\(all)")
        let terms = try #require(try json(expectSuccess(try ws.folio(["calendar", "--json"]))) as? [[String: Any]])
        #expect(terms.compactMap { $0["term"] as? String } == ["113-1", "113-2"], "\(terms)")

        try expectRefused(try ws.folio(["calendar", "--term", "114-1"]), naming: ["114-1", "113-1, 113-2"],
                          workspace: ws, unchangedFrom: before)
        // The schedule of a term without a calendar is refused, not shown with another term's windows.
        try expectRefused(try ws.folio(["schedule", "--term", "114-1"]), naming: ["114-1", "113-1, 113-2"],
                          workspace: ws, unchangedFrom: before)
        #expect(try ws.snapshot() == before, "showing the calendar changed the workspace")
    }
}
