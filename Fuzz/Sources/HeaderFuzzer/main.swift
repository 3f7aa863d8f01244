import FolioCore
import Foundation
import FuzzSupport

// libFuzzer target for the bundle header reader: `SignedBundleHeader.readCanonical` (folio's own form of
// `bundle.json`, read without `JSONDecoder` for the entries) and the general reader an import falls back to
// (`JSONDecoder`, then the header written again canonically for its signature and id). Built with
// -parse-as-library: libFuzzer starts it.
//
// Besides "no crash, no hang", for every input:
//   1. a header `readCanonical` accepts is exactly what `fileBytes()` writes, its range holds the header's
//      canonical bytes (so the id is their SHA-256), and `JSONDecoder` reads the same header and signature;
//   2. a header `JSONDecoder` reads can be written canonically (its id, its file name), and that file is read
//      back as the same header by `JSONDecoder` and, unless an entry's path or hash needs an escape, a size is
//      negative or the signature is not plain base64, by `readCanonical`.
// A broken promise aborts, which libFuzzer records as a crash with the input.

func needsEscape(_ text: String) -> Bool { text.utf8.contains { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 } }

func isPlainBase64(_ text: String) -> Bool {
    !text.isEmpty && text.utf8.allSatisfy { b in
        (65...90).contains(b) || (97...122).contains(b) || (48...57).contains(b) || b == 43 || b == 47 || b == 61
    }
}

func checkHeader(_ bytes: [UInt8]) {
    let fast = SignedBundleHeader.readCanonical(bytes)
    let general = try? JSONDecoder().decode(SignedBundleHeader.self, from: Data(bytes))
    if let (signed, range) = fast {
        if (try? signed.fileBytes()) != bytes {
            Fuzz.broken("a header readCanonical accepts is exactly its canonical file", Fuzz.show(bytes))
        }
        guard let canonical = try? signed.header.canonicalBytes(), canonical == Array(bytes[range]) else {
            Fuzz.broken("readCanonical's range holds the header's canonical bytes", Fuzz.show(bytes))
        }
        if (try? signed.header.id()) != SHA256Hex.of(bytes[range]) {
            Fuzz.broken("the bundle id is the SHA-256 of the range read", Fuzz.show(bytes))
        }
        if general != signed {
            Fuzz.broken("readCanonical reads a header as JSONDecoder does",
                        "input: \(Fuzz.show(bytes))\nreadCanonical: \(signed)\nJSONDecoder: \(String(describing: general))")
        }
    }
    guard let general else { return }
    // The general reader's header: the id and the file name are computed from it, and its canonical file is
    // what a re-export would carry.
    guard (try? general.header.id()) != nil, let file = try? general.fileBytes() else {
        Fuzz.broken("a header JSONDecoder reads can be written canonically", Fuzz.show(bytes))
    }
    _ = general.header.fileName
    let again = try? JSONDecoder().decode(SignedBundleHeader.self, from: Data(file))
    if again != general {
        Fuzz.broken("a header's canonical file reads back as the same header",
                    "input: \(Fuzz.show(bytes))\nfile: \(Fuzz.show(file))\nread back: \(String(describing: again))")
    }
    // folio writes no negative size: its own reader leaves one to JSONDecoder, like an escaped name.
    let plain = !general.header.entries.contains { needsEscape($0.path) || needsEscape($0.sha256) || $0.size < 0 }
        && isPlainBase64(general.signature)
    let reread = SignedBundleHeader.readCanonical(file)
    if plain ? reread?.signed != general : reread != nil {
        Fuzz.broken(plain ? "readCanonical reads every header written in folio's own form"
                          : "readCanonical leaves escaped entries, negative sizes and odd signatures to JSONDecoder",
                    "input: \(Fuzz.show(bytes))\nfile: \(Fuzz.show(file))\nread: \(String(describing: reread))")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    checkHeader(Fuzz.bytes(data, size))
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<Int32>?,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> Int32 {
    Fuzz.writeSeeds(HeaderSeeds.all)
    return 0
}

@_cdecl("HeaderFuzzer_main")
public func headerFuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    Fuzz.run(argc, argv) { data, size in fuzzerTestOneInput(data, size) }
}
