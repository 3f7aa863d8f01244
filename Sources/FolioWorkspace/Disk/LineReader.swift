import FolioCore
import Foundation

/// Reads a text file a line at a time, 64 KiB at a time, so that a list of a whole school's paths (9 MB)
/// is never whole in memory.
final class LineReader {
    private let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    init(_ path: String) throws(FolioError) {
        self.path = path
        fd = try FileIO.openFile(path).fd
    }

    deinit { if fd >= 0 { close(fd) } }

    /// The next line without its newline, or nil at the end of the file.
    func next() throws(FolioError) -> ArraySlice<UInt8>? {
        while true {
            if let end = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { start = end + 1 }
                return buffer[start..<end]
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return buffer[start...]
            }
            try fill()
        }
    }

    /// Keeps the unread part of the buffer and reads the next block after it.
    private func fill() throws(FolioError) {
        buffer.removeFirst(start)
        start = 0
        let old = buffer.count
        buffer += repeatElement(0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + old, 1 << 16) }
            if n < 0 { if errno == EINTR { continue }; throw FileIO.ioError("read", path) }
            buffer.removeLast((1 << 16) - n)
            if n == 0 {
                atEnd = true
                close(fd)
                fd = -1
            }
            return
        }
    }
}
