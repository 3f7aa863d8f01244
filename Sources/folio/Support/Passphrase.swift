import Foundation
import FolioCore

/// Passphrases for key files: typed at the terminal without echo, or, for scripts, `FOLIO_PASSPHRASE`.
enum Passphrase {
    static var fromEnvironment: String? { ProcessInfo.processInfo.environment["FOLIO_PASSPHRASE"] }

    /// The passphrase of an existing key file.
    static func ask(for who: String) -> String? {
        if let text = fromEnvironment { return text }
        return typed(Message("cli.passphrase.ask", ["who": who]).text())
    }

    /// A new passphrase, typed twice at the terminal (or `FOLIO_PASSPHRASE`).
    /// `demo`: a published demo key, whose passphrase is the published one.
    static func choose(for who: String, demo: Bool) throws(FolioError) -> String {
        if demo { return DemoKeys.passphrase }
        if let text = fromEnvironment { return try checked(text) }
        guard let first = typed(Message("cli.passphrase.new", ["who": who]).text()) else {
            throw FolioError(.badInput, "cli.passphrase.none")
        }
        guard typed(Message("cli.passphrase.again").text()) == first else {
            throw FolioError(.badInput, "cli.passphrase.differ")
        }
        return try checked(first)
    }

    private static func checked(_ text: String) throws(FolioError) -> String {
        guard text.count >= 8 else {
            throw FolioError(.badInput, "cli.passphrase.short")
        }
        return text
    }

    /// A student's secret, typed at the terminal without echo.
    static func typedSecret(_ prompt: String) -> String? { typed(prompt) }

    private static func typed(_ prompt: String) -> String? {
        guard isatty(STDIN_FILENO) == 1, let p = getpass(prompt) else { return nil }
        return String(cString: p)
    }
}
