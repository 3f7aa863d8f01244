import FolioTar
import FolioTestSupport
import Foundation
import Testing

/// A caller that judges entries as they are extracted can stop the read at once: nothing after the entry it
/// refuses is read or written, and the staging folder is removed as on any other error.
@Suite struct TarReaderStopTests {
    static let inputs: [TarInput] = [
        .bytes("a.txt", Data("first\n".utf8)),
        .bytes("b.txt", Data("second\n".utf8)),
        .bytes("c.txt", Data(repeating: 0x63, count: 200_000)),
    ]

    /// Refused as announced: the refused entry's data is never written, the later ones never announced.
    @Test func refusingAnEntryAsItIsAnnouncedStopsBeforeItsData() throws {
        let dir = try TemporaryDirectory()
        var announced: [String] = []
        var complete: [String] = []
        #expect(throws: TarError.stoppedByCaller(path: "b.txt")) {
            try TarReader().extract(.memory(SampleArchives.archive(Self.inputs)), intoNewDirectory: dir.child("staging"),
                                    admitting: { head in
                                        announced.append(head.path)
                                        #expect(head.sha256 == nil, "announced before its data is read")
                                        return head.path != "b.txt"
                                    }, each: { entry in
                                        complete.append(entry.path)
                                        return true
                                    })
        }
        #expect(announced == ["a.txt", "b.txt"])
        #expect(complete == ["a.txt"])
        #expect(!FileManager.default.fileExists(atPath: dir.child("staging")))
    }

    /// Refused once complete (a hash that differs): the next entry is never announced.
    @Test func refusingACompleteEntryStopsBeforeTheNext() throws {
        let dir = try TemporaryDirectory()
        var announced: [String] = []
        #expect(throws: TarError.stoppedByCaller(path: "b.txt")) {
            try TarReader().extract(.memory(SampleArchives.archive(Self.inputs)), intoNewDirectory: dir.child("staging"),
                                    admitting: { announced.append($0.path); return true },
                                    each: { $0.path != "b.txt" })
        }
        #expect(announced == ["a.txt", "b.txt"])
        #expect(!FileManager.default.fileExists(atPath: dir.child("staging")))
    }
}
