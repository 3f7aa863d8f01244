import Foundation

/// Page-aligned buffers of a few fixed sizes, kept for reuse. A seal writes and reads back 667 tarballs, each
/// with buffers of megabytes: allocated afresh, every page of them was faulted in and cleared by the kernel
/// again for each tarball, a large share of the seal's system time (Docs/performance.md).
public enum BufferPool {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var free: [Int: [UnsafeMutableRawBufferPointer]] = [:]
    /// Buffers kept per size: one per core for each of a writer's two and a read-back's one is plenty.
    private static let kept = 8

    /// A buffer of `size` bytes, aligned to a page; give it back with `give`.
    public static func take(_ size: Int) -> UnsafeMutableRawBufferPointer {
        lock.lock()
        let reused = free[size]?.popLast()
        lock.unlock()
        return reused ?? UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 4096)
    }

    /// Gives back a buffer from `take`, which the caller no longer touches.
    public static func give(_ buffer: UnsafeMutableRawBufferPointer) {
        lock.lock()
        if free[buffer.count, default: []].count < kept {
            free[buffer.count, default: []].append(buffer)
            lock.unlock()
            return
        }
        lock.unlock()
        buffer.deallocate()
    }
}
