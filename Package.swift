// swift-tools-version: 6.0
import PackageDescription

// Layers only look down: CArchive → FolioTar; CXlsxWriter, CQRencode → FolioWorkspace; FolioCore (pure domain, no I/O, no clock);
// FolioWorkspace (disk, locking, bundles) → folio (argument parsing and output only).
let package = Package(
    name: "folio",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "folio", targets: ["folio"]),
        .library(name: "FolioCore", targets: ["FolioCore"]),
        .library(name: "FolioWorkspace", targets: ["FolioWorkspace"]),
        .library(name: "FolioTar", targets: ["FolioTar"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        // zlib's CRC-32 arithmetic: two halves' sums combined (zlib comes with libarchive).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // libdeflate's CRC-32 (the same sum as zlib's, with the processor's carry-less multiply), which written
        // bundles and sealed archives are compared by when read back.
        .systemLibrary(
            name: "CDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        // libxlsxwriter, which writes the reports and the school's status as Excel workbooks (`--xlsx`).
        .systemLibrary(
            name: "CXlsxWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        // libqrencode, which draws the QR code printed on each receipt (收訖明細).
        .systemLibrary(
            name: "CQRencode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .target(
            name: "FolioTar",
            dependencies: ["CArchive", "CZlib", "CDeflate", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "FolioCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "_CryptoExtras", package: "swift-crypto")],
            // The message catalogs, built into the binary as EmbeddedCatalogs.swift by Scripts/embed-messages.
            exclude: ["Messages/zh-TW", "Messages/en", "Messages/README.md"]
        ),
        .target(
            name: "FolioWorkspace",
            dependencies: ["FolioCore", "FolioTar", "CXlsxWriter", "CQRencode", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The local web pages (`folio serve`): one more front end over the library, holding no rule of its own.
        .target(
            name: "FolioWeb",
            dependencies: ["FolioWorkspace", "FolioCore", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Mustache", package: "swift-mustache"),
                           .product(name: "MultipartKit", package: "multipart-kit")],
            exclude: ["Templates", "Assets"]
        ),
        .executableTarget(
            name: "folio",
            dependencies: ["FolioWorkspace", "FolioWeb", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Benchmarks/run: this machine's Ed25519 checking speed, the floor under a full verify.
        .executableTarget(
            name: "signature-rate",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: "Benchmarks/SignatureRate"
        ),
        .target(
            name: "FolioTestSupport",
            dependencies: ["FolioWorkspace", "FolioCore", "FolioTar"],
            path: "Sources/FolioTestSupport"
        ),
        .testTarget(name: "FolioCoreTests", dependencies: ["FolioCore", "FolioTestSupport"]),
        .testTarget(name: "FolioTarTests", dependencies: ["FolioTar", "FolioCore", "FolioTestSupport"]),
        .testTarget(name: "FolioWorkspaceTests", dependencies: ["FolioWorkspace", "FolioTestSupport"]),
        .testTarget(name: "FolioCLITests", dependencies: ["folio", "FolioTestSupport"]),
        // Bundles between replicas: built with the binary, imported through the library and the binary.
        .testTarget(name: "FolioWebTests", dependencies: ["folio", "FolioWeb", "FolioWorkspace", "FolioCore", "FolioTestSupport",
                                                          .product(name: "HummingbirdTesting", package: "hummingbird")]),
        .testTarget(name: "FolioExchangeTests", dependencies: ["folio", "FolioWorkspace", "FolioCore", "FolioTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
