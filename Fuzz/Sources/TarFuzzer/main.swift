import FolioTar
import Foundation
import FuzzSupport

// libFuzzer target for TarReader. Built with -parse-as-library: libFuzzer provides `main`.
//
// For every input it runs scan mode and extract mode and checks the reader's promises:
//   1. it never crashes (ASan and libFuzzer catch that);
//   2. a failed extraction leaves no staging folder, and nothing ever appears outside it;
//   3. scan and extract agree: the same entries, or the same error.
// A broken promise calls abort(), which libFuzzer records as a crash with the input that caused it.

/// Small caps so that inputs exercise the limits; the fuzzer's inputs are small anyway.
let fuzzLimits = TarLimits(maxEntryBytes: 256 << 10, maxEntries: 64, maxTotalBytes: 1 << 20, maxPathBytes: 512)

/// Per-process folder holding one staging folder at a time (set up once, before the first input).
nonisolated(unsafe) var scratchRoot = ""
nonisolated(unsafe) var inputCounter = 0

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<Int32>?,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> Int32 {
    var template = Array((FileManager.default.temporaryDirectory.path + "/folio-tar-fuzz-XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
        report("cannot create a scratch folder")
        abort()
    }
    scratchRoot = String(cString: made)
    atexit { try? FileManager.default.removeItem(atPath: scratchRoot) }

    // FOLIO_FUZZ_SEED_DIR=dir writes the seed corpus (hostile + valid archives) before fuzzing starts.
    if let seedDirectory = ProcessInfo.processInfo.environment["FOLIO_FUZZ_SEED_DIR"] {
        do {
            let url = URL(fileURLWithPath: seedDirectory, isDirectory: true)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try HostileArchive.writeAll(into: url)
            for (name, data) in try SampleArchives.seeds() {
                try data.write(to: url.appendingPathComponent(name + ".tar"))
            }
        } catch {
            report("cannot write seeds: \(error)")
            abort()
        }
    }
    return 0
}

func report(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func broken(_ promise: String, _ detail: String) -> Never {
    report("PROMISE BROKEN: \(promise)\n\(detail)")
    abort()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Data(bytes: $0, count: size) } ?? Data()
    let reader = TarReader(limits: fuzzLimits)

    let scanned = Result { () throws(TarError) in try reader.scan(.memory(bytes)) }

    inputCounter += 1
    let staging = scratchRoot + "/staging-\(inputCounter)"
    let extracted = Result { () throws(TarError) in
        try reader.extract(.memory(bytes), intoNewDirectory: staging)
    }
    switch extracted {
    case .success:
        try? FileManager.default.removeItem(atPath: staging)
    case .failure(let error):
        if FileManager.default.fileExists(atPath: staging) {
            broken("a failed extraction removes its staging folder", "\(error)")
        }
    }
    let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: scratchRoot)) ?? []
    if !leftovers.isEmpty {
        broken("nothing is written outside the staging folder", "found \(leftovers)")
    }
    if scanned != extracted {
        broken("scan and extract agree", "scan: \(scanned)\nextract: \(extracted)")
    }
    return 0
}

@_cdecl("TarFuzzer_main")
public func tarFuzzerMain(
    _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    Fuzz.run(argc, argv) { data, size in fuzzerTestOneInput(data, size) }
}
