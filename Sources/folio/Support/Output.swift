import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

/// Printing for people and for scripts. Errors go to standard error as `error:` and `hint:` lines.
enum Output {
    static func say(_ text: String) { print(text) }

    static func json<T: Encodable>(_ value: T) {
        print(String(decoding: Workspace.viewBytes(value), as: UTF8.self), terminator: "")
    }

    static func fail(_ error: FolioError) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(error.message)\nhint: \(error.hint)\n".utf8))
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
        do { try execute() } catch { throw Output.fail(error) }
    }
}
