/// A Taiwanese personal identifier as printed on a national ID card or a resident certificate (居留證).
///
/// Rosters key students by this number, so a mistyped digit would silently create a second person; the checksum
/// catches most typos before that happens. Not all: the national algorithm misses a change by 5 in the 3rd, 5th or
/// 7th digit and an even change in the 4th (digits counted after the letter; see the tests), so imports should still
/// show the name next to the ID. The value is personal data: show `masked` on anything printed and never put `text`
/// into a file or folder name.
public struct NationalID: Hashable, Sendable {
    /// Which document the number comes from; the second character tells them apart.
    public enum Format: String, Hashable, Sendable, Codable {
        /// 國民身分證: `A123456789`, second character 1 or 2.
        case national
        /// New-style resident certificate (since 2021): `A812345678`, second character 8 or 9.
        case newResident
        /// Old-style resident certificate: `AB12345678`, second character A to D. The government keeps these valid
        /// until 2030-12-31; that deadline is a matter for the caller, because FolioCore has no clock.
        case oldResident
    }

    /// The ten characters, uppercase, exactly as validated.
    public let text: String
    public let format: Format

    /// Validates shape and checksum. Input is taken as-is: surrounding spaces and lowercase letters are refused
    /// rather than repaired, so that what is stored is always exactly what the card says.
    public init(_ text: String) throws(NationalIDError) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 else {
            throw .wrongShape(characterCount: text.count)
        }
        if bytes.contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) {
            throw .lowercaseLetter
        }
        guard let format = NationalID.format(of: bytes[...]),
              bytes[2...].allSatisfy(NationalID.isDigit) else {
            throw .wrongShape(characterCount: 10)
        }
        guard NationalID.weightedSum(bytes[...]) % 10 == 0 else {
            throw .wrongChecksum
        }
        self.text = text
        self.format = format
    }

    /// `A12****789`: enough for a student or clerk to recognise their own number on a printout,
    /// too little to reuse it.
    public var masked: String {
        let chars = Array(text)
        return String(chars[0..<3]) + "****" + String(chars[7..<10])
    }

    /// 性別代碼 as the national rosters write it (1 male, 2 female), read from the second character the way the
    /// issuing offices assign it: 1 or 2 on a national ID, 8 or 9 on a new resident certificate, A/C or B/D on an
    /// old one.
    public var sexCode: Int {
        switch Array(text)[1] {
        case "1", "8", "A", "C": return 1
        default: return 2
        }
    }

    /// Completes nine leading characters with the check digit that makes them a valid ID.
    /// Used to generate fictional sample IDs; returns nil if the prefix is not a valid start of any format.
    public static func withCheckDigit(prefix: String) -> NationalID? {
        let bytes = Array(prefix.utf8)
        guard bytes.count == 9, format(of: bytes[...]) != nil,
              bytes[2...].allSatisfy(isDigit) else { return nil }
        // The check digit has weight 1, so it must bring the sum up to the next multiple of ten.
        let check = (10 - weightedSum(bytes[...]) % 10) % 10
        return try? NationalID(prefix + String(check))
    }

    /// The two-digit value of each leading letter. The order is historical (I, O, W, X, Y, Z were added
    /// after the first 20 letters), so it cannot be computed from the alphabet.
    static let letterValues: [UInt8: Int] = {
        let table: [(Character, Int)] = [
            ("A", 10), ("B", 11), ("C", 12), ("D", 13), ("E", 14), ("F", 15), ("G", 16), ("H", 17), ("I", 34),
            ("J", 18), ("K", 19), ("L", 20), ("M", 21), ("N", 22), ("O", 35), ("P", 23), ("Q", 24), ("R", 25),
            ("S", 26), ("T", 27), ("U", 28), ("V", 29), ("W", 32), ("X", 30), ("Y", 31), ("Z", 33),
        ]
        var values: [UInt8: Int] = [:]
        for (letter, value) in table { values[letter.asciiValue!] = value }
        return values
    }()

    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// The format named by the first two characters, or nil if they fit none.
    private static func format(of bytes: ArraySlice<UInt8>) -> Format? {
        guard bytes.count >= 2, letterValues[bytes[bytes.startIndex]] != nil else { return nil }
        switch bytes[bytes.startIndex + 1] {
        case UInt8(ascii: "1"), UInt8(ascii: "2"): return .national
        case UInt8(ascii: "8"), UInt8(ascii: "9"): return .newResident
        case UInt8(ascii: "A")...UInt8(ascii: "D"): return .oldResident
        default: return nil
        }
    }

    /// The weighted sum over the leading letter's two digits and the following characters, weights
    /// 1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1. Works for a 9-character prefix too (the missing check digit adds 0).
    /// Callers have already checked the shape.
    private static func weightedSum(_ bytes: ArraySlice<UInt8>) -> Int {
        let weights = [8, 7, 6, 5, 4, 3, 2, 1, 1]
        let letter = letterValues[bytes[bytes.startIndex]]!
        var sum = letter / 10 + (letter % 10) * 9
        for (offset, b) in bytes.dropFirst().enumerated() {
            // An old-format second letter counts as the units digit of its own value (B = 11 → 1).
            let digit = isDigit(b) ? Int(b - UInt8(ascii: "0")) : letterValues[b]! % 10
            sum += digit * weights[offset]
        }
        return sum
    }
}

extension NationalID: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(text)
        } catch {
            // The number itself stays out of the message: decoding errors end up in logs, and in English in a
            // held-back record's reason in the views on disk.
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: error.what.text(.en)))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
