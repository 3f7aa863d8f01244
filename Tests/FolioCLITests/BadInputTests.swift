import FolioCore
import FolioTestSupport
import Foundation
import Testing

/// Every refusal exits 1 with `error:` and `hint:` lines naming the rule, and leaves the workspace byte-for-byte
/// as it was.
@Suite struct BadInputTests {
    static let header = "學號,姓名,身分證號,出生日期,班級,年級,通訊地址,狀態,原就讀學校"

    /// Writes a students CSV (UTF-8 with BOM, CRLF) outside the workspace.
    private func writeCSV(_ ws: SampleCopy, _ name: String, _ rows: [String]) throws -> String {
        let path = ws.scratch(name)
        let text = ([Self.header] + rows).joined(separator: "\r\n") + "\r\n"
        try Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The one PHY-11A course outcome of 112020 that waits for T001 in the sample.
    private func pendingPhysicsItem(_ ws: SampleCopy) throws -> String {
        let items = try ws.items("112020").filter { $0.string("course") == "PHY-11A" && $0.string("status") == "uploaded" }
        try #require(items.count == 1)
        return try #require(items[0].string("id"))
    }

    /// The one ART-10A course outcome of 113025 whose teacher (T004) left.
    private func pendingArtItem(_ ws: SampleCopy) throws -> String {
        let items = try ws.items("113025").filter { $0.string("course") == "ART-10A" && $0.string("status") == "uploaded" }
        try #require(items.count == 1)
        return try #require(items[0].string("id"))
    }

    /// 2025-01-08 13:MM, one minute per step, inside every 113-1 window.
    static func minute(_ m: Int) -> String { "2025-01-08T13:" + (m < 10 ? "0" : "") + String(m) }

    // MARK: roster

    @Test func studentIDWithAWrongCheckDigitRefusesTheWholeRoster() throws {
        let ws = try SampleCopy()
        let valid = "A123456789"
        // The last digit has weight 1, so changing it always breaks the checksum.
        let broken = "A123456780"
        #expect((try? NationalID(valid)) != nil)
        #expect((try? NationalID(broken)) == nil, "the altered ID must really be invalid")
        let csv = try writeCSV(ws, "students-bad-id.csv", [
            "113030,王小明,\(valid),0980101,103,10,臺北市虛構區範例路1號,在學,",
            "113031,陳小華,\(broken),0980202,103,10,臺北市虛構區範例路2號,在學,",
        ])
        let before = try ws.snapshot()
        let r = try ws.folio(as: "R01", ["roster", "import", "students", csv])
        try expectRefused(r, naming: ["check digit", "line 3"], workspace: ws, unchangedFrom: before)
        #expect(!r.stderr.contains(broken), "an ID number must never be echoed")
    }

    @Test(arguments: [
        ("grade 13", "113032,林小安,AA00000009,0980303,103,13,臺北市虛構區範例路3號,在學,", "grade"),
        ("bad date", "113032,林小安,AA00000009,0981399,103,10,臺北市虛構區範例路3號,在學,", "date"),
    ])
    func malformedRowInTheThirdRowRefusesTheWholeImportNamingItsLine(what: String, row: String, word: String) throws {
        let ws = try SampleCopy()
        let csv = try writeCSV(ws, "students-bad-row.csv", [
            "113030,王小明,A123456789,0980101,103,10,臺北市虛構區範例路1號,在學,",
            "113031,陳小華,A800000014,0980202,103,10,臺北市虛構區範例路2號,在學,",
            row,
        ])
        let before = try ws.snapshot()
        // Header is line 1, so the third data row is line 4.
        try expectRefused(try ws.folio(as: "R01", ["roster", "import", "students", csv]),
                          naming: ["line 4", word, "Nothing was imported"], workspace: ws, unchangedFrom: before)
    }

    // MARK: limits

    @Test func seventhCourseOutcomeUploadInASemesterIsRefused() throws {
        let ws = try SampleCopy()
        #expect(try ws.items("112002").isEmpty)
        for (i, course) in ["PHY-11A", "PHY-11A", "HIS-11A", "HIS-11A", "MAT-10A", "MAT-10A"].enumerated() {
            _ = try ws.upload(student: "112002", course: course, description: "第\(i + 1)份學習成果", assets: ["history-essay.pdf"],
                              now: Self.minute(i))
        }
        let before = try ws.snapshot()
        let r = try ws.folio(as: "112002", SampleCopy.addArguments(
            student: "112002", term: "113-1", course: "MAT-10A", description: "第7份學習成果", files: [ws.asset("math-graph.png")]),
            now: Self.minute(6))
        try expectRefused(r, naming: ["limit", "113-1"], workspace: ws, unchangedFrom: before)
        // The limit is per semester: 113-2 starts afresh.
        _ = try ws.upload(student: "112002", term: "113-2", course: "PHY-11B", description: "下學期第1份",
                          assets: ["physics-lab-report.pdf"], now: "2025-02-20T10:00")
    }

    /// The per-semester upload limit is a school setting (another school allows 9): raising it lets the
    /// seventh upload in, and a teacher may not change it.
    @Test func uploadLimitIsASettingOfTheDataSection() throws {
        let ws = try SampleCopy()
        for i in 0..<6 {
            _ = try ws.upload(student: "112002", course: "PHY-11A", description: "設定測試\(i + 1)", assets: ["history-essay.pdf"],
                              now: Self.minute(i))
        }
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "T001", ["settings", "set", "--upload-limit", "9"], now: Self.minute(6)),
                          naming: ["T001"], workspace: ws, unchangedFrom: before)
        #expect(try ws.folio(as: "D01", ["settings", "set", "--upload-limit", "9"], now: Self.minute(6)).succeeded)
        _ = try ws.upload(student: "112002", course: "PHY-11A", description: "設定測試7", assets: ["history-essay.pdf"],
                          now: Self.minute(7))
        #expect(try ws.items("112002").count == 7)
    }

    /// Regression: with every upload in the same second, the seventh sorted (by id) before earlier ones and
    /// was accepted, while an earlier accepted item silently dropped out of the student's view.
    @Test func seventhUploadInTheSameSecondIsRefusedAndNoAcceptedItemDisappears() throws {
        let ws = try SampleCopy()
        var accepted: [String] = []
        for i in 1...6 {
            accepted.append(try ws.upload(student: "112002", course: "PHY-11A", description: "同一秒上傳\(i)",
                                          assets: ["history-essay.pdf"]))
        }
        let before = try ws.snapshot()
        for i in 7...9 {
            try expectRefused(try ws.folio(as: "112002", SampleCopy.addArguments(
                student: "112002", term: "113-1", course: "PHY-11A", description: "同一秒上傳\(i)",
                files: [ws.asset("history-essay.pdf")])), naming: ["limit"], workspace: ws, unchangedFrom: before)
        }
        #expect(Set(try ws.items("112002").compactMap { $0.string("id") }) == Set(accepted))
        let problems = try ws.status("112002")["problems"] as? [Any]
        #expect(problems?.isEmpty ?? true, "no accepted upload may be held back: \(problems ?? [])")
        try expectVerifies(ws)
    }

    @Test func seventhCourseOutcomeSelectionInAYearIsRefused() throws {
        let ws = try SampleCopy()
        var items: [String] = []
        let teachers = ["PHY-11A": "T001", "HIS-11A": "T002", "MAT-10A": "T003", "PHY-11B": "T001"]
        for (i, course) in ["PHY-11A", "PHY-11A", "HIS-11A", "HIS-11A", "MAT-10A", "MAT-10A"].enumerated() {
            let id = try ws.upload(student: "112002", course: course, description: "上學期成果\(i + 1)", assets: ["history-essay.pdf"],
                                   now: Self.minute(i))
            expectSuccess(try ws.folio(as: teachers[course]!, ["certify", "112002", id], now: Self.minute(10 + i)))
            items.append(id)
        }
        // Six per semester is the upload limit, so the seventh of the year comes from 113-2.
        let second = try ws.upload(student: "112002", term: "113-2", course: "PHY-11B", description: "下學期成果",
                                   assets: ["physics-lab-report.pdf"], now: "2025-06-20T10:00")
        expectSuccess(try ws.folio(as: "T001", ["certify", "112002", second], now: "2025-06-20T11:00"))
        items.insert(second, at: 0)
        for (i, id) in items.prefix(6).enumerated() {
            expectSuccess(try ws.folio(as: "112002", ["select", "112002", id], now: "2025-06-20T12:0\(i)"))
        }
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "112002", ["select", "112002", items[6]], now: "2025-06-20T12:06"),
                          naming: ["limit", "course learning outcomes"], workspace: ws, unchangedFrom: before)
        try expectVerifies(ws)
    }

    @Test func eleventhDiverseSelectionInAYearIsRefused() throws {
        let ws = try SampleCopy()
        var items: [String] = []
        for i in 1...11 {
            items.append(try ws.upload(student: "112002", category: "works", description: "作品\(i)",
                                       assets: ["art-poster.png"], fields: ["name": "作品集第\(i)號"], now: Self.minute(i)))
        }
        for (i, id) in items.prefix(10).enumerated() {
            expectSuccess(try ws.folio(as: "112002", ["select", "112002", id], now: Self.minute(20 + i)))
        }
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "112002", ["select", "112002", items[10]], now: Self.minute(30)),
                          naming: ["limit", "diverse"], workspace: ws, unchangedFrom: before)
    }

    @Test func selectingAnItemThatIsNotCertifiedIsRefused() throws {
        let ws = try SampleCopy()
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "112020", ["select", "112020", try pendingPhysicsItem(ws)]),
                          naming: ["not certified"], workspace: ws, unchangedFrom: before)
        // The sample's returned maths outcome cannot be selected either.
        let rejected = try #require(try ws.items("113001").first { $0.string("status") == "rejected" }?.string("id"))
        try expectRefused(try ws.folio(as: "113001", ["select", "113001", rejected]),
                          naming: ["rejected", "not certified"], workspace: ws, unchangedFrom: before)
    }

    // MARK: item ids

    /// What is typed for an item is looked up only if it is the start of an item id as `folio status` shows
    /// it (four to ten of 0-9 and lowercase a-f); anything else is refused for what it is, naming the rule.
    @Test(arguments: ["../../../x", "a/b", "UPPERCASE"])
    func typedItemIDThatIsNotLowercaseHexIsRefusedAsNoItemID(typed: String) throws {
        let ws = try SampleCopy()
        // The pending item's own first characters in capitals: a real item, but not as an id is written.
        let id = typed == "UPPERCASE" ? String(try pendingPhysicsItem(ws).prefix(6)).uppercased() : typed
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "T001", ["certify", "112020", id]),
                          naming: ["not an item id", "0-9", "a-f"], workspace: ws, unchangedFrom: before)
        try expectRefused(try ws.folio(as: "KIOSK1", SampleCopy.addArguments(
            student: "112020", term: "113-1", course: "PHY-11A", description: "重傳", files: [ws.asset("physics-lab-report.pdf")],
            replace: id)), naming: ["not an item id"], workspace: ws, unchangedFrom: before)
    }

    // MARK: files and descriptions

    @Test func documentOverFourMegabytesIsRefusedButExactlyFourIsAccepted() throws {
        let ws = try SampleCopy()
        func pdf(_ name: String, size: Int) throws -> String {
            var bytes = Array("%PDF-1.4\n".utf8)
            bytes += [UInt8](repeating: 0x20, count: size - bytes.count - 6) + Array("%%EOF\n".utf8)
            let path = ws.scratch(name)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
        let big = try pdf("big-report.pdf", size: 4 * 1024 * 1024 + 1)
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "112002", SampleCopy.addArguments(
            student: "112002", term: "113-1", course: "PHY-11A", description: "太大的報告", files: [big])),
                          naming: ["big-report.pdf", "limit", "MB"], workspace: ws, unchangedFrom: before)
        let exact = try pdf("exact-report.pdf", size: 4 * 1024 * 1024)
        expectSuccess(try ws.folio(as: "112002", SampleCopy.addArguments(
            student: "112002", term: "113-1", course: "PHY-11A", description: "剛好4MB的報告", files: [exact])))
        try expectVerifies(ws)
    }

    @Test func renamedFileIsRefused() throws {
        let ws = try SampleCopy()
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "112002", SampleCopy.addArguments(
            student: "112002", term: "113-1", course: "PHY-11A", description: "改了副檔名的圖", files: [ws.asset("renamed-png.pdf")])),
                          naming: ["renamed-png.pdf", "really a PNG"], workspace: ws, unchangedFrom: before)
    }

    @Test func descriptionOf101CharactersIsRefusedAnd100Accepted() throws {
        let ws = try SampleCopy()
        let before = try ws.snapshot()
        let long = String(repeating: "學", count: 101)
        try expectRefused(try ws.folio(as: "112002", SampleCopy.addArguments(
            student: "112002", term: "113-1", course: "PHY-11A", description: long, files: [ws.asset("physics-lab-report.pdf")])),
                          naming: ["description", "101 characters", "100"], workspace: ws, unchangedFrom: before)
        let id = try ws.upload(student: "112002", course: "PHY-11A", description: String(long.dropLast()),
                               assets: ["physics-lab-report.pdf"])
        #expect(try ws.item("112002", id).string("description")?.count == 100)
    }

    // MARK: windows and authority

    @Test func uploadAfterTheUploadWindowIsRefused() throws {
        let ws = try SampleCopy()
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "112002", SampleCopy.addArguments(
            student: "112002", term: "113-1", course: "PHY-11A", description: "遲交的報告",
            files: [ws.asset("physics-lab-report.pdf")]), now: "2025-02-04T09:00"),
                          naming: ["window", "closed"], workspace: ws, unchangedFrom: before)
    }

    @Test func certifyingACourseOneDoesNotTeachIsRefused() throws {
        let ws = try SampleCopy()
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "T002", ["certify", "112020", try pendingPhysicsItem(ws)]),
                          naming: ["T002", "not responsible", "T001"], workspace: ws, unchangedFrom: before)
    }

    @Test func delegateMayNotActWhileThePrimaryIsAvailable() throws {
        let ws = try SampleCopy()
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "L01", ["certify", "112020", try pendingPhysicsItem(ws)], for: "T001"),
                          naming: ["T001 is available", "delegate"], workspace: ws, unchangedFrom: before)
    }

    @Test func delegatesMustActInTheDutyTablesOrder() throws {
        let ws = try SampleCopy()
        let before = try ws.snapshot()
        try expectRefused(try ws.folio(as: "IT1", ["certify", "113025", try pendingArtItem(ws)], for: "T004"),
                          naming: ["L01", "delegate order"], workspace: ws, unchangedFrom: before)
    }

    @Test func keyFileOfAnotherPersonIsRefused() throws {
        let ws = try SampleCopy()
        let before = try ws.snapshot()
        let r = try ws.folio(["certify", "112020", try pendingPhysicsItem(ws), "--as", "T001", "--key", ws.key("T002")])
        try expectRefused(r, naming: ["key", "belongs to T002"], workspace: ws, unchangedFrom: before)
    }

    @Test func freshKeyThatIsNotRegisteredIsRefused() throws {
        let ws = try SampleCopy()
        let keyFile = ws.scratch("T001-new.key")
        let passphrase = ["FOLIO_PASSPHRASE": "a long enough passphrase"]
        expectSuccess(try FolioRunner.run(["key", "new", "--id", "T001", "--out", keyFile], env: passphrase))
        let before = try ws.snapshot()
        let r = try ws.folio(["certify", "112020", try pendingPhysicsItem(ws), "--as", "T001", "--key", keyFile], env: passphrase)
        try expectRefused(r, naming: ["key", "does not belong to T001"], workspace: ws, unchangedFrom: before)
    }
}
