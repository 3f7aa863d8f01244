/// The one entry order folio writes: plain byte order of the full UTF-8 path.
///
/// Swift's `String <` compares by Unicode canonical equivalence, not bytes, and GNU tar's
/// `--sort=name` sorts within each directory; neither gives this order, so keys are byte arrays.
enum ByteOrder {
    static func key(_ path: String) -> [UInt8] { Array(path.utf8) }

    static func less(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.lexicographicallyPrecedes(b)
    }

    static func less(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
