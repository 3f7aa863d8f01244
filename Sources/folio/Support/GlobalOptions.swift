import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

/// Options every command accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The workspace folder (default: the nearest folder upward holding folio.json).")
    var workspace: String?

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    @Option(name: .customLong("as"), help: "Who is acting: a staff id, device id, student number or `root`.")
    var actingAs: String?

    @Option(name: .long, help: "The acting person's key file (default: $FOLIO_KEY).")
    var key: String?

    @Option(name: .customLong("for"), help: "Act as delegate (代理人) for this unavailable person.")
    var onBehalfOf: String?

    func openWorkspace() throws(FolioError) -> Workspace { try Workspace.open(workspace) }

    /// The acting person's key, checked against --as.
    func actor() throws(FolioError) -> Actor {
        guard let path = key ?? ProcessInfo.processInfo.environment["FOLIO_KEY"] else {
            throw FolioError(.badKeyFile, "This command changes the portfolio, so it must be signed.",
                             hint: "Say who you are with --as ID and --key FILE (or set FOLIO_KEY).")
        }
        return try Actor.load(keyFile: path, as: actingAs, onBehalfOf: onBehalfOf)
    }

    /// Now, or FOLIO_NOW for demos and tests.
    func now() throws(FolioError) -> Instant { try Clock.now() }
}

enum Clock {
    static func now() throws(FolioError) -> Instant {
        if let text = ProcessInfo.processInfo.environment["FOLIO_NOW"] {
            guard let instant = Instant(iso: text) else {
                throw FolioError(.badDate, "FOLIO_NOW=\(text) is not a date and time.",
                                 hint: "Use ISO 8601, for example 2024-09-10T09:00 (Taiwan time) or 2024-09-10T01:00:00Z.")
            }
            return instant
        }
        return Instant(epochSeconds: Int64(Date().timeIntervalSince1970))
    }
}
