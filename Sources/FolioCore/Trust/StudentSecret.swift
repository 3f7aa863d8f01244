import Crypto
import Foundation

/// The secret the registration section (註冊組) prints on a student's slip, and the signing key derived
/// from it. The secret is ten characters of Crockford's base32 (50 bits), printed as `XXXXX-XXXXX`; the
/// key is scrypt of the secret, salted with the school code and the student number, so the same secret
/// gives another key for another student and a stolen list of public keys must be attacked one student
/// at a time.
public enum StudentSecret {
    /// Crockford's base32: no I, L, O or U, so nothing on the slip is read as something else.
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// A new random secret, as printed: `XXXXX-XXXXX`.
    public static func generate() -> String {
        var g = SystemRandomNumberGenerator()
        let chars = (0..<10).map { _ in alphabet[Int(g.next(upperBound: UInt32(alphabet.count)))] }
        return String(chars[0..<5]) + "-" + String(chars[5..<10])
    }

    /// The secret as typed, in its canonical form (upper case, without spaces or dashes; O read as 0, I and
    /// L as 1), or nil when it cannot be a secret.
    public static func normalise(_ typed: String) -> String? {
        var out = ""
        for c in typed.uppercased() where c != "-" && c != " " {
            switch c {
            case "O": out.append("0")
            case "I", "L": out.append("1")
            default:
                guard alphabet.contains(c) else { return nil }
                out.append(c)
            }
        }
        return out.count == 10 ? out : nil
    }

    /// The student's signing key for a secret, or a clear error when it is not one.
    public static func identity(secret typed: String, school: String, student: String,
                                cost: ScryptCost) throws(FolioError) -> SigningIdentity {
        guard let secret = normalise(typed) else {
            throw FolioError(.badInput, "key.studentSecret.malformed")
        }
        let seed = try cost.derive(secret, salt: Array("folio-student\n\(school)\n\(student)".utf8))
        let raw = seed.withUnsafeBytes { Data($0) }
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw FolioError(.internalError, Message("key.studentSecret.deriveFailed"), hint: Message("internal.report.hint"))
        }
        return SigningIdentity(principal: student, privateKey: key)
    }
}

extension StudentSecret {
    /// A demo school's published secret for a student, derived from the school code and number (and, after
    /// a reset, how many came before) so the sample is the same every time it is rebuilt. It protects nothing,
    /// like the demo keys.
    public static func demo(school: String, student: String, issue: Int = 0) -> String {
        let text = "folio-demo-secret\n\(school)\n\(student)" + (issue > 0 ? "\n\(issue)" : "")
        let digest = Array(SHA256.hash(data: Data(text.utf8)))
        let chars = (0..<10).map { alphabet[Int(digest[$0]) % alphabet.count] }
        return String(chars[0..<5]) + "-" + String(chars[5..<10])
    }
}
