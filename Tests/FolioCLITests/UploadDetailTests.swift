import FolioTestSupport
import Foundation
import Testing

/// What a student gives as a file or a description, refused for its real reason, with nothing changed.
@Suite struct UploadDetailTests {
    func add(_ ws: SampleCopy, description: String = "報告", file: String) throws -> FolioResult {
        try ws.folio(as: "112002", SampleCopy.addArguments(student: "112002", term: "113-1", course: "PHY-11A",
                                                          description: description, files: [file]))
    }

    @Test func eachBadFileOrDescriptionSaysItsRealReason() throws {
        let ws = try SampleCopy()
        let folder = ws.scratch("作品集")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let pipe = ws.scratch("pipe.pdf")
        #expect(mkfifo(pipe, 0o600) == 0)
        let long = ws.scratch(String(repeating: "很", count: 67) + ".pdf")
        try FileManager.default.copyItem(atPath: ws.asset("physics-lab-report.pdf"), toPath: long)
        let before = try ws.snapshot()
        let cases: [(FolioResult, [String])] = [
            (try add(ws, file: folder), ["is a folder, not a file"]),
            (try add(ws, file: pipe), ["not an ordinary file"]),
            (try add(ws, file: long), ["too long", "205 bytes"]),
            (try add(ws, description: "第一行\n第二行", file: ws.asset("physics-lab-report.pdf")), ["one line"]),
            (try add(ws, file: ws.scratch("missing.pdf")), ["There is no file"]),
        ]
        for (r, words) in cases {
            try expectRefused(r, naming: words, workspace: ws, unchangedFrom: before)
        }
    }
}
