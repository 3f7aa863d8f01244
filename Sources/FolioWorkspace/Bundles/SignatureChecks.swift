import FolioCore
import Foundation

/// Checks the signatures of records an export read without checking them (`OutEvent.checkLater`), on a
/// thread of its own while the bundle is written: writing a whole-school bundle keeps one core busy with
/// copying, and the 60,000 Ed25519 checks fit on the other.
///
/// Each record is read again from disk and must be canonical, signed validly, and have the SHA-256 the
/// bundle lists for it; the writer compares the bytes it copies with the same hash, so what travels is
/// what was checked.
final class SignatureChecks: @unchecked Sendable {
    // `failed` and `stopped` are guarded by `lock`; `done` is signalled once, when the thread ends.
    private let lock = NSLock()
    private var failed: String?
    private var stopped = false
    private let done = DispatchSemaphore(value: 0)
    private let idle: Bool

    init(root: String, _ events: [WorkspaceSession.OutEvent]) {
        idle = events.isEmpty
        guard !idle else { return }
        let todo = events.map { ($0.path, $0.sha256) }
        Thread.detachNewThread { [self] in
            defer { done.signal() }
            for (path, sha256) in todo {
                if isStopped { return }
                guard let bytes = try? FileIO.readAll(root + "/" + path), SHA256Hex.of(bytes) == sha256,
                      let stored = SignedEvent.readCanonical(bytes), stored.signatureIsValid else {
                    fail(path)
                    return
                }
            }
        }
    }

    /// The first record whose check failed, as soon as it is known.
    var failure: String? {
        lock.lock(); defer { lock.unlock() }
        return failed
    }

    /// Waits for every check; the first record that failed, or nil when all passed.
    func wait() -> String? {
        if !idle { done.wait(); done.signal() }
        return failure
    }

    /// Ends the checks early (the bundle is abandoned) and waits for the thread, so that nothing still
    /// reads the workspace once the export has returned.
    func stop() {
        lock.lock(); stopped = true; lock.unlock()
        _ = wait()
    }

    private var isStopped: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopped
    }

    private func fail(_ path: String) {
        lock.lock(); defer { lock.unlock() }
        if failed == nil { failed = path }
    }
}
