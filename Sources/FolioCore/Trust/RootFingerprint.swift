/// A root key's fingerprint: the first 16 hex digits of the SHA-256 of its base64 text, in groups of
/// four, for reading aloud and comparing with the one the IT section (資訊組) hands out on paper.
public enum RootFingerprint {
    public static func of(_ key: String) -> String {
        let hex = Array(SHA256Hex.of(Array(key.utf8)).prefix(16))
        return stride(from: 0, to: 16, by: 4).map { String(hex[$0..<$0 + 4]) }.joined(separator: " ")
    }

    /// Whether `typed` (spaces, dashes and case ignored) is the fingerprint of `key`.
    public static func matches(_ typed: String, _ key: String) -> Bool {
        let cleaned = typed.lowercased().filter { $0.isHexDigit }
        return !cleaned.isEmpty && cleaned == of(key).filter { $0 != " " }
    }
}
