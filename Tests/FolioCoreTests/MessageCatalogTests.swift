@testable import FolioCore
import Foundation
import Testing

/// The message catalogs: every sentence in both languages, with the same placeholders, built into the binary as
/// the `.strings` files say, and every key the code names present.
@Suite struct MessageCatalogTests {
    static let messages = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/FolioCore/Messages")
    static let sources = messages.deletingLastPathComponent().deletingLastPathComponent()

    /// A language's catalog files, joined in name order as `Scripts/embed-messages` joins them.
    static func file(_ language: Language) throws -> String {
        let dir = messages.appendingPathComponent(language.rawValue)
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".strings") }.sorted()
            .map { try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }.joined()
    }

    @Test func bothLanguagesHaveTheSameFiles() throws {
        func names(_ l: Language) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: Self.messages.appendingPathComponent(l.rawValue).path).sorted()
        }
        #expect(try names(.zhTW) == names(.en))
    }

    static func placeholders(_ text: String) -> Set<String> {
        var out = Set<String>()
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    @Test func theBinaryHoldsTheCatalogFilesAsTheyAre() throws {
        #expect(EmbeddedCatalogs.zhTW == (try Self.file(.zhTW)), "run Scripts/embed-messages")
        #expect(EmbeddedCatalogs.en == (try Self.file(.en)), "run Scripts/embed-messages")
    }

    @Test func bothCatalogsHoldTheSameKeysWithTheSamePlaceholders() throws {
        let zh = MessageCatalog.parse(try Self.file(.zhTW)), en = MessageCatalog.parse(try Self.file(.en))
        #expect(zh.count > 20 && en.count > 20, "a catalog did not parse")
        #expect(Set(zh.keys).subtracting(en.keys).sorted() == [], "only in zh-TW")
        #expect(Set(en.keys).subtracting(zh.keys).sorted() == [], "only in en")
        for (key, text) in zh {
            guard let english = en[key] else { continue }
            #expect(Self.placeholders(text) == Self.placeholders(english), "\(key): \(text) / \(english)")
        }
        // A Chinese sentence reads as Chinese: no English sentence was copied over untranslated. (Punctuation
        // alone, such as a list separator, has no letters to translate.)
        for (key, text) in zh where text.unicodeScalars.contains(where: { ("A"..."Z").contains($0) || ("a"..."z").contains($0) }) {
            #expect(text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "\(key) is not in Chinese: \(text)")
        }
    }

    /// A key defined in two files of a language would silently take one of the two texts.
    @Test func noKeyIsDefinedTwice() throws {
        let key = try NSRegularExpression(pattern: #"^"([^"]+)"\s*="#, options: .anchorsMatchLines)
        for language in Language.allCases {
            let text = try Self.file(language)
            var seen = Set<String>(), twice: [String] = []
            for m in key.matches(in: text, range: NSRange(location: 0, length: (text as NSString).length)) {
                let k = (text as NSString).substring(with: m.range(at: 1))
                if !seen.insert(k).inserted { twice.append(k) }
            }
            #expect(twice == [], "\(language.rawValue): defined twice")
        }
    }

    /// Every `.swift` file under Sources, with its path relative to Sources.
    static func swiftSources() throws -> [(path: String, text: String)] {
        var out: [(String, String)] = []
        let walker = try #require(FileManager.default.enumerator(atPath: sources.path))
        while let p = walker.nextObject() as? String {
            guard p.hasSuffix(".swift"), !p.hasSuffix("EmbeddedCatalogs.swift") else { continue }
            out.append((p, try String(contentsOfFile: sources.path + "/" + p, encoding: .utf8)))
        }
        return out.sorted { $0.0 < $1.0 }
    }

    /// `FolioError(.code, "a.key"…)`, a roster's `lineError(file, line, "a.key"…)` (which takes its hint from
    /// `a.key.hint` as `FolioError` does) and `Message("a.key"…)`: the key, and whether the call names its own hint.
    static func keyUses(_ text: String) -> [(key: String, ownHint: Bool)] {
        let pattern = try! NSRegularExpression(pattern: #"(FolioError\(\s*[.\w]+,\s*|(?:line|row)Error\(\s*\w+,\s*[\w.]+,\s*|Message\(\s*)"([a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)+)""#)
        let ns = text as NSString
        return pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { m in
            let key = ns.substring(with: m.range(at: 2))
            guard !ns.substring(with: m.range(at: 1)).hasPrefix("Message") else { return (key, true) }
            // The call's text up to its closing parenthesis: a `hint:` there names the hint.
            var depth = 1, i = m.range.location + ns.substring(with: m.range).firstIndex(of: "(")!.utf16Offset(in: ns.substring(with: m.range)) + 1
            let chars = Array(text.utf16)
            let start = i
            while i < chars.count, depth > 0 {
                if chars[i] == 0x28 { depth += 1 } else if chars[i] == 0x29 { depth -= 1 }
                i += 1
            }
            let call = String(utf16CodeUnits: Array(chars[start..<i]), count: i - start)
            return (key, call.contains("hint:"))
        }
    }

    @Test func everyKeyTheCodeNamesIsInTheCatalogs() throws {
        let known = MessageCatalog.keys(.zhTW).intersection(MessageCatalog.keys(.en))
        var uses = 0
        for (path, text) in try Self.swiftSources() {
            for (key, ownHint) in Self.keyUses(text) {
                uses += 1
                #expect(known.contains(key), "\(path) names \(key), which a catalog lacks")
                if !ownHint { #expect(known.contains(key + ".hint"), "\(path) names \(key) without a hint, and \(key).hint is missing") }
            }
        }
        #expect(uses > 10)
    }

    /// A sample of refusals, in both languages, word for word.
    @Test func refusalsReadInBothLanguages() throws {
        let settings = Settings()
        let long = try #require(ItemRules.checkDescription(String(repeating: "字", count: 101), settings: settings))
        #expect(long.what.text(.zhTW) == "簡述有 101 字，最多只能 100 字。")
        #expect(long.next.text(.zhTW) == "請刪減到 100 字以內後再試一次。")
        #expect(long.what.text(.en) == "The description has 101 characters; at most 100 are allowed.")
        let empty = try #require(ItemRules.checkDescription("  ", settings: settings))
        #expect(empty.what.text(.zhTW) == "每件成果都需要簡述，這件的簡述是空的。")
        #expect(empty.next.text(.en) == "Add a description of at most 100 characters with --description.")
        let name = try #require(FileNames.problem("../x.pdf"))
        #expect(name.what.text(.zhTW) == "檔名「../x.pdf」無法照原樣保存。")
        #expect(name.what.text(.en) == "The file name \"../x.pdf\" cannot be kept as it is.")
    }

    /// Refusals of the rules, keys and workspace, with a sentence inside another, in both languages.
    @Test func libraryRefusalsReadInBothLanguages() throws {
        let id = ItemID.malformed("abc")
        #expect(id.what.text(.zhTW) == "「abc」不是成果編號：成果編號是 10 個字元，只有數字 0-9 和英文字母 a-f。")
        #expect(id.what.text(.en) == "\"abc\" is not an item id: an item id is 10 characters, the digits 0-9 and the letters a-f.")
        let secret = #expect(throws: FolioError.self) {
            try StudentSecret.identity(secret: "nope", school: "000000", student: "s1", cost: .demo)
        }
        #expect(secret?.what.text(.zhTW) == "這不是學生密碼：學生密碼是十個英文字母和數字，例如 7KQ2M-XH94T。")
        #expect(secret?.next.text(.zhTW) == "請照註冊組發的單子上印的學生密碼，一字不差地輸入。")
        #expect(secret?.next.text(.en) == "Type the secret exactly as it is printed on the slip from the registration section (註冊組).")
        let unknown = #expect(throws: FolioError.self) { try SchoolState().revocable("0123456789abcdefXYZ") }
        #expect(unknown?.what.text(.zhTW) == "本校沒有任何人員或裝置使用金鑰 0123456789ab…。")
        #expect(unknown?.what.text(.en) == "No person or device of this school has the key 0123456789ab….")
        let away = Message("authority.unavailable", ["author": "t01", "why": Message("authority.away.onLeave", ["from": "2024-10-01"]),
                                                     "day": "2024-10-02", "duty": "課程學習成果認證"])
        #expect(away.text(.zhTW) == "t01 自 2024-10-01 起請假中，所以 2024-10-02 不能辦理。")
        #expect(away.text(.en) == "t01 has been on leave since 2024-10-01, so cannot act on 2024-10-02.")
        let busy = Message("workspace.busy", ["who": Message("workspace.lockHolder.process.start", ["pid": 42]),
                                              "waited": Message("workspace.oneSecond")])
        #expect(busy.text(.zhTW) == "程序 42 還在使用這個工作區；已經等了 1 秒。")
        #expect(busy.text(.en) == "Process 42 is still working on this workspace; waited 1 second for it.")
    }

    @Test func bundleAndReceiptRefusalsReadInBothLanguages() {
        let other = FolioError(.badBundle, "bundle.otherSchool", ["label": "t01-3.tar", "school": "999999", "mine": "123456",
                                                                   "name": "示範高中"])
        #expect(other.what.text(.zhTW) == "t01-3.tar 來自學校 999999；這個工作區是學校 123456（示範高中）。")
        #expect(other.what.text(.en) == "t01-3.tar is from school 999999; this workspace is school 123456 (示範高中).")
        let kind = Message("bundle.join.wrongKind", ["label": "k01.tar", "kind": BundleKind.uploads.name])
        #expect(kind.text(.zhTW) == "k01.tar 是學生上傳資料包；副本要用學校設定更新或認證請求資料包來建立。")
        #expect(kind.text(.en) == "k01.tar is a student uploads (學生上傳) bundle; a replica starts from a school update or a certification request.")
        let twice = Message("bundle.refused", ["label": "k01.tar", "why": Message("bundle.contents.twice")])
        #expect(twice.text(.zhTW) == "資料包 k01.tar 有問題：它的標頭把同一個項目列了兩次。")
        #expect(twice.text(.en) == "k01.tar: its header lists an entry twice.")
        let receipt = FolioError(.unknownItem, Message("receipt.noneFor", ["student": "112001", "submission": "it-113-1"]),
                                 hint: Message("receipt.none.hint", ["student": "112001"]))
        #expect(receipt.what.text(.zhTW) == "學號 112001 的學生沒有 it-113-1 的收訖明細。")
        #expect(receipt.next.text(.zhTW) == "收訖明細由 `folio submit` 開出；請看 `folio status 112001`。")
        #expect(receipt.what.text(.en) == "Student 112001 has no receipt for it-113-1.")
        #expect(receipt.next.text(.en) == "Receipts are issued by `folio submit`; see `folio status 112001`.")
    }

    /// A roster line's refusal holds a phrase of its own, or another rule's whole sentence, in either language;
    /// a change it would make reads in either too, the English (which --json prints) as it always was.
    @Test func rosterMessagesReadInBothLanguages() {
        let away = Message("roster.change.staff.status", ["from": Message("staff.status.available"), "to": Message("staff.status.on-leave")])
        #expect(away.text(.en) == "status (狀態) available → on-leave from today")
        #expect(away.text(.zhTW) == "狀態自今天起由可執行職務改為請假")
        let grade = Message("roster.change.field", ["field": Message("roster.field.grade"), "from": "10", "to": "11"])
        #expect(grade.text(.en) == "grade (年級) 10 → 11")
        #expect(grade.text(.zhTW) == "年級由 10 改為 11")
        let twice = Message("roster.file.line", ["file": "s.csv", "line": 4, "what": Message("roster.row.studentTwice",
                                                                                                ["number": "113030", "earlier": 2])])
        #expect(twice.text(.en) == "s.csv, line 4: student number (學號) 113030 is also on line 2. Nothing was imported.")
        #expect(twice.text(.zhTW) == "s.csv 第 4 行：學號 113030 也出現在第 2 行。整個檔案都沒有匯入。")
        let id = Message("roster.file.lineSentence", ["file": "s.csv", "line": 3, "what": NationalIDError.wrongChecksum.what])
        #expect(id.text(.en) == "s.csv, line 3: The ID number fails its check digit, so at least one character is wrong. Nothing was imported.")
        #expect(id.text(.zhTW) == "s.csv 第 3 行：身分證統一編號的檢查碼不符，至少有一個字元是錯的。整個檔案都沒有匯入。")
    }

    /// Problems are written into the views on disk, which must be the same bytes whichever language folio speaks.
    @Test func aProblemKeepsItsMessageInEnglish() throws {
        #expect(Messages.language == .zhTW)
        let error = try #require(ItemRules.checkDescription(String(repeating: "字", count: 101), settings: Settings()))
        #expect(error.message == "簡述有 101 字，最多只能 100 字。")
        let problem = Problem(event: "e", error: error)
        #expect(problem.message == "The description has 101 characters; at most 100 are allowed.")
        #expect(problem.hint == "Shorten it to 100 characters or fewer and try again.")
        // A refusal made from the problem just found still speaks the user's language; one read back from a view
        // on disk has only the English.
        #expect(problem.error.message == "簡述有 101 字，最多只能 100 字。")
        let stored = try JSONDecoder().decode(Problem.self, from: JSONEncoder().encode(problem))
        #expect(stored == problem && stored.error.message == problem.message)
    }

    @Test func aMessageInsideAnotherIsShownInTheSameLanguage() {
        let inner = Message("item.file.malformed", ["name": "a.pdf"])
        let outer = Message("cli.lang.unknown", ["lang": inner])
        #expect(outer.text(.zhTW) == "沒有「檔案資料 a.pdf 的格式有誤。」這種語言。")
        #expect(outer.text(.en) == "There is no language \"The file entry a.pdf is malformed.\".")
        #expect(Message.verbatim("{lang} as is").text(.zhTW) == "{lang} as is")
    }

    @Test func theLanguageComesFromLangThenTheEnvironment() {
        func choose(_ args: [String], _ env: [String: String]) -> (Language, String?, [String]) {
            var a = args
            let (l, u) = Language.choose(arguments: &a, environment: env)
            return (l, u, a)
        }
        #expect(choose(["status"], [:]).0 == .zhTW)
        #expect(choose(["status"], ["LANG": "C"]).0 == .zhTW)
        #expect(choose(["status"], ["LANG": "en_US.UTF-8"]).0 == .en)
        #expect(choose(["status"], ["LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_TW.UTF-8"]).0 == .zhTW)
        #expect(choose(["status"], ["LC_ALL": "en_GB.UTF-8", "LANG": "zh_TW.UTF-8"]).0 == .en)
        let given = choose(["status", "--lang", "en", "112001"], ["LANG": "zh_TW.UTF-8"])
        #expect(given.0 == .en && given.2 == ["status", "112001"])
        #expect(choose(["--lang=zh-TW", "status"], ["LANG": "en"]).0 == .zhTW)
        #expect(choose(["status", "--lang", "fr"], [:]).1 == "fr")
        // After `--`, `--lang` is an argument like any other (a file named so).
        #expect(choose(["add", "--", "--lang", "en"], [:]).2 == ["add", "--", "--lang", "en"])
    }
}

/// Sentences still written in the code instead of taken from the catalogs: `FolioError` built from text, lines
/// printed from text, and help texts. Each file may hold only as many as `MessagesNotYetInCatalog` allows, and a
/// file moved to the catalogs leaves that list: the count only goes down.
@Suite struct MessagesLeftInCodeTests {
    static let patterns = [
        #"FolioError\(\s*[.\w]+,\s*"(?![a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)+")"#,
        // Verbatim text is what another program wrote; a literal sentence there is one of ours after all.
        #"FolioError\(\s*[.\w]+,\s*verbatim:\s*""#,
        #"Output\.(?:say|warn|note)\(\s*""#,
        #"(?:abstract|discussion|help):\s*""#,
    ].map { try! NSRegularExpression(pattern: $0) }

    static func count(_ text: String) -> Int {
        let range = NSRange(location: 0, length: (text as NSString).length)
        return patterns.reduce(0) { $0 + $1.numberOfMatches(in: text, range: range) }
    }

    @Test func noFileHoldsMoreSentencesOutsideTheCatalogsThanListed() throws {
        var found: [String: Int] = [:]
        for (path, text) in try MessageCatalogTests.swiftSources() where !path.hasPrefix("FolioTestSupport/") {
            let n = Self.count(text)
            if n > 0 { found[path] = n }
        }
        for path in Set(found.keys).union(messagesNotYetInCatalog.keys).sorted() {
            let now = found[path] ?? 0, allowed = messagesNotYetInCatalog[path] ?? 0
            #expect(now <= allowed, "\(path) holds \(now) sentences outside the catalogs, \(allowed) allowed: put the new ones in Sources/FolioCore/Messages")
            #expect(now >= allowed, "\(path) now holds \(now) sentences outside the catalogs: lower its count in MessagesNotYetInCatalog.swift to \(now)")
        }
    }
}
