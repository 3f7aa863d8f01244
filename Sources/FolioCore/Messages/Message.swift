import Foundation

/// A sentence for a person: a key into the message catalogs and the values of its named placeholders. It is
/// rendered in a language only when it is shown, so the library stays the same whatever language the user reads.
public struct Message: Sendable, Hashable, CustomStringConvertible {
    /// A placeholder's value: text as it is (a student number, a path, a count), or another message, rendered
    /// in the same language as the one holding it.
    public indirect enum Value: Sendable, Hashable {
        case text(String)
        case message(Message)
    }

    /// The catalog key, or nil for text that is shown as it is (what another program said, such as a system
    /// error).
    public let key: String?
    public let values: [String: Value]
    private let verbatim: String

    public init(_ key: String, _ values: [String: any MessageValue] = [:]) {
        self.key = key
        self.values = values.mapValues(\.messageValue)
        verbatim = ""
    }

    /// Text that is not translated: a file name, what the operating system or libarchive said.
    public static func verbatim(_ text: String) -> Message { Message(verbatim: text) }

    private init(verbatim: String) {
        key = nil
        values = [:]
        self.verbatim = verbatim
    }

    /// The message in `language`: its catalog text with every `{name}` replaced by that value. A key missing
    /// from a catalog shows in English, and failing that as the key itself (the catalog tests keep both whole).
    public func text(_ language: Language = Messages.language) -> String {
        guard let key else { return verbatim }
        let template = MessageCatalog.text(key, language) ?? MessageCatalog.text(key, .en) ?? key
        guard !values.isEmpty, template.contains("{") else { return template }
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            if let value = values[name] {
                switch value {
                case .text(let t): out += t
                case .message(let m): out += m.text(language)
                }
            } else {
                out += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    public var description: String { text() }
}

/// What can fill a placeholder.
public protocol MessageValue: Sendable {
    var messageValue: Message.Value { get }
}

extension String: MessageValue { public var messageValue: Message.Value { .text(self) } }
extension Substring: MessageValue { public var messageValue: Message.Value { .text(String(self)) } }
extension Int: MessageValue { public var messageValue: Message.Value { .text(String(self)) } }
extension Int64: MessageValue { public var messageValue: Message.Value { .text(String(self)) } }
extension UInt64: MessageValue { public var messageValue: Message.Value { .text(String(self)) } }
extension Message: MessageValue { public var messageValue: Message.Value { .message(self) } }

/// The language messages are shown in, set once by the front end (the CLI reads `--lang` and the environment).
public enum Messages {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var current = Language.zhTW

    public static var language: Language {
        get { lock.lock(); defer { lock.unlock() }; return current }
        set { lock.lock(); current = newValue; lock.unlock() }
    }
}
