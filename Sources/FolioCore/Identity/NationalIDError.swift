/// Why a string is not a valid national ID or resident certificate number.
///
/// The messages never repeat the number itself: they end up in logs and on screens others can see.
public enum NationalIDError: Error, Equatable, Sendable {
    /// Not ten characters, or not a letter followed by 1/2, 8/9 or A–D and eight digits.
    case wrongShape(characterCount: Int)
    /// Contains a lowercase letter; the cards print capitals, and storing one spelling keeps lookups exact.
    case lowercaseLetter
    /// Right shape, but the check digit does not match: almost always a typo.
    case wrongChecksum

    /// What is wrong, from the message catalogs. The English is written into a held-back registration's reason
    /// in the views on disk, so it must not change.
    public var what: Message {
        switch self {
        case .wrongShape(let count) where count != 10: Message("nationalID.wrongLength", ["count": count])
        case .wrongShape: Message("nationalID.wrongShape")
        case .lowercaseLetter: Message("nationalID.lowercase")
        case .wrongChecksum: Message("nationalID.checksum")
        }
    }

    /// What to do next.
    public var next: Message {
        switch self {
        case .wrongShape: Message("nationalID.wrongShape.hint")
        case .lowercaseLetter: Message("nationalID.lowercase.hint")
        case .wrongChecksum: Message("nationalID.checksum.hint")
        }
    }
}
