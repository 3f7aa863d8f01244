import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

/// Printing for people and for scripts. Errors go to standard error as `error:` and `hint:` lines.
enum Output {
    static func say(_ text: String) { print(text) }

    /// An empty line between parts of the output.
    static func blankLine() { print() }

    /// A sentence from the message catalogs, in the user's language.
    static func say(_ message: Message) { print(message.text()) }

    static func json<T: Encodable>(_ value: T) {
        print(String(decoding: Workspace.viewBytes(value), as: UTF8.self), terminator: "")
    }

    /// A line on standard error ahead of the output, for what the user must know before reading it.
    static func warn(_ text: String) {
        FileHandle.standardError.write(Data("\(Message("cli.warning").text())\(text)\n".utf8))
    }

    /// A line on standard error about something done on the side, kept out of the command's own output.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data("\(Message("cli.note").text())\(text)\n".utf8))
    }

    static func fail(_ error: FolioError) -> ExitCode {
        FileHandle.standardError.write(Data("\(Message("cli.error").text())\(error.message)\n\(Message("cli.hint").text())\(error.hint)\n".utf8))
        return ExitCode(error.code == .internalError ? 70 : 1)
    }

    /// A plain text table with columns padded by display width (CJK characters count as two).
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        func width(_ s: String) -> Int {
            s.unicodeScalars.reduce(0) { $0 + (($1.value >= 0x1100 && ($1.value <= 0x115F || (0x2E80...0xFFDC).contains($1.value))) ? 2 : 1) }
        }
        var widths = header.map(width)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], width(cell)) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in c + String(repeating: " ", count: max(0, widths[i] - width(c))) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line))
            .joined(separator: "\n")
    }
}

/// Runs a command body, turning a FolioError into its message and exit code.
protocol FolioCommand: ParsableCommand {
    func execute() throws(FolioError)
}

extension FolioCommand {
    func run() throws {
        RunningCommand.label = Folio.commandWords(Folio.arguments[...])
        WorkspaceLock.onWait = { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
        WorkspaceLock.commandWords = { Folio.commandWords($0[...]) }
        do { try execute() } catch { throw Output.fail(error) }
    }
}

extension Folio {
    /// The subcommand words at the start of `arguments` ("bundle import"), as named in the command tree.
    static func commandWords(_ arguments: ArraySlice<String>) -> String? {
        var words: [String] = []
        var level: [ParsableCommand.Type] = configuration.subcommands
        for word in arguments {
            guard let next = level.first(where: { $0._commandName == word }) else { break }
            words.append(word)
            level = next.configuration.subcommands
        }
        return words.isEmpty ? nil : words.joined(separator: " ")
    }
}
