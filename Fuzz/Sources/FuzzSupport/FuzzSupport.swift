import Foundation

// What every fuzz target of this package shares: starting libFuzzer, reporting a broken promise, and writing
// the seed corpus at start-up. Each target still defines its own `LLVMFuzzerTestOneInput` and
// `<Target>_main`: SwiftPM links every executable target with `main` aliased to `<Target>_main` (for testable
// executables), so libFuzzer's own `main` is never used, and its driver is started from that symbol instead.

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

public enum Fuzz {
    /// Starts libFuzzer's driver on `callback` (the target's `LLVMFuzzerTestOneInput`); libFuzzer reads the
    /// command line itself and calls `LLVMFuzzerInitialize`, if the target defines one, first.
    public static func run(
        _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32 {
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments, callback)
    }

    /// The input as bytes.
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    public static func report(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Ends the process the way libFuzzer records as a crash, saving the input that broke `promise`.
    public static func broken(_ promise: String, _ detail: @autoclosure () -> String = "") -> Never {
        report("PROMISE BROKEN: \(promise)\n\(detail())")
        abort()
    }

    /// The first bytes of `bytes`, printable, for a report.
    public static func show(_ bytes: some Collection<UInt8>, limit: Int = 400) -> String {
        var out = ""
        for b in bytes.prefix(limit) {
            switch b {
            case 0x20...0x7E where b != 0x5C: out.unicodeScalars.append(Unicode.Scalar(b))
            default: out += "\\x" + String(b, radix: 16).leftPadded(2)
            }
        }
        return bytes.count > limit ? out + "… (\(bytes.count) bytes)" : out
    }

    /// `FOLIO_FUZZ_SAMPLES`: the repository's SampleWorkspace, which the seed corpus copies valid files from.
    public static var sampleRoot: URL? {
        ProcessInfo.processInfo.environment["FOLIO_FUZZ_SAMPLES"].map { URL(fileURLWithPath: $0, isDirectory: true) }
    }

    /// The files under `sampleRoot` whose relative path satisfies `include`, sorted by path, with their bytes.
    public static func samples(_ include: (String) -> Bool) -> [(name: String, bytes: [UInt8])] {
        guard let root = sampleRoot,
              let paths = FileManager.default.subpaths(atPath: root.path) else { return [] }
        return paths.filter(include).sorted().compactMap { path in
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else { return nil }
            return (path, Array(data))
        }
    }

    /// Writes `make()`'s inputs into `FOLIO_FUZZ_SEED_DIR`, when it is set, as `<name>` files (names made
    /// safe and unique); aborts if they cannot be written, since a fuzz run without its seeds means little.
    public static func writeSeeds(_ make: () throws -> [(name: String, bytes: [UInt8])]) {
        guard let directory = ProcessInfo.processInfo.environment["FOLIO_FUZZ_SEED_DIR"] else { return }
        do {
            let url = URL(fileURLWithPath: directory, isDirectory: true)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            for (n, seed) in try make().enumerated() {
                let safe = String(seed.name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") ? $0 : "_" })
                let name = String(format: "%03d-", n) + String(safe.suffix(60))
                try Data(seed.bytes).write(to: url.appendingPathComponent(name))
            }
        } catch {
            report("cannot write seeds: \(error)")
            abort()
        }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
