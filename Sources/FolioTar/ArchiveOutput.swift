import CArchive
import Foundation

/// Where a `TarWriter`'s bytes go. All outputs go through libarchive's write callback (rather than
/// `archive_write_open_fd`) so that after a failure the output can be *poisoned*: libarchive's
/// `archive_write_free` would otherwise pad the half-written entry with zeros and add an end-of-archive
/// marker, turning a failed export into a valid-looking tar with a corrupt file in it.
final class ArchiveOutput {
    enum Target {
        case descriptor(Int32, label: String)
        case callback((UnsafeRawBufferPointer) throws -> Void)
    }

    let target: Target
    /// The first error the output hit, kept so the writer can report it instead of libarchive's
    /// generic "write failed".
    var error: TarError?
    var poisoned = false

    init(_ target: Target) { self.target = target }

    func write(_ buffer: UnsafeRawBufferPointer) -> Bool {
        if poisoned { return false }
        do {
            switch target {
            case .descriptor(let fd, let label):
                try POSIXFile.writeAll(fd, buffer, label: label)
            case .callback(let body):
                try body(buffer)
            }
            return true
        } catch let failure as TarError {
            error = failure
        } catch {
            self.error = .libarchive(path: nil, detail: "the output refused data: \(error)")
        }
        poisoned = true
        return false
    }

    /// Connects this output to a libarchive writer. The archive keeps an unretained pointer: the
    /// `TarWriter` owns both and frees the archive before releasing the output.
    func open(_ archive: OpaquePointer) -> Int32 {
        let client = Unmanaged.passUnretained(self).toOpaque()
        return archive_write_open2(
            archive, client, nil,
            { _, client, buffer, length in
                guard let client else { return -1 }
                let output = Unmanaged<ArchiveOutput>.fromOpaque(client).takeUnretainedValue()
                let ok = output.write(UnsafeRawBufferPointer(start: buffer, count: length))
                return ok ? la_ssize_t(length) : -1
            },
            nil, nil)
    }
}
