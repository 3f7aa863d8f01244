import FolioCore
import FolioWorkspace
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Long work's progress on one line of standard error, rewritten in place: only on a terminal, never with
/// `--json`, and (`ProgressMeter.quietFor`) only for work that has already run two seconds.
enum ProgressLine {
    static func install(arguments: [String]) {
        guard isatty(STDERR_FILENO) == 1, !arguments.contains("--json") else { return }
        ProgressMeter.show = { reading in
            // Back to the start of the line and clear it; the next reading, or the command's own output, follows.
            var line = "\r\u{1B}[K"
            if let reading { line += text(reading) }
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    static func text(_ reading: ProgressMeter.Reading) -> String {
        let bytes: any MessageValue = reading.bytes > 0
            ? Message("progress.bytes", ["megabytes": String(format: "%.1f", Double(reading.bytes) / 1_048_576)]) : ""
        let left: any MessageValue = reading.left.map { Message("progress.left", ["time": time($0)]) } ?? ""
        return Message("progress.line", ["what": reading.what, "unit": reading.unit, "done": reading.done, "total": reading.total,
                                         "bytes": bytes, "left": left]).text()
    }

    static func time(_ duration: Duration) -> Message {
        let seconds = Int(duration.components.seconds) + 1
        return seconds < 60 ? Message("progress.seconds", ["seconds": seconds])
            : Message("progress.minutes", ["minutes": seconds / 60, "seconds": seconds % 60])
    }
}
