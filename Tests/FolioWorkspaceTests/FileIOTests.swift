import FolioCore
@testable import FolioWorkspace
import Foundation
import Testing

/// `FileIO`'s path and folder helpers replaced NSString and FileManager on the import path; they must
/// behave as those did for every path folio builds.
@Suite struct FileIOTests {
    @Test func pathsSplitAsNSStringSplitsThem() {
        for path in ["/srv/folio/students/1110003/files/4c1202a5c7/c15bfbf015ee/作品14.pdf", "a/b", "students/x",
                     "/a", "/work/main/.folio/txn/3/12"] {
            #expect(FileIO.parent(of: path) == (path as NSString).deletingLastPathComponent, "\(path)")
            #expect(FileIO.lastComponent(of: path) == (path as NSString).lastPathComponent, "\(path)")
        }
        #expect(FileIO.parent(of: "name") == "")
        #expect(FileIO.lastComponent(of: "name") == "name")
    }

    @Test func makeDirectoriesIsMkdirP() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("folio-mkdir-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let deep = root + "/a/學/c"
        try FileIO.makeDirectories(deep)
        #expect(FileIO.isDirectory(deep))
        try FileIO.makeDirectories(deep)   // already there: fine
        try FileIO.makeDirectories(root + "/a")
        // A link to a folder counts as the folder, as it did with FileManager.
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: root + "/a")
        try FileIO.makeDirectories(root + "/link")
        try FileIO.makeDirectories(root + "/link/new")
        #expect(FileIO.isDirectory(root + "/a/new"))
        // A file in the way is an error that names the path, and nothing is made below it.
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/file"))
        let error = #expect(throws: FolioError.self) { try FileIO.makeDirectories(root + "/file") }
        #expect(error?.message.contains(root + "/file") == true)
        #expect(throws: FolioError.self) { try FileIO.makeDirectories(root + "/file/below") }
        #expect(!FileIO.exists(root + "/file/below"))
    }
}
