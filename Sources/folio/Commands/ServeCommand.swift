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
    @Option(help: ArgumentHelp(Message("serve.help.keys").text())) var keys: String?

    func execute() throws(FolioError) {
        let mode: ServeOptions.Mode
        if kiosk {
            guard global.key == nil && keys == nil else { throw FolioError(.badInput, "serve.kioskWithKeys") }
            mode = .kiosk
        } else {
            let staff = try StaffKeys.find(file: global.key, folder: keys)
            guard !staff.isEmpty else { throw FolioError(.badInput, "serve.whichDesk") }
            mode = .staff(keys: staff)
        }
        guard (0...65535).contains(port) else { throw FolioError(.badInput, "serve.badPort", ["port": port]) }
        if let idleMinutes, !(1...240).contains(idleMinutes) {
            throw FolioError(.badInput, "serve.badIdle", ["minutes": idleMinutes])
        }
        // The folder is checked now, so a wrong one is said here rather than on the first page.
        let workspace = try Workspace.open(global.workspace)
        let options = ServeOptions(workspace: workspace.root, mode: mode, host: listen ?? "127.0.0.1", port: port,
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
                        Output.say(Message(kiosk ? "serve.running.kiosk" : "serve.running.staff"))
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

    /// Who may sign in at a staff desk: the person of `--key`, and of every key file in `--keys`, by the
    /// principal each file names. Opening them waits for sign-in, when the passphrase is typed.
    enum StaffKeys {
        static func find(file: String?, folder: String?) throws(FolioError) -> [String: String] {
            var paths: [String] = file.map { [$0] } ?? []
            if let folder {
                guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
                    throw FolioError(.badKeyFile, "serve.noKeyFolder", ["folder": folder])
                }
                paths += names.filter { $0.hasSuffix(".key") }.sorted().map { folder + "/" + $0 }
            }
            var keys: [String: String] = [:]
            for path in paths {
                guard let data = FileManager.default.contents(atPath: path), let file = KeyFile.parse(Array(data)) else {
                    throw FolioError(.badKeyFile, "actor.keyFile.notAKeyFile", ["file": path])
                }
                keys[file.principal] = path
            }
            return keys
        }
    }

    /// Why the server stopped, if it failed (set by the server's task, read after it ends).
    private final class Failure: @unchecked Sendable { var error: FolioError? }
}
