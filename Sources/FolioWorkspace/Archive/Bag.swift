import FolioCore
import FolioTar
import Foundation

/// A graduate's sealed archive: a deterministic tar holding one BagIt 1.0 bag (RFC 8493), so that any BagIt
/// validator can check it years later without folio.
///
///     <school>-<student>/bagit.txt
///     <school>-<student>/bag-info.txt              school, dates, Payload-Oxum
///     <school>-<student>/manifest-sha256.txt       every payload file
///     <school>-<student>/tagmanifest-sha256.txt    the three tag files above
///     <school>-<student>/data/…                    the student's folder: manifest.json, events/, files/
public enum Bag {
    struct Info {
        var schoolName: String
        var schoolCode: String
        var student: String
        var graduated: CivilDate
        var sealed: CivilDate
        var retainUntil: CivilDate
    }

    static func name(school: String, student: String) -> String { "\(school)-\(student)" }

    /// Writes the bag for the student folder `source` as a tar at `tarPath`. The same folder and info give
    /// the same bytes.
    static func write(studentDir source: String, info: Info, to tarPath: String) throws(FolioError) {
        let root = name(school: info.schoolCode, student: info.student)
        var payload: [(path: String, source: String)] = []
        for relative in FileIO.walk(source) { payload.append(("data/" + relative, source + "/" + relative)) }
        payload.sort { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
        var manifest = ""
        var bytes = 0
        for p in payload {
            let (size, sha) = try FileIO.hashFile(p.source)
            bytes += size
            manifest += "\(sha)  \(p.path)\n"
        }
        let bagit = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
        let bagInfo = """
        Source-Organization: \(info.schoolName)
        School-Code: \(info.schoolCode)
        External-Identifier: \(root)
        External-Description: 學習歷程檔案 of graduate \(info.student), sealed for \(info.graduated.days(until: info.retainUntil) / 365) years
        Graduation-Date: \(info.graduated)
        Bagging-Date: \(info.sealed)
        Seal-Date: \(info.sealed)
        Retain-Until: \(info.retainUntil)
        Payload-Oxum: \(bytes).\(payload.count)

        """
        var tagManifest = ""
        for (name, text) in [("bag-info.txt", bagInfo), ("bagit.txt", bagit), ("manifest-sha256.txt", manifest)] {
            tagManifest += "\(SHA256Hex.of(Array(text.utf8)))  \(name)\n"
        }
        var inputs: [TarInput] = payload.map { .file(root + "/" + $0.path, sourcePath: $0.source) }
        inputs += [.bytes(root + "/bagit.txt", Data(bagit.utf8)), .bytes(root + "/bag-info.txt", Data(bagInfo.utf8)),
                   .bytes(root + "/manifest-sha256.txt", Data(manifest.utf8)),
                   .bytes(root + "/tagmanifest-sha256.txt", Data(tagManifest.utf8))]
        do { try TarWriter.writeArchive(atPath: tarPath, inputs) } catch {
            throw FolioError(.io, "Could not write the archive for \(info.student): \(error.message)", hint: error.hint)
        }
    }

    /// Checks an extracted bag against its manifests: every payload file listed with the right hash,
    /// nothing extra, Payload-Oxum right, tag files as the tag manifest says. Returns the problems found.
    public static func validate(_ bagDir: String) -> [String] {
        var problems: [String] = []
        func read(_ name: String) -> String? {
            (try? FileIO.readAll(bagDir + "/" + name)).map { String(decoding: $0, as: UTF8.self) }
        }
        guard read("bagit.txt")?.contains("BagIt-Version: 1.0") == true else { return ["bagit.txt is missing or not BagIt 1.0"] }
        func entries(_ text: String) -> [(sha: String, path: String)] {
            text.split(separator: "\n").compactMap { line in
                let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
                guard parts.count == 2 else { return nil }
                return (String(parts[0]), parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        guard let manifest = read("manifest-sha256.txt") else { return ["manifest-sha256.txt is missing"] }
        let listed = entries(manifest)
        var total = 0
        for e in listed {
            guard let (size, sha) = try? FileIO.hashFile(bagDir + "/" + e.path) else { problems.append("\(e.path) is missing"); continue }
            total += size
            if sha != e.sha { problems.append("\(e.path) does not match manifest-sha256.txt") }
        }
        let present = Set(FileIO.walk(bagDir + "/data").map { "data/" + $0 })
        for extra in present.subtracting(listed.map(\.path)).sorted() { problems.append("\(extra) is not in manifest-sha256.txt") }
        if let info = read("bag-info.txt"), let oxum = info.split(separator: "\n").first(where: { $0.hasPrefix("Payload-Oxum:") }) {
            let expected = "\(total).\(listed.count)"
            if oxum.dropFirst("Payload-Oxum:".count).trimmingCharacters(in: .whitespaces) != expected {
                problems.append("bag-info.txt's Payload-Oxum does not match the payload (\(expected))")
            }
        } else {
            problems.append("bag-info.txt has no Payload-Oxum")
        }
        if let tags = read("tagmanifest-sha256.txt") {
            for e in entries(tags) {
                guard let (_, sha) = try? FileIO.hashFile(bagDir + "/" + e.path) else { problems.append("\(e.path) is missing"); continue }
                if sha != e.sha { problems.append("\(e.path) does not match tagmanifest-sha256.txt") }
            }
        } else {
            problems.append("tagmanifest-sha256.txt is missing")
        }
        return problems
    }
}
