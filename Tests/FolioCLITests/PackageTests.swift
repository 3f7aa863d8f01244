import FolioCore
import FolioTestSupport
import Foundation
import Testing

/// The Debian package as an IT section installs it. `Scripts/test` builds it with `Scripts/package --debug` into
/// `.build/test-artifacts/package/` before the tests run (the packaging is the same as for the release build, only
/// the executable is the debug one). Unpacked with `dpkg-deb -x` into a folder of its own, its folio runs with
/// nothing but `PATH=/usr/bin:/bin` in its environment, loads no library of the Swift toolchain, speaks Chinese,
/// imports a workbook into a copy of the sample school and checks it; its control fields name folio, its version
/// and Debian's libraries; the manual pages, completions, copyright and changelog are where Debian looks for them.
@Suite struct PackageTests {
    /// The package: `$FOLIO_DEB`, else the one `Scripts/test` built for this machine's architecture.
    static func package() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["FOLIO_DEB"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/test-artifacts/package")
        let suffix = "_\(try architecture()).deb"
        let debs = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasPrefix("folio_") && $0.hasSuffix(suffix) }
        guard debs.count == 1 else {
            throw FolioHarnessError("Expected one folio_*\(suffix) in \(folder.path), found \(debs); build it with "
                                    + "`Scripts/package --debug --out .build/test-artifacts/package` (Scripts/test does).")
        }
        return folder.appendingPathComponent(debs[0])
    }

    static func architecture() throws -> String {
        try tool("dpkg", ["--print-architecture"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What a tool printed; it must succeed.
    @discardableResult
    static func tool(_ name: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let (status, output) = try ToolRunner.run(name, arguments, mergingErrors: true)
        #expect(status == 0, "\(name) \(arguments.joined(separator: " ")) → exit \(status):\n\(output)",
                sourceLocation: sourceLocation)
        return output
    }

    /// The package unpacked with `dpkg-deb -x` into a temporary folder, removed when the test is done.
    final class Unpacked {
        let deb: URL
        let root: URL
        var folio: String { root.appendingPathComponent("usr/bin/folio").path }

        init() throws {
            deb = try PackageTests.package()
            root = FileManager.default.temporaryDirectory.appendingPathComponent("folio-deb-\(UUID().uuidString)")
            try PackageTests.tool("dpkg-deb", ["-x", deb.path, root.path])
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

        /// Runs the unpacked folio with nothing in its environment but PATH and `env`: no LD_LIBRARY_PATH, no
        /// toolchain, no language (so folio speaks its own, Traditional Chinese).
        func run(_ arguments: [String], env: [String: String] = [:]) throws -> (status: Int32, output: String) {
            let assignments = ["PATH=/usr/bin:/bin"] + env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return try ToolRunner.run("env", ["-i"] + assignments + [folio] + arguments, mergingErrors: true)
        }

        /// The text of a gzipped file in the package.
        func gunzipped(_ relative: String) throws -> String { try PackageTests.tool("gzip", ["-dc", path(relative)]) }
    }

    /// The Swift toolchain's folder (`/opt/swift/usr` here): where this test process loaded libswiftCore.so from.
    static func toolchain() throws -> String {
        // A file of /proc tells no size, so it is read to its end rather than by its size.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/maps") else {
            throw FolioHarnessError("Cannot read /proc/self/maps.")
        }
        defer { try? handle.close() }
        let maps = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        guard let line = maps.split(separator: "\n").first(where: { $0.hasSuffix("/libswiftCore.so") }),
              let path = line.split(separator: " ").last, let lib = path.range(of: "/lib/swift/") else {
            throw FolioHarnessError("This test process loaded no libswiftCore.so from a toolchain.")
        }
        return String(path[..<lib.lowerBound])
    }

    @Test func theControlFieldsNameFolioItsVersionAndDebiansLibraries() throws {
        let deb = try Self.package()
        var fields: [String: String] = [:]
        for name in ["Package", "Version", "Architecture", "Depends", "Recommends", "Suggests", "Maintainer", "Description"] {
            fields[name] = try Self.tool("dpkg-deb", ["-f", deb.path, name]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let version = try FolioRunner.run(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(fields["Package"] == "folio")
        #expect(!version.isEmpty && fields["Version"] == version, "\(fields) vs folio --version \(version)")
        let architecture = try Self.architecture()
        #expect(fields["Architecture"] == "amd64" && architecture == "amd64", "\(fields)")
        #expect(deb.lastPathComponent == "folio_\(version)_amd64.deb")
        #expect(fields["Maintainer"]?.isEmpty == false && fields["Description"]?.isEmpty == false, "\(fields)")

        // Depends names Debian's own packages, libarchive13 among them, and nothing of Swift.
        let depends = (fields["Depends"] ?? "").split(separator: ",")
            .map { String($0.trimmingCharacters(in: .whitespaces).prefix { $0 != " " }) }
        for needed in ["libc6", "libarchive13", "libxlsxwriter4", "libqrencode4", "zlib1g", "libdeflate0"] {
            #expect(depends.contains(needed), "Depends: \(fields["Depends"] ?? "")")
        }
        #expect(!depends.contains { $0.localizedCaseInsensitiveContains("swift") }, "Depends: \(fields["Depends"] ?? "")")
        // The programs folio runs rather than links: Chromium for the pages and the receipts PDF, pdfunite to join it.
        #expect(fields["Recommends"] == "chromium, fonts-noto-cjk, poppler-utils", "\(fields)")
        #expect(fields["Suggests"] == "restic", "\(fields)")
        for name in depends {
            let (status, output) = try ToolRunner.run("dpkg-query", ["-W", "-f", "${Status}", name], mergingErrors: true)
            #expect(status == 0 && output.hasSuffix("installed"), "Depends names \(name), which is no installed Debian package: \(output)")
        }

        // Every file belongs to root, as dpkg-deb --root-owner-group made it.
        let listing = try Self.tool("dpkg-deb", ["-c", deb.path]).split(separator: "\n")
        #expect(listing.count >= 10, "\(listing)")
        for line in listing {
            #expect(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first == "root/root", "\(line)")
        }
    }

    @Test func theUnpackedFolioRunsWithoutTheSwiftToolchainAndDoesARealJob() throws {
        let package = try Unpacked()
        let toolchain = try Self.toolchain()
        #expect(FileManager.default.fileExists(atPath: toolchain + "/lib/swift"), "\(toolchain)")

        // The libraries it loads: all found, none from the toolchain, none of Swift's own.
        let ldd = try ToolRunner.run("env", ["-i", "PATH=/usr/bin:/bin", "ldd", package.folio], mergingErrors: true)
        #expect(ldd.status == 0 && ldd.output.contains("libarchive.so.13"), "\(ldd.output)")
        for line in ldd.output.split(separator: "\n") {
            #expect(!line.contains(toolchain + "/") && !line.contains("not found"), "\(line)")
            for swift in ["libswift", "libFoundation", "lib_Foundation", "libdispatch", "libBlocksRuntime"] {
                #expect(!line.contains(swift), "\(line)")
            }
        }

        let version = try package.run(["--version"])
        let ours = try FolioRunner.run(["--version"]).stdout
        #expect(version.status == 0 && version.output == ours, "\(version) vs \(ours)")

        let help = try package.run(["--help"])
        #expect(help.status == 0 && help.output.hasPrefix("OVERVIEW: 高中學習歷程檔案，保存在學校自己的磁碟上。"), "\(help.output)")
        #expect(help.output.contains("建立學校的工作區"), "\(help.output)")

        // A copy of the sample school: the registration section imports a workbook with one new student
        // (FoundationXML and libarchive read it, swift-crypto signs), verify checks every record and file, and the
        // uncertified report goes to a workbook (libxlsxwriter).
        let ws = try SampleCopy()
        let demo = ["FOLIO_NOW": ws.now, "FOLIO_PASSPHRASE": DemoKeys.passphrase]
        let workspace = ["--workspace", ws.root.path]
        let imported = try package.run(["roster", "import", "students", try ExcelWorkbooks.path("students-new.xlsx"), "--apply",
                                        "--as", "R01", "--key", ws.key("R01")] + workspace, env: demo)
        #expect(imported.status == 0 && imported.output.contains("已讀取 students-new.xlsx 工作表「學生名冊」：13 名學生。"),
                "\(imported.output)")
        #expect(try ws.items("113030").isEmpty, "the new student is registered, with nothing uploaded yet")
        let verified = try package.run(["verify"] + workspace, env: demo)
        #expect(verified.status == 0 && verified.output.contains("全部一致"), "\(verified.output)")
        let workbook = ws.scratch("uncertified.xlsx")
        let report = try package.run(["report", "uncertified", "--xlsx", workbook] + workspace, env: demo)
        #expect(report.status == 0, "\(report.output)")
        #expect(FileManager.default.contents(atPath: workbook)?.starts(with: Array("PK".utf8)) == true)
    }

    @Test func manualPagesCompletionsCopyrightAndChangelogAreWhereDebianLooks() throws {
        let package = try Unpacked()
        let version = try package.run(["--version"]).output.trimmingCharacters(in: .whitespacesAndNewlines)

        // The manual pages keep folio's Chinese, which argument-parser's generator alone would drop.
        let english = try package.gunzipped("usr/share/man/man1/folio.1.gz")
        #expect(english.contains(".Nm folio") && english.contains("Learning portfolios (學習歷程檔案)"), "\(english.prefix(600))")
        #expect(english.contains(".It Em verify") && english.contains("--root-fingerprint"), "\(english.prefix(600))")
        let chinese = try package.gunzipped("usr/share/man/zh_TW/man1/folio.1.gz")
        #expect(chinese.contains("高中學習歷程檔案，保存在學校自己的磁碟上。") && chinese.contains(".It Em verify"), "\(chinese.prefix(600))")

        let bash = try String(contentsOfFile: package.path("usr/share/bash-completion/completions/folio"), encoding: .utf8)
        #expect(bash.contains("_folio()") && bash.contains(" folio\n") && bash.contains("answer-dispute"), "\(bash.prefix(300))")
        let zsh = try String(contentsOfFile: package.path("usr/share/zsh/vendor-completions/_folio"), encoding: .utf8)
        #expect(zsh.hasPrefix("#compdef folio") && zsh.contains("建立學校的工作區"), "\(zsh.prefix(300))")
        let fish = try String(contentsOfFile: package.path("usr/share/fish/vendor_completions.d/folio.fish"), encoding: .utf8)
        #expect(fish.contains("complete -c 'folio'") && fish.contains("answer-dispute"), "\(fish.prefix(300))")

        let copyright = try String(contentsOfFile: package.path("usr/share/doc/folio/copyright"), encoding: .utf8)
        #expect(copyright.hasPrefix("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"))
        #expect(copyright.contains("Files: .build/checkouts/swift-crypto/*") && copyright.contains("License: Apache-2.0"))
        let changelog = try package.gunzipped("usr/share/doc/folio/changelog.gz")
        #expect(changelog.hasPrefix("folio (\(version)) "), "\(changelog)")
        #expect(changelog.contains("\n -- "), "\(changelog)")
    }
}
