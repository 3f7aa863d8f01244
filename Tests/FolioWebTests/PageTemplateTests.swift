import FolioCore
@testable import FolioWeb
import Foundation
import Testing

/// The templates and assets built into the binary are the ones in the source tree, every sentence they
/// name is in both catalogs, and none prints a value unescaped.
@Suite struct PageTemplateTests {
    static let web = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/FolioWeb")

    static func files(_ folder: String) throws -> [String: String] {
        let dir = web.appendingPathComponent(folder)
        var out: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            out[name] = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        }
        return out
    }

    @Test func theEmbeddedFilesAreTheSourceFiles() throws {
        let templates = try Self.files("Templates")
        #expect(Dictionary(uniqueKeysWithValues: templates.map { (String($0.key.dropLast(".mustache".count)), $0.value) })
                == EmbeddedWebFiles.templates, "run Scripts/embed-web")
        #expect(try Self.files("Assets") == EmbeddedWebFiles.assets, "run Scripts/embed-web")
    }

    @Test func everyTextATemplateNamesIsInBothCatalogs() throws {
        var named: Set<String> = []
        for text in EmbeddedWebFiles.templates.values {
            let pattern = try Regex(#"\{\{t\.([A-Za-z_]+)\}\}"#)
            for match in text.matches(of: pattern) {
                named.insert("web." + String(text[match.range].dropFirst(4).dropLast(2)).replacingOccurrences(of: "_", with: "."))
            }
        }
        #expect(named.count > 50, "the pattern found too few names: \(named.count)")
        for language in Language.allCases {
            let missing = named.subtracting(MessageCatalog.keys(language))
            #expect(missing.isEmpty, "\(language): \(missing.sorted())")
        }
    }

    @Test func noTemplatePrintsAValueUnescaped() {
        for (name, text) in EmbeddedWebFiles.templates {
            // The one exception: the frame places a body its own template rendered (and escaped) before.
            let checked = name == "frame" ? text.replacingOccurrences(of: "{{{bodyHTML}}}", with: "") : text
            #expect(!checked.contains("{{{") && !checked.contains("{{&"), "\(name) prints a value without escaping")
        }
    }

    @Test func noPageLoadsAnythingFromElsewhere() {
        for (name, text) in EmbeddedWebFiles.templates.merging(EmbeddedWebFiles.assets, uniquingKeysWith: { a, _ in a }) {
            #expect(!text.contains("http://") && !text.contains("https://") && !text.contains("//cdn"), "\(name) names another site")
            #expect(!text.contains("<script>") && !text.contains(" onclick=") && !text.contains(" style="), "\(name) has inline script or style the policy would block")
        }
    }
}
