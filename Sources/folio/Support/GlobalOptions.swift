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

    /// The workspace, for a command that only reads it: under a shared lock (waiting for a writer to finish),
    /// and with a warning at the top when an interrupted command left its changes half applied. With
    /// `refusingInterrupted` (verify) such changes are an error: until they are finished nothing can be judged.
    func openWorkspace(refusingInterrupted: Bool = false) throws(FolioError) -> Workspace {
        let ws = try Workspace.open(workspace)
        ReaderLock.held = try ws.lockForReading()
        if let interruption = Interruption.find(in: ws) {
            if refusingInterrupted { throw interruption.error }
            Output.warn(interruption.warning)
        }
        return ws
    }

    /// A writing session on the workspace: its lock, with any interrupted command's work finished first.
    func session() throws(FolioError) -> WorkspaceSession {
        let session = try WorkspaceSession(try Workspace.open(workspace))
        for interruption in session.finished { Output.note(interruption.finishedNote) }
        return session
    }

    /// Whether a key was given (--key or FOLIO_KEY).
    var hasKey: Bool { key != nil || ProcessInfo.processInfo.environment["FOLIO_KEY"] != nil }

    /// The keys a sealed bundle may be opened with: the acting person's, when a key was given.
    func openingKeys() throws(FolioError) -> [SigningIdentity] {
        hasKey ? [try actor().identity] : []
    }

    /// The acting person's key, checked against --as.
    func actor() throws(FolioError) -> Actor {
        guard let path = key ?? ProcessInfo.processInfo.environment["FOLIO_KEY"] else {
            throw FolioError(.badKeyFile, "cli.notSigned")
        }
        let who = actingAs ?? "your"
        return try Actor.load(keyFile: path, as: actingAs, onBehalfOf: onBehalfOf) { Passphrase.ask(for: who) }
    }

    /// Who acts for a student's own record (an upload, a selection, an answer to a receipt): the student,
    /// with the secret on their slip (typed at the terminal, or `FOLIO_STUDENT_SECRET` in a script), unless
    /// a key file is given (a clerk recording a reply that came by post).
    func studentActor(_ number: String, session: WorkspaceSession) throws(FolioError) -> Actor {
        if key != nil || ProcessInfo.processInfo.environment["FOLIO_KEY"] != nil { return try actor() }
        if let actingAs, actingAs != number {
            throw FolioError(.badInput, "\(actingAs) cannot act for student \(number) without a key file; a student acts only for themself.",
                             hint: "Sign in as the student: their number and the secret on their slip.")
        }
        let secret = ProcessInfo.processInfo.environment["FOLIO_STUDENT_SECRET"]
            ?? Passphrase.typedSecret("Secret for \(number) (from your slip): ")
        guard let secret else {
            throw FolioError(.badInput, "A student's own record needs the student's secret.",
                             hint: "At a kiosk the student types the secret on their slip when folio asks; scripts set FOLIO_STUDENT_SECRET.")
        }
        return try session.studentActor(number, secret: secret)
    }

    /// Now, or FOLIO_NOW in a demo or test school.
    func now() throws(FolioError) -> Instant { try Clock.now() }
}

enum Clock {
    /// `FOLIO_NOW` is honoured only in a demo or test school (`DemoSchool`).
    static func now(demo: Bool? = nil) throws(FolioError) -> Instant { try DemoSchool.now(demo: demo) }
}

/// The reading command's lock, held until the process ends (one command per process).
enum ReaderLock {
    nonisolated(unsafe) static var held: WorkspaceLock?
}
