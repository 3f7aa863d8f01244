import Foundation
import Testing
@testable import FolioCore

@Suite struct NationalIDTests {
    @Test(arguments: [
        ("A123456789", NationalID.Format.national),
        ("A800000014", .newResident),
        ("AA00000009", .oldResident),
    ])
    func acceptsTheDomainExamples(text: String, format: NationalID.Format) throws {
        let id = try NationalID(text)
        #expect(id.text == text)
        #expect(id.format == format)
    }

    /// Each expected ID below was worked out by hand, not by the code under test, from
    /// sum = tens(letter)×1 + units(letter)×9 + d2×8 + d3×7 + … + d9×1 + check×1, check making the sum ≡ 0 mod 10.
    /// All use the body `1 0000000`, which contributes 1×8 = 8.
    ///   H = 17: 1 + 7×9 = 64, + 8 = 72 → check 8
    ///   I = 34: 3 + 4×9 = 39, + 8 = 47 → check 3   (I is out of alphabetical order)
    ///   J = 18: 1 + 8×9 = 73, + 8 = 81 → check 9
    ///   O = 35: 3 + 5×9 = 48, + 8 = 56 → check 4
    ///   W = 32: 3 + 2×9 = 21, + 8 = 29 → check 1
    ///   X = 30: 3 + 0×9 = 3,  + 8 = 11 → check 9
    ///   Y = 31: 3 + 1×9 = 12, + 8 = 20 → check 0
    ///   Z = 33: 3 + 3×9 = 30, + 8 = 38 → check 2
    @Test(arguments: ["H100000008", "I100000003", "J100000009", "O100000004",
                      "W100000001", "X100000009", "Y100000000", "Z100000002"])
    func letterValueTable(text: String) throws {
        #expect(try NationalID(text).format == .national)
        #expect(NationalID.withCheckDigit(prefix: String(text.prefix(9)))?.text == text)
    }

    /// Old-format second letters count as the units digit of their value, weight 8:
    ///   AB: A → 1 + 0, B = 11 → 1×8 = 8; sum 9  → check 1
    ///   AC: C = 12 → 2×8 = 16; sum 17 → check 3
    ///   AD: D = 13 → 3×8 = 24; sum 25 → check 5
    /// New format A9 0000000: 1 + 9×8 = 73 → check 7
    @Test(arguments: [("AB00000001", NationalID.Format.oldResident), ("AC00000003", .oldResident),
                      ("AD00000005", .oldResident), ("A900000007", .newResident)])
    func residentFormats(text: String, format: NationalID.Format) throws {
        #expect(try NationalID(text).format == format)
    }

    /// Every single-digit change that the checksum can detect is refused. The national algorithm cannot detect all
    /// of them: the digit weights are 8, 7, 6, 5, 4, 3, 2, 1, 1, and changing a digit by d changes the sum by
    /// weight × d, which is a multiple of 10 when the weight is even and d = ±5, or when the weight is 5 and d is even.
    /// Those blind spots are pinned here so nobody mistakes them for a bug in our code: the weight-8 position is
    /// still caught by the shape rule (1↔6, 2↔7 are not valid second characters); weights 6, 4 and 2 leave one
    /// change each (exactly one of d ± 5 is a digit); weight 5 leaves the four other digits of the same parity.
    @Test(arguments: ["A123456789", "A800000014", "AA00000009", "F231234561"])
    func singleDigitChanges(valid: String) throws {
        _ = try NationalID(valid)
        let weights = [8, 7, 6, 5, 4, 3, 2, 1, 1]
        var chars = Array(valid)
        var undetectable: [String] = []
        for position in 1..<10 {
            guard let original = chars[position].wholeNumberValue else { continue }
            for digit in 0...9 where digit != original {
                chars[position] = Character(String(digit))
                let changed = String(chars)
                if (try? NationalID(changed)) != nil {
                    undetectable.append(changed)
                    let weight = weights[position - 1]
                    let blindSpot = (weight % 2 == 0 && abs(digit - original) == 5)
                        || (weight == 5 && (digit - original) % 2 == 0)
                    #expect(blindSpot, "\(changed) should have been refused")
                }
            }
            chars[position] = Character(String(original))
        }
        #expect(undetectable.count == 3 + 4)
    }

    @Test func refusesLowercase() {
        #expect(throws: NationalIDError.lowercaseLetter) { try NationalID("a123456789") }
        #expect(throws: NationalIDError.lowercaseLetter) { try NationalID("Aa00000009") }
    }

    @Test func refusesWrongShape() {
        #expect(throws: NationalIDError.wrongShape(characterCount: 9)) { try NationalID("A12345678") }
        #expect(throws: NationalIDError.wrongShape(characterCount: 11)) { try NationalID("A1234567890") }
        #expect(throws: NationalIDError.wrongShape(characterCount: 10)) { try NationalID("A323456789") }
        #expect(throws: NationalIDError.wrongShape(characterCount: 10)) { try NationalID("AE00000009") }
        #expect(throws: NationalIDError.wrongShape(characterCount: 10)) { try NationalID("1123456789") }
        #expect(throws: NationalIDError.wrongShape(characterCount: 10)) { try NationalID(" A12345678") }
        #expect(throws: NationalIDError.wrongShape(characterCount: 10)) { try NationalID("A12345678９") }
        #expect(throws: NationalIDError.wrongShape(characterCount: 0)) { try NationalID("") }
    }

    @Test func refusesWrongChecksum() {
        #expect(throws: NationalIDError.wrongChecksum) { try NationalID("A123456788") }
        // Swapping two neighbouring digits is the other common typo.
        #expect(throws: NationalIDError.wrongChecksum) { try NationalID("A123465789") }
    }

    @Test func errorsExplainWithoutRepeatingTheNumber() {
        let errors: [NationalIDError] = [.wrongShape(characterCount: 9), .wrongShape(characterCount: 10),
                                         .lowercaseLetter, .wrongChecksum]
        for error in errors {
            for language in Language.allCases {
                #expect(!error.what.text(language).isEmpty && !error.next.text(language).isEmpty)
            }
        }
        #expect(NationalIDError.wrongShape(characterCount: 9).what.text(.en) == "The ID number has 9 characters; it must have exactly 10.")
        #expect(NationalIDError.wrongShape(characterCount: 9).what.text(.zhTW) == "身分證統一編號有 9 個字元，必須剛好 10 個。")
    }

    @Test func masks() throws {
        #expect(try NationalID("A123456789").masked == "A12****789")
        #expect(try NationalID("AA00000009").masked == "AA0****009")
    }

    @Test func completesPrefixes() {
        #expect(NationalID.withCheckDigit(prefix: "A12345678")?.text == "A123456789")
        #expect(NationalID.withCheckDigit(prefix: "A80000001")?.text == "A800000014")
        #expect(NationalID.withCheckDigit(prefix: "AA0000000")?.text == "AA00000009")
        #expect(NationalID.withCheckDigit(prefix: "A1234567") == nil)
        #expect(NationalID.withCheckDigit(prefix: "A32345678") == nil)
        #expect(NationalID.withCheckDigit(prefix: "a12345678") == nil)
    }

    @Test func codesAsItsString() throws {
        let id = try NationalID("A123456789")
        let data = try JSONEncoder().encode([id])
        #expect(String(decoding: data, as: UTF8.self) == #"["A123456789"]"#)
        #expect(try JSONDecoder().decode([NationalID].self, from: data) == [id])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([NationalID].self, from: Data(#"["A123456788"]"#.utf8))
        }
    }
}
