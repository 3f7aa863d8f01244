// swift-tools-version: 6.0
import PackageDescription

// A separate package so that the root package's `swift build` / `swift test` never compile or link the
// fuzzers. Build and run them with Scripts/fuzz (Docs/fuzzing.md).
//
// CArchive, FolioTar and FolioCore are the root package's own sources (symlinks), compiled here with fuzzer
// instrumentation. TarFuzzer also compiles FolioTestSupport's HostileArchives.swift and SampleArchives.swift
// (symlinks) to write its seed corpus; CSVFuzzer compiles FolioCore's Text folder (a symlink) into itself, so
// that it can call the internal CP950 decoder and needs no crypto.
let package = Package(
    name: "FolioFuzz",
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
        .target(
            name: "FolioCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "_CryptoExtras", package: "swift-crypto")],
            path: "Sources/FolioCore"
        ),
        .target(name: "FuzzSupport", path: "Sources/FuzzSupport"),
        .executableTarget(
            name: "TarFuzzer",
            dependencies: ["FolioTar", "CArchive", "FuzzSupport"],
            path: "Sources/TarFuzzer"
        ),
        .executableTarget(
            name: "RecordFuzzer",
            dependencies: ["FolioCore", "FuzzSupport"],
            path: "Sources/RecordFuzzer"
        ),
        .executableTarget(
            name: "CSVFuzzer",
            dependencies: ["FuzzSupport"],
            path: "Sources/CSVFuzzer"
        ),
        .executableTarget(
            name: "HeaderFuzzer",
            dependencies: ["FolioCore", "FuzzSupport", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/HeaderFuzzer"
        ),
    ],
    swiftLanguageModes: [.v6]
)
