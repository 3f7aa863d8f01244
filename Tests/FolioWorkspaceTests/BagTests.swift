import FolioCore
import FolioTar
@testable import FolioWorkspace
import Foundation
import Testing

/// `folio archive verify` checks a sealed bag as the tarball is read, without extracting it; `--bag` checks
/// an extracted folder. Both must find the same problems in the same bag, and a damaged bag must not pass.
@Suite struct BagTests {
    static let root = "999901-111001"
    /// An upload's bytes and where they are stored: under the first 12 hex digits of their SHA-256, as uploads
    /// are (sealing refuses a file that does not hash to its folder's name).
    static let upload: [UInt8] = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ $0 >> 8) }
    static let uploadPath = "files/4c1202a5c7/\(SHA256Hex.of(upload).prefix(12))/作品14.pdf"

    /// A temporary folder removed when the test ends.
    final class Scratch {
        let path = NSTemporaryDirectory() + "folio-bag-" + UUID().uuidString
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    /// The tar entries (path → bytes) of a bag sealed by `Bag.write` from a small student folder.
    func sealedBag(_ scratch: Scratch) throws -> [String: [UInt8]] {
        let student = scratch.path + "/student"
        let files: [String: [UInt8]] = [
            "manifest.json": Array("{\"student\":\"111001\"}\n".utf8),
            "events/0a.json": Array("{\"event\":{}}".utf8),
            Self.uploadPath: Self.upload,
        ]
        for (path, bytes) in files {
            try FileManager.default.createDirectory(atPath: FileIO.parent(of: student + "/" + path), withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: student + "/" + path))
        }
        let day = try #require(CivilDate(iso: "2025-07-01"))
        let info = Bag.Info(schoolName: "測試高中", schoolCode: "999901", student: "111001", graduated: day, sealed: day,
                            retainUntil: day.adding(years: 5))
        let tarball = scratch.path + "/sealed.tar"
        _ = try Bag.write(studentDir: student, info: info, to: tarball)
        var entries: [String: [UInt8]] = [:]
        let out = scratch.path + "/read"
        try TarReader().extract(.file(path: tarball), intoNewDirectory: out) { entry in
            if entry.kind == .file { entries[entry.path] = try? FileIO.readAll(out + "/" + entry.path) }
        }
        #expect(entries.count == 7, "4 tag files and 3 payload files: \(entries.keys.sorted())")
        return entries
    }

    /// Both checks of the bag made of `entries`: streamed from a tarball, and on the folder it extracts to.
    func check(_ entries: [String: [UInt8]], _ scratch: Scratch, _ name: String) throws -> (streamed: [String], extracted: [String]) {
        let tarball = scratch.path + "/\(name).tar"
        let writer = try TarWriter(creatingFileAt: tarball)
        for path in entries.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            try writer.appendFile(path, bytes: entries[path]!)
        }
        try writer.finish()
        let streamed = try Bag.validate(tarball: tarball, root: Self.root)
        let folder = scratch.path + "/\(name)"
        _ = try TarReader().extract(.file(path: tarball), intoNewDirectory: folder)
        return (streamed.map { $0.text(.en) }, Bag.validate(folder + "/" + Self.root).map { $0.text(.en) })
    }

    /// An uploaded file whose bytes no longer hash to its folder's name is not sealed, and no tar is left.
    @Test func aFileThatNoLongerHashesToItsFolderIsNotSealed() throws {
        let scratch = try Scratch()
        let student = scratch.path + "/student", wrong = "files/4c1202a5c7/000000000000/作品14.pdf"
        try FileManager.default.createDirectory(atPath: FileIO.parent(of: student + "/" + wrong), withIntermediateDirectories: true)
        try Data(Self.upload).write(to: URL(fileURLWithPath: student + "/" + wrong))
        let day = try #require(CivilDate(iso: "2025-07-01"))
        let info = Bag.Info(schoolName: "測試高中", schoolCode: "999901", student: "111001", graduated: day, sealed: day,
                            retainUntil: day.adding(years: 5))
        let tarball = scratch.path + "/sealed.tar"
        #expect {
            _ = try Bag.write(studentDir: student, info: info, to: tarball)
        } throws: { error in
            let e = error as? FolioError
            return e?.code == .tampered && e?.what.text(.en).contains("111001's file \(wrong) is not the file that was uploaded") == true
        }
        #expect(!FileManager.default.fileExists(atPath: tarball), "a refused seal left its tar behind")
        #expect(Bag.uploadedPrefix("data/earlier/999902-110001/files/4c1202a5c7/0123456789ab/a.pdf") == "0123456789ab")
        #expect(Bag.uploadedPrefix("data/events/0a.json") == nil && Bag.uploadedPrefix("data/files/x/NOTHEX012345/a") == nil)
    }

    @Test func aSealedBagPassesBothWays() throws {
        let scratch = try Scratch()
        let (streamed, extracted) = try check(try sealedBag(scratch), scratch, "valid")
        #expect(streamed.isEmpty, "\(streamed)")
        #expect(extracted.isEmpty, "\(extracted)")
    }

    @Test(arguments: [
        ("a payload file changed", "data/\(uploadPath) does not match manifest-sha256.txt"),
        ("a file added to the payload", "data/extra.txt is not in manifest-sha256.txt"),
        ("a payload file taken away", "data/manifest.json is missing"),
        ("the bag's dates changed", "bag-info.txt does not match tagmanifest-sha256.txt"),
        ("bagit.txt taken away", "bagit.txt is missing or not BagIt 1.0"),
    ])
    func aDamagedBagIsFoundBothWays(damage: String, expected: String) throws {
        let scratch = try Scratch()
        var entries = try sealedBag(scratch)
        let prefix = Self.root + "/"
        switch damage {
        case "a payload file changed":
            entries[prefix + "data/" + Self.uploadPath]![40] ^= 1
        case "a file added to the payload":
            entries[prefix + "data/extra.txt"] = Array("x".utf8)
        case "a payload file taken away":
            entries[prefix + "data/manifest.json"] = nil
        case "the bag's dates changed":
            let text = String(decoding: entries[prefix + "bag-info.txt"]!, as: UTF8.self)
            entries[prefix + "bag-info.txt"] = Array(text.replacingOccurrences(of: "Retain-Until: 2030", with: "Retain-Until: 2031").utf8)
        default:
            entries[prefix + "bagit.txt"] = nil
        }
        let (streamed, extracted) = try check(entries, scratch, "damaged")
        #expect(streamed.contains(expected), "\(damage): \(streamed)")
        #expect(streamed == extracted, "\(damage): the two checks disagree")
    }

    /// A tarball may hold only its bag: anything beside the bag's folder is named.
    @Test func aFileBesideTheBagIsNamed() throws {
        let scratch = try Scratch()
        var entries = try sealedBag(scratch)
        entries["999901-111002/data/x.txt"] = Array("x".utf8)
        let (streamed, _) = try check(entries, scratch, "beside")
        #expect(streamed == ["999901-111002/data/x.txt is outside the bag's folder 999901-111001"], "\(streamed)")
    }

    /// Only the tag files are held while a tarball is read, and only up to a limit: one over it is named as
    /// too large, not as missing.
    @Test func aTagFileOverTheLimitIsNamedAsTooLarge() throws {
        let scratch = try Scratch()
        var entries = try sealedBag(scratch)
        let manifest = Self.root + "/manifest-sha256.txt"
        entries[manifest]! += Array(repeating: UInt8(ascii: "\n"), count: 4_096)
        let tarball = scratch.path + "/large.tar"
        let writer = try TarWriter(creatingFileAt: tarball)
        for path in entries.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) { try writer.appendFile(path, bytes: entries[path]!) }
        try writer.finish()
        let problems = try Bag.validate(tarball: tarball, root: Self.root, tagLimit: 4_000)
        #expect(problems.map { $0.text(.en) } == ["manifest-sha256.txt is too large to be a tag file, so it was not read"], "\(problems)")
        #expect(problems.map { $0.text(.zhTW) } == ["manifest-sha256.txt 太大，不可能是標籤檔，所以沒有讀取"], "\(problems)")
        // With room for it, the manifest is read (its blank lines are skipped); only the tag manifest, which
        // recorded the manifest's hash before the lines were added, disagrees.
        #expect(try Bag.validate(tarball: tarball, root: Self.root).map { $0.text(.en) } == ["manifest-sha256.txt does not match tagmanifest-sha256.txt"])
    }
}
