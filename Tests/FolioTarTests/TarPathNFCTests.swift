@testable import FolioTar
import FolioCore
import Foundation
import Testing

/// Names made only of scalars NFC never touches skip Foundation's normaliser. The shortcut is only sound
/// if every name it accepts is byte-for-byte its own NFC form, and names outside it are still checked.
@Suite struct TarPathNFCTests {
    static let alphabet: [String] = ["a", "Z", "/", ".", "é", "e", "\u{301}", "\u{300}", "學", "習", "，", "\u{3000}",
                                     "\u{302A}", "\u{3099}", "か", "\u{FF21}", "\u{F900}", "\u{2000}", "\u{212B}", "Å",
                                     "\u{0340}", "ä", "\u{1100}", "\u{1161}", "😀", "\u{0958}"]

    @Test func everyNameTheShortcutAcceptsIsAlreadyNFC() {
        var rng = SplitMix64(seed: 0x4EFC)
        var accepted = 0
        for _ in 0..<20_000 {
            let name = (0..<(1 + rng.below(6))).map { _ in Self.alphabet[rng.below(Self.alphabet.count)] }.joined()
            let nfc = name.utf8.elementsEqual(name.precomposedStringWithCanonicalMapping.utf8)
            if TarPathRules.isPlainlyNFC(name) {
                accepted += 1
                #expect(nfc, "\(name.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
        #expect(accepted > 100)
    }

    @Test func decomposedAndSingletonNamesStillMeetTheNormaliser() {
        for name in ["cafe\u{301}.pdf", "\u{212B}.png", "\u{F900}.mp3", "\u{2000}x.pdf", "か\u{3099}.pdf"] {
            #expect(!TarPathRules.isPlainlyNFC(name), "\(name)")
            #expect(throws: TarError.nameNotNFC(path: "學習成果/" + name)) {
                try TarPathRules.validate("學習成果/" + name, maxPathBytes: 4096)
            }
        }
        #expect(TarPathRules.isPlainlyNFC("students/1110003/files/4c1202a5c7/c15bfbf015ee/作品14.pdf"))
        #expect(TarPathRules.isPlainlyNFC("報告，第一版（ＦＩＮＡＬ）.pdf"))
    }
}
