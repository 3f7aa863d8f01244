import Foundation

/// The message catalogs: one per language, kept as Apple `.strings` files beside this source (`zh-TW/*.strings`,
/// `en/*.strings`: `"key" = "text with {placeholders}";`, see README.md there) and built into the binary by
/// `Scripts/embed-messages` (`EmbeddedCatalogs.swift`), so folio needs no file beside it to speak. They are
/// read with Foundation's property-list parser the first time a message is shown.
public enum MessageCatalog {
    private static let zhTW = parse(EmbeddedCatalogs.zhTW)
    private static let en = parse(EmbeddedCatalogs.en)

    public static func text(_ key: String, _ language: Language) -> String? {
        switch language {
        case .zhTW: zhTW[key]
        case .en: en[key]
        }
    }

    /// Every key of a catalog, for the tests that keep the catalogs alike.
    public static func keys(_ language: Language) -> Set<String> {
        Set(language == .zhTW ? zhTW.keys : en.keys)
    }

    /// A catalog's entries; empty if the text is not a `.strings` file (a test catches that, not the user).
    public static func parse(_ text: String) -> [String: String] {
        guard let plist = try? PropertyListSerialization.propertyList(from: Data(text.utf8), options: [], format: nil),
              let table = plist as? [String: String] else { return [:] }
        return table
    }
}
