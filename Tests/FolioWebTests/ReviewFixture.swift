import FolioCore
import FolioTestSupport
import FolioWeb
import Foundation
import Hummingbird
import Testing

/// A teacher's review desk over a workspace: the teacher's laptop, joined from the office's certification
/// request on a stick (through the built `folio`), or the office's own copy.
final class ReviewFixture: @unchecked Sendable {
    let school: SampleCopy
    let workspace: String

    /// `laptop`: T001's laptop replica; otherwise the office's copy (the sample itself).
    init(laptop: Bool) throws {
        school = try SampleCopy(now: "2025-01-08T13:00")
        guard laptop else {
            workspace = school.root.path
            return
        }
        let usb = school.scratch("usb")
        workspace = school.scratch("laptop")
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        try KioskFixture.require(try school.folio(as: "R01", ["bundle", "export", "--kind", "cert-request", "--to", "T001", "--out", usb]))
        let request = try #require(SampleCopy.listing(usb).first { $0.hasPrefix("request-") })
        try KioskFixture.require(try school.folio(in: workspace, as: "T001", ["init", "--dir", workspace, "--join", "\(usb)/\(request)"],
                                                  now: "2025-01-08T20:00"))
    }

    /// The desk's pages for the people whose sample key files are named, with the clock at `now`.
    func application(_ people: [String], now: String = "2025-01-09T10:00") throws -> some ApplicationProtocol {
        var options = ServeOptions(workspace: workspace,
                                   mode: .staff(keys: Dictionary(uniqueKeysWithValues: people.map { ($0, school.key($0)) })))
        let instant = try #require(Instant(iso: now))
        options.clock = { instant }
        return Application(router: try FolioServer.router(options, gate: WorkspaceGate(root: workspace)))
    }

    func snapshot() throws -> TreeSnapshot { try TreeSnapshot(of: URL(fileURLWithPath: workspace)) }

    /// An item as `folio status STUDENT --json` shows it in this workspace.
    func item(_ student: String, _ id: String) throws -> [String: Any]? {
        let r = try school.folio(in: workspace, ["status", student, "--json"], now: "2025-01-09T12:00")
        try KioskFixture.require(r)
        let items = ((try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])?["items"] as? [[String: Any]]) ?? []
        return items.first { $0["id"] as? String == id }
    }
}

extension WebVisitor {
    /// Signs a member of staff in: their name from the list, their key file's passphrase.
    @discardableResult
    func signIn(staff id: String, passphrase: String) async throws -> Page {
        let form = try await get("/signin")
        return try await post("/signin", form: [("signin", form.field("signin") ?? ""), ("person", id), ("passphrase", passphrase)])
    }
}
