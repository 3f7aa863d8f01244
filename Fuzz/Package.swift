// swift-tools-version: 6.0
import PackageDescription

// A separate package so that the root package's `swift build` / `swift test` never compile or link
// the fuzzer. Build and run it with Scripts/fuzz-tar.
//
// CArchive and FolioTar are the root package's own sources (symlinks), compiled here with fuzzer
// instrumentation; the fuzz target also compiles FolioTestSupport's HostileArchives.swift and
// SampleArchives.swift (symlinks) to write its seed corpus.
let package = Package(
    name: "FolioTarFuzz",
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(name: "CArchive", path: "Sources/CArchive", pkgConfig: "libarchive"),
        .target(
            name: "FolioTar",
            dependencies: ["CArchive", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/FolioTar"
        ),
        .executableTarget(
            name: "TarFuzzer",
            dependencies: ["FolioTar", "CArchive"],
            path: "Sources/TarFuzzer"
        ),
    ],
    swiftLanguageModes: [.v6]
)
