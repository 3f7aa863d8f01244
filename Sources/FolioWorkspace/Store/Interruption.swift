import FolioCore
import Foundation

/// The command this process is running, as its user typed it ("bundle import"), set by the front end and
/// written into each transaction, so that whoever finds the transaction interrupted can name it.
public enum RunningCommand {
    nonisolated(unsafe) public static var label: String?
}

/// A writing command that was cut short after its commit point: its changes are decided but only partly
/// in place until a writing command (`folio repair`, or any other) finishes them. What a reader sees
/// meanwhile is incomplete, not damaged, and nothing should be restored from a backup.
public struct Interruption: Sendable {
    /// The interrupted command ("bundle import"), when it said.
    public let command: String?

    /// The interruption waiting in `workspace`, if any. Readers look under their shared lock, so no writer
    /// is part way through a transaction of its own.
    public static func find(in workspace: Workspace) -> Interruption? {
        guard let dir = Transaction.committedPlans(root: workspace.root).first else { return nil }
        let label = (try? FileIO.readAll(dir + "/" + Transaction.commandName)).map { String(decoding: $0, as: UTF8.self) }
        return Interruption(command: label.flatMap { $0.isEmpty ? nil : $0 })
    }

    private var what: Message {
        command.map { Message("workspace.interrupted.command", ["command": $0]) } ?? Message("workspace.interrupted.unnamed")
    }

    /// Said by a writing command that finished the changes before its own work.
    public var finishedNote: String { Message("workspace.interrupted.finished", ["what": what]).text() }

    /// One line for the top of a reader's output.
    public var warning: String { Message("workspace.interrupted.warning", ["what": what]).text() }

    /// For `backup`, which would keep the changes half applied.
    public var backupError: FolioError {
        FolioError(.workspaceDamaged, "backup.interrupted", ["what": what])
    }

    /// For `verify`, which cannot judge the workspace until the changes are finished.
    public var error: FolioError {
        FolioError(.workspaceDamaged, "workspace.interrupted.cannotCheck", ["what": what])
    }
}
