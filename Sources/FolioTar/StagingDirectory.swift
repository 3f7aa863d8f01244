import CArchive
import Foundation

/// The fresh folder an extraction writes into, and nothing else.
///
/// The reader creates it itself (and refuses if it already exists, so it can never mix with or
/// overwrite anything), creates every parent directory itself, and opens every path component with
/// `O_NOFOLLOW` relative to the folder's descriptor: even if something swapped a directory for a
/// symlink while we work, nothing is written outside. Files are created with `O_EXCL`, so two names
/// that collide on disk (e.g. on a case-insensitive file system) fail instead of overwriting.
final class StagingDirectory {
    let path: String
    private var rootFD: Int32

    private init(path: String, rootFD: Int32) {
        self.path = path
        self.rootFD = rootFD
    }

    static func create(at path: String) throws(TarError) -> StagingDirectory {
        // 0700: unverified content is nobody else's business until the workspace moves it into place.
        if mkdir(path, 0o700) != 0 {
            if errno == EEXIST { throw .stagingDirectoryExists(path: path) }
            throw .fileSystem(path: path, operation: "create the folder", errno: errno)
        }
        do {
            let fd = try POSIXFile.openFile(
                path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, label: path, operation: "open the folder")
            return StagingDirectory(path: path, rootFD: fd)
        } catch {
            rmdir(path)
            throw error
        }
    }

    deinit { closeRoot() }

    func makeDirectory(_ relativePath: String) throws(TarError) {
        let components = relativePath.split(separator: "/").map(String.init)
        let fd = try openDirectories(components[...], label: relativePath)
        if fd != rootFD { close(fd) }
    }

    /// Creates a new file for writing; the caller closes the descriptor.
    func createFile(_ relativePath: String) throws(TarError) -> Int32 {
        let components = relativePath.split(separator: "/").map(String.init)
        guard let name = components.last else { throw .emptyOrDotComponent(path: relativePath) }
        let parent = try openDirectories(components.dropLast(), label: relativePath)
        defer { if parent != rootFD { close(parent) } }
        return try POSIXFile.openFile(
            at: parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: 0o644,
            label: relativePath, operation: "create the file")
    }

    /// Walks (creating as needed) the directories `components` below the root; returns the last one's
    /// descriptor (the root's own when `components` is empty).
    private func openDirectories(_ components: ArraySlice<String>, label: String) throws(TarError) -> Int32 {
        var current = rootFD
        for component in components {
            if mkdirat(current, component, 0o755) != 0 && errno != EEXIST {
                let code = errno
                if current != rootFD { close(current) }
                throw .fileSystem(path: label, operation: "create the folder", errno: code)
            }
            let next: Int32
            do {
                next = try POSIXFile.openFile(
                    at: current, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
                    label: label, operation: "open the folder")
            } catch {
                if current != rootFD { close(current) }
                throw error
            }
            if current != rootFD { close(current) }
            current = next
        }
        return current
    }

    func closeRoot() {
        if rootFD >= 0 {
            close(rootFD)
            rootFD = -1
        }
    }

    /// Removes the folder and everything in it (FileManager removes symlinks, never their targets).
    func remove() {
        closeRoot()
        try? FileManager.default.removeItem(atPath: path)
    }
}
