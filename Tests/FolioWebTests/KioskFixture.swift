import FolioCore
import FolioTestSupport
import FolioWeb
import Foundation
import Hummingbird
import Testing

/// A classroom kiosk as a school starts one: a workspace of its own, joined from the office's school update
/// on a stick (through the built `folio`), with the pages over it in this process at a fixed time.
final class KioskFixture: @unchecked Sendable {
    let school: SampleCopy
    let kiosk: String

    /// `prepare` runs at the office before the kiosk is joined (a submission whose receipts the kiosk should hold).
    init(now: String = "2025-01-08T13:00", prepare: (SampleCopy) throws -> Void = { _ in }) throws {
        school = try SampleCopy(now: now)
        try prepare(school)
        let usb = school.scratch("usb")
        kiosk = school.scratch("kiosk")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        try Self.require(try school.folio(as: "IT1", ["bundle", "export", "--kind", "school-update", "--to", "KIOSK1", "--out", usb]))
        let update = try #require(SampleCopy.listing(usb).first { $0.hasPrefix("update-") })
        try Self.require(try school.folio(in: kiosk, as: "KIOSK1", ["init", "--dir", kiosk, "--join", "\(usb)/\(update)"], now: now))
    }

    static func require(_ result: FolioResult) throws {
        guard result.succeeded else { throw FolioHarnessError("\(result)") }
    }

    /// The kiosk's pages, with the clock at `now`.
    func application(now: String = "2025-01-08T14:00", idleMinutes: Int? = nil, signInWait: TimeInterval = 2) throws -> some ApplicationProtocol {
        var options = ServeOptions(workspace: kiosk, mode: .kiosk, idleMinutes: idleMinutes)
        options.signInWait = signInWait
        let instant = try #require(Instant(iso: now))
        options.clock = { instant }
        return Application(router: try FolioServer.router(options, gate: WorkspaceGate(root: kiosk)))
    }

    /// The kiosk's workspace byte for byte (without `.folio/`).
    func snapshot() throws -> TreeSnapshot { try TreeSnapshot(of: URL(fileURLWithPath: kiosk)) }

    /// What `folio status STUDENT --json` says at the kiosk.
    func items(_ student: String) throws -> [[String: Any]] {
        let r = try school.folio(in: kiosk, ["status", student, "--json"], now: "2025-01-08T15:00")
        try Self.require(r)
        return ((try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])?["items"] as? [[String: Any]]) ?? []
    }

    func secret(_ student: String) -> String { school.secret(student) }
}
