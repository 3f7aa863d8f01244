import ArgumentParser
import Dispatch
import FolioCore
import FolioWeb
import FolioWorkspace
import Foundation

struct ServeCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: Message("serve.help.abstract").text(), discussion: Message("serve.help.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Flag(help: ArgumentHelp(Message("serve.help.kiosk").text())) var kiosk = false
    @Option(help: ArgumentHelp(Message("serve.help.port").text())) var port = 8080
    @Option(help: ArgumentHelp(Message("serve.help.listen").text())) var listen: String?
    @Option(name: .customLong("idle-minutes"), help: ArgumentHelp(Message("serve.help.idle").text())) var idleMinutes: Int?

    func execute() throws(FolioError) {
        guard kiosk else { throw FolioError(.badInput, "serve.whichDesk") }
        guard (0...65535).contains(port) else { throw FolioError(.badInput, "serve.badPort", ["port": port]) }
        if let idleMinutes, !(1...240).contains(idleMinutes) {
            throw FolioError(.badInput, "serve.badIdle", ["minutes": idleMinutes])
        }
        // The folder is checked now, so a wrong one is said here rather than on the first page.
        let workspace = try Workspace.open(global.workspace)
        let options = ServeOptions(workspace: workspace.root, mode: .kiosk, host: listen ?? "127.0.0.1", port: port,
                                   idleMinutes: idleMinutes)
        if !options.isLoopback {
            Output.warn(Message("serve.exposed", ["address": options.host]).text())
        }
        let done = DispatchSemaphore(value: 0)
        let failure = Failure()
        let json = global.json
        Task {
            do {
                let app = try FolioServer.application(options) { address in
                    if json { Output.json(["address": address]) } else {
                        Output.say(Message("serve.running", ["address": address]))
                        Output.say(Message("serve.running.kiosk"))
                        Output.say(Message("serve.running.stop"))
                    }
                    fflush(nil)   // a script waiting for the address reads it now, not when the buffer fills
                }
                try await app.runService()
            } catch {
                failure.error = FolioError(.io, "serve.failed", ["address": options.host, "port": options.port, "why": "\(error)"])
            }
            done.signal()
        }
        done.wait()
        if let error = failure.error { throw error }
    }

    /// Why the server stopped, if it failed (set by the server's task, read after it ends).
    private final class Failure: @unchecked Sendable { var error: FolioError? }
}
