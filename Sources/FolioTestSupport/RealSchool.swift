import FolioCore
import FolioWorkspace
import Foundation

/// A real school's workspace, made through the built binary the way an IT section would: keys of its own
/// sealed with a passphrase (mode 0600), no `--demo`, so `FOLIO_NOW`, the test hooks and the published demo
/// keys are all refused, and its records are dated by the real clock. Its one term's calendar is laid
/// around today, so uploads are open whenever the tests run.
public final class RealSchool: @unchecked Sendable {
    public static let passphrase = "a passphrase for the tests"
    public static let code = "999903"
    public static let student = "115001"
    /// The scrypt cost of the school's keys (2^12 rounds): what a debug build allows a test to choose, so the
    /// dozens of keys opened here cost milliseconds. A real key file costs 2^17 (`ScryptCost.keyFile`).
    public static let keyCost = 12

    public let base: URL
    public let root: String
    public let keys: String

    public init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("folio-real-\(UUID().uuidString)")
        root = base.appendingPathComponent("school").path
        keys = base.appendingPathComponent("keys").path
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        for id in ["root", "R01", "T001", "D01", "I01", "IT1", "KIOSK1"] {
            try must(["key", "new", "--id", id, "--out", key(id)], env: ["FOLIO_KEY_COST": String(Self.keyCost)])
        }
        try must(["init", "--dir", root, "--school", Self.code, "--name", "實測高級中學", "--key", key("root")], workspace: false)
        for (id, office) in [("R01", "registration"), ("T001", "course-teacher"), ("D01", "data"), ("I01", "instruction"), ("IT1", "it")] {
            try must(["staff", "add", id, "--name", id, "--office", office, "--public-key", key(id) + ".pub"], as: "root")
        }
        try must(["staff", "add", "KIOSK1", "--name", "101教室資訊站", "--kind", "device", "--office", "device",
                  "--public-key", key("KIOSK1") + ".pub"], as: "root")
        let today = Date()
        func day(_ offset: Int) -> String {
            let f = DateFormatter()
            f.dateFormat = "yyyy-MM-dd"
            f.timeZone = TimeZone(identifier: "Asia/Taipei")
            return f.string(from: today.addingTimeInterval(Double(offset) * 86_400))
        }
        let window = "\(day(-30)):\(day(60))"
        try must(["calendar", "set", "--term", "115-1", "--start", day(-40), "--end", day(70), "--closing", day(65),
                  "--upload", window, "--certify", window, "--select", window], as: "D01")
        try must(["course", "add", "PHY-A", "--name", "物理", "--term", "115-1", "--teacher", "T001"], as: "I01")
        let roster = base.appendingPathComponent("students.csv").path
        // A fictional national ID whose check digit is right (the domain's own example).
        try "學號,姓名,身分證號,出生日期,班級,年級,通訊地址,狀態\n\(Self.student),測試生,A123456789,0980101,101,10,臺北市虛構區,在學\n"
            .write(toFile: roster, atomically: true, encoding: .utf8)
        try must(["roster", "import", "students", roster, "--apply"], as: "R01")
    }

    deinit { try? FileManager.default.removeItem(at: base) }

    public func key(_ id: String) -> String { keys + "/\(id).key" }
    public func path(_ relative: String) -> String { base.appendingPathComponent(relative).path }

    /// Runs folio in the real school, with the real clock (unless `env` brings FOLIO_NOW, or `faketime` gives
    /// libfaketime's arguments, such as `["-f", "+2500d"]`).
    @discardableResult
    public func folio(_ arguments: [String], as who: String? = nil, env: [String: String] = [:],
                      workspace: Bool = true, faketime: [String]? = nil) throws -> FolioResult {
        var args = arguments
        if let who { args += ["--as", who, "--key", key(who)] }
        if workspace { args += ["--workspace", root] }
        let environment = ["FOLIO_PASSPHRASE": Self.passphrase].merging(env) { $1 }
        // libfaketime moves the clock folio reads, as a user who sets the computer's date would.
        return try FolioRunner.run(args, env: environment, wrapper: faketime.map { ["faketime"] + $0 } ?? [])
    }

    @discardableResult
    func must(_ arguments: [String], as who: String? = nil, workspace: Bool = true, env: [String: String] = [:]) throws -> FolioResult {
        let r = try folio(arguments, as: who, env: env, workspace: workspace && arguments.first != "key")
        guard r.succeeded else { throw FolioHarnessError("setting up the real school failed: \(r)") }
        return r
    }

    /// The school root fingerprint, as `folio root show` prints it.
    public func rootFingerprint() throws -> String {
        let r = try folio(["root", "show"])
        guard let line = r.stdout.split(separator: "\n").first(where: { $0.hasPrefix("Pinned school root") }),
              let colon = line.lastIndex(of: ":") else { throw FolioHarnessError("no fingerprint: \(r)") }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    /// `id`'s key as an old `folio-key/1` file would hold it: the private key in plain text.
    public func plainKeyFile(_ id: String) throws -> [UInt8] {
        let identity = try Actor.load(keyFile: key(id), as: id, onBehalfOf: nil, demo: false) { Self.passphrase }.identity
        return Workspace.viewBytes(KeyFile(plain: identity))
    }

    /// A byte-for-byte picture of the workspace (without `.folio/`).
    public func snapshot() throws -> TreeSnapshot { try TreeSnapshot(of: URL(fileURLWithPath: root)) }
}
