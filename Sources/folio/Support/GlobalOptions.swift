import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

/// Options every command accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(Message("help.global.workspace").text()))
    var workspace: String?

    @Flag(name: .long, help: ArgumentHelp(Message("help.global.json").text()))
    var json = false

    @Option(name: .customLong("as"), help: ArgumentHelp(Message("help.global.as").text()))
    var actingAs: String?

    @Option(name: .long, help: ArgumentHelp(Message("help.global.key").text()))
    var key: String?

    @Option(name: .customLong("for"), help: ArgumentHelp(Message("help.global.for").text()))
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
        let who = actingAs ?? Message("cli.passphrase.you").text()
        return try Actor.load(keyFile: path, as: actingAs, onBehalfOf: onBehalfOf) { Passphrase.ask(for: who) }
    }

    /// Who acts for a student's own record (an upload, a selection, an answer to a receipt): the student,
    /// with the secret on their slip (typed at the terminal, or `FOLIO_STUDENT_SECRET` in a script), unless
    /// a key file is given (a clerk recording a reply that came by post).
    func studentActor(_ number: String, session: WorkspaceSession) throws(FolioError) -> Actor {
        if key != nil || ProcessInfo.processInfo.environment["FOLIO_KEY"] != nil { return try actor() }
        if let actingAs, actingAs != number {
            throw FolioError(.badInput, "cli.student.notSelf", ["actor": actingAs, "student": number])
        }
        let secret = ProcessInfo.processInfo.environment["FOLIO_STUDENT_SECRET"]
            ?? Passphrase.typedSecret(Message("cli.student.secretPrompt", ["student": number]).text())
        guard let secret else {
            throw FolioError(.badInput, "cli.student.noSecret")
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
