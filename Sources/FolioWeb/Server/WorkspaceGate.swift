import Dispatch
import FolioCore
import FolioWorkspace
import Synchronization

/// The one way the pages reach the workspace: one command at a time, on a thread of its own.
///
/// The workspace lock is a POSIX record lock, which belongs to the process: two requests of one server
/// taking it at once would not exclude each other, and the first to finish would release the other's lock.
/// So the server runs its requests' workspace work one after another here, each under the lock for just
/// that work, which also lets a clerk's `folio sync` in a terminal run between two page loads. The work is
/// blocking file I/O, kept off Swift's cooperative threads.
public final class WorkspaceGate: Sendable {
    public let root: String?
    private let queue = DispatchQueue(label: "folio.web.workspace")
    /// The workspace as last opened, with the stamp of its `folio.json`: opening a demo school checks its
    /// founding record's signature, which every page would otherwise pay for.
    private let opened = Mutex<(WorkspaceStamp, Workspace)?>(nil)

    public init(root: String?) { self.root = root }

    /// The workspace, opened again only when its `folio.json` changed (a re-pinned root, say).
    public func workspace() throws(FolioError) -> Workspace {
        if let (stamp, workspace) = opened.withLock({ $0 }), stamp == WorkspaceStamp.file(workspace.root + "/" + Workspace.configName) {
            return workspace
        }
        let workspace = try Workspace.open(root)
        opened.withLock { $0 = (WorkspaceStamp.file(workspace.root + "/" + Workspace.configName), workspace) }
        return workspace
    }

    /// Reads under the shared lock.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Workspace) throws(FolioError) -> T) async throws(FolioError) -> T {
        try await run { [self] () throws(FolioError) -> T in
            let workspace = try self.workspace()
            let lock = try workspace.lockForReading()
            defer { withExtendedLifetime(lock) {} }
            return try body(workspace)
        }
    }

    /// Changes the workspace in a writing session (the exclusive lock, interrupted work finished first).
    public func write<T: Sendable>(_ body: @escaping @Sendable (WorkspaceSession) throws(FolioError) -> T) async throws(FolioError) -> T {
        try await run { [self] () throws(FolioError) -> T in
            let session = try WorkspaceSession(try self.workspace())
            return try withExtendedLifetime(session) { () throws(FolioError) -> T in try body(session) }
        }
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () throws(FolioError) -> T) async throws(FolioError) -> T {
        let result: Result<T, FolioError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(FolioError) { continuation.resume(returning: .success(try work())) }
                catch { continuation.resume(returning: .failure(error)) }
            }
        }
        return try result.get()
    }
}
