import FolioCore
import Foundation
import Synchronization

/// Demo and test schools: where a made-up clock (`FOLIO_NOW`), the test hooks and the published demo keys
/// are allowed. A real school's workspace refuses all three, so nobody can turn its clock back or forward,
/// or crash it on purpose, by setting a variable.
public enum DemoSchool {
    private static let opened = Atomic<Bool>(false)

    /// Called when a workspace is opened: from then on this process serves a demo school, or not
    /// (`Workspace.isDemo`: `folio.json` and the signed founding record both say so).
    static func note(_ demo: Bool) {
        opened.store(demo, ordering: .relaxed)
    }

    /// Whether the workspace this process opened is a demo or test school.
    public static var isOpen: Bool { opened.load(ordering: .relaxed) }

    /// The value of a test hook (`FOLIO_CRASH_AT`, `FOLIO_STEP_DELAY_MS`, `FOLIO_BUNDLE_PART_*`,
    /// `FOLIO_SEAL_BATCH`), or nil when it is not set or the workspace is a real school's.
    public static func hook(_ name: String) -> String? {
        guard isOpen else { return nil }
        return ProcessInfo.processInfo.environment[name]
    }

    /// Now: the system clock, or `FOLIO_NOW` in a demo school. `demo` is for a command that opens no
    /// workspace but makes one (`folio init --demo`).
    public static func now(demo: Bool? = nil) throws(FolioError) -> Instant {
        if let text = ProcessInfo.processInfo.environment["FOLIO_NOW"] {
            guard demo ?? isOpen else {
                throw FolioError(.badInput, "workspace.folioNow.realSchool")
            }
            guard let instant = Instant(iso: text) else {
                throw FolioError(.badDate, "workspace.folioNow.notADate", ["text": text])
            }
            return instant
        }
        return Instant(epochSeconds: Int64(Date().timeIntervalSince1970))
    }
}
