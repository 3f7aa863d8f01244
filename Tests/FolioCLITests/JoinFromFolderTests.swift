import FolioTestSupport
import Foundation
import Testing

/// `folio init --join FOLDER`: a replica starts from the stick's folder, which may hold bundles for many
/// people; folio finds the one meant for --as by its envelope, or refuses and creates nothing.
@Suite struct JoinFromFolderTests {
    private func stick(_ ws: SampleCopy, _ name: String = "usb") throws -> String {
        let usb = ws.scratch(name)
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        return usb
    }

    @Test func eachReplicaFindsItsOwnBundleOnASharedStick() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let usb = try stick(ws)
        expectSuccess(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", usb]))
        expectSuccess(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", usb]))
        let request = try #require(SampleCopy.listing(usb).first { $0.hasPrefix("request-") }, "\(SampleCopy.listing(usb))")
        let update = try #require(SampleCopy.listing(usb).first { $0.hasPrefix("update-") }, "\(SampleCopy.listing(usb))")

        let laptop = ws.scratch("laptop"), kiosk = ws.scratch("kiosk")
        let teacher = expectSuccess(try ws.folio(in: laptop, as: "T001", ["init", "--dir", laptop, "--join", usb], now: "2025-01-09T20:00"))
        #expect(teacher.stdout.contains("Starting from \(request)"), "\(teacher)")
        let laptopConfig = try String(contentsOfFile: "\(laptop)/folio.json", encoding: .utf8)
        #expect(laptopConfig.contains("\"role\" : \"teacher\"") && laptopConfig.contains("\"owner\" : \"T001\""), "\(laptopConfig)")
        // The request carries T001's waiting physics item.
        #expect(FileManager.default.fileExists(atPath: "\(laptop)/students/112020/manifest.json"))

        let device = expectSuccess(try ws.folio(in: kiosk, as: "KIOSK1", ["init", "--dir", kiosk, "--join", usb], now: "2025-01-09T20:00"))
        #expect(device.stdout.contains("Starting from \(update)"), "\(device)")
        let kioskConfig = try String(contentsOfFile: "\(kiosk)/folio.json", encoding: .utf8)
        #expect(kioskConfig.contains("\"role\" : \"kiosk\"") && kioskConfig.contains("\"owner\" : \"KIOSK1\""), "\(kioskConfig)")
        expectSuccess(try ws.folio(in: kiosk, ["verify"], now: "2025-01-09T20:01"))
    }

    /// A refusal that leaves no workspace behind.
    private func expectNothingStarted(_ r: FolioResult, at dir: String, naming words: [String],
                                      sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 1 && r.stderr.contains("error: ") && r.stderr.contains("hint: "), "\(r)", sourceLocation: sourceLocation)
        for word in words { #expect(r.stderr.contains(word), "\(word) missing: \(r.stderr)", sourceLocation: sourceLocation) }
        #expect(!FileManager.default.fileExists(atPath: dir), "a refused join left \(dir) behind", sourceLocation: sourceLocation)
    }

    @Test func aFolderWithNothingForThisReplicaIsRefused() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let empty = try stick(ws, "empty"), usb = try stick(ws)
        let laptop = ws.scratch("laptop")
        expectNothingStarted(try ws.folio(in: laptop, as: "T002", ["init", "--dir", laptop, "--join", empty], now: "2025-01-09T20:00"),
                             at: laptop, naming: ["no folio bundle", empty])

        // Only other people's bundles: T001's request and the kiosk's school update.
        expectSuccess(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", usb]))
        expectSuccess(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", usb]))
        let stickBefore = SampleCopy.listing(usb)
        expectNothingStarted(try ws.folio(in: laptop, as: "T002", ["init", "--dir", laptop, "--join", usb], now: "2025-01-09T20:00"),
                             at: laptop, naming: ["T002"] + stickBefore)
        #expect(SampleCopy.listing(usb) == stickBefore)
    }

    @Test func twoBundlesForTheSamePersonAreNotGuessedBetween() throws {
        let ws = try SampleCopy(now: "2025-01-08T13:00")
        let usb = try stick(ws)
        expectSuccess(try ws.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "T001", "--out", usb]))
        expectSuccess(try ws.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", usb]))
        let names = SampleCopy.listing(usb)
        #expect(names.count == 2, "\(names)")
        let laptop = ws.scratch("laptop")
        expectNothingStarted(try ws.folio(in: laptop, as: "T001", ["init", "--dir", laptop, "--join", usb], now: "2025-01-09T20:00"),
                             at: laptop, naming: names + ["2 bundles meant for T001"])
    }
}
