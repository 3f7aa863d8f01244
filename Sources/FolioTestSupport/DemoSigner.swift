import FolioCore
import Foundation

/// How a test signs as someone of a demo school, the way that person would: staff and devices with their
/// demo key file (sealed with the published passphrase, which `FolioRunner` passes), students with the
/// published demo secret from `keys/student-secrets.tsv`, as if typed at a kiosk.
public enum DemoSigner {
    /// A student number (digits only) rather than a staff or device id.
    public static func isStudent(_ who: String) -> Bool { !who.isEmpty && who.allSatisfy(\.isNumber) }

    /// The command-line arguments and environment that sign as `who`; `keys` is the folder of key files.
    public static func signing(_ who: String, keys: String) -> (arguments: [String], env: [String: String]) {
        if isStudent(who) { return ([], ["FOLIO_STUDENT_SECRET": secret(who, keys: keys) ?? "no-secret-found"]) }
        return (["--as", who, "--key", keys + "/\(who).key"], [:])
    }

    /// The student's published demo secret, from the sample's list.
    public static func secret(_ student: String, keys: String) -> String? {
        guard let text = try? String(contentsOfFile: keys + "/student-secrets.tsv", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            if parts.count == 2, parts[0] == student { return String(parts[1]) }
        }
        return nil
    }

    /// The fingerprint of the root key in `keys/root.key`, as the IT section would read it out.
    public static func rootFingerprint(keys: String) -> String {
        guard let data = FileManager.default.contents(atPath: keys + "/root.key"),
              let key = KeyFile.publicKey(in: Array(data)) else { return "no-root-key" }
        return RootFingerprint.of(key)
    }
}
