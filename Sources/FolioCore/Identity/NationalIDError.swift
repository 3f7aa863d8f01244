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

    public var message: String {
        switch self {
        case .wrongShape(let count) where count != 10:
            return "The ID number has \(count) characters; it must have exactly 10."
        case .wrongShape:
            return "The ID number does not have the right form: one capital letter, then 1, 2, 8, 9 or a capital "
                + "A–D, then eight digits."
        case .lowercaseLetter:
            return "The ID number contains a lowercase letter."
        case .wrongChecksum:
            return "The ID number fails its check digit, so at least one character is wrong."
        }
    }

    public var hint: String {
        switch self {
        case .wrongShape:
            return "Copy the number again from the ID card or resident certificate, with no spaces or dashes."
        case .lowercaseLetter:
            return "Type the letters as capitals, e.g. A123456789."
        case .wrongChecksum:
            return "Compare each character with the ID card or resident certificate; a swapped or mistyped digit "
                + "is the usual cause."
        }
    }
}
