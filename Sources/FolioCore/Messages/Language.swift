/// The languages folio speaks. Traditional Chinese (zh-TW) is what students, teachers and clerks read; English is
/// for the IT section and developers.
public enum Language: String, Sendable, CaseIterable {
    case zhTW = "zh-TW"
    case en

    /// The language asked for on the command line (`--lang en`, `--lang=zh-TW`) or, failing that, by the
    /// environment as POSIX orders it (LC_ALL, then LC_MESSAGES, then LANG): English when that starts with `en`,
    /// Traditional Chinese otherwise, including when nothing is set. `--lang` and its value are taken out of
    /// `arguments`, so the command line parser never sees them. Nil with the value given when `--lang` names a
    /// language folio does not have.
    public static func choose(arguments: inout [String], environment: [String: String]) -> (Language, unknown: String?) {
        var asked: String?
        var rest: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" {
                rest += arguments[i...]
                break
            }
            if a == "--lang", i + 1 < arguments.count {
                asked = arguments[i + 1]
                i += 2
                continue
            }
            if a.hasPrefix("--lang=") {
                asked = String(a.dropFirst("--lang=".count))
                i += 1
                continue
            }
            rest.append(a)
            i += 1
        }
        arguments = rest
        if let asked {
            guard let language = named(asked) else { return (.zhTW, asked) }
            return (language, nil)
        }
        let setting = ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        return (setting.lowercased().hasPrefix("en") ? .en : .zhTW, nil)
    }

    /// `zh-TW`, `zh_TW`, `zh`, `tw`, `中文`, `en`, `en_US`, `english` …; nil for anything else.
    public static func named(_ text: String) -> Language? {
        let t = text.lowercased().replacingOccurrences(of: "_", with: "-")
        if t == "en" || t.hasPrefix("en-") || t == "english" { return .en }
        if t == "zh" || t.hasPrefix("zh-tw") || t == "zh-hant" || t == "tw" || t == "中文" || t == "繁體中文" { return .zhTW }
        return nil
    }
}
