import Glibc

/// Decodes Big5 as Microsoft's code page 950, the encoding older Taiwanese school administration systems and
/// Excel on a Traditional Chinese Windows still export. CP950 rather than plain Big5 because it adds characters
/// that appear in names (e.g. 碁, 銹, 裏) that plain Big5 lacks.
///
/// Uses the C library's iconv: converting memory is not I/O, and glibc's tables are complete and well tested.
enum CP950 {
    enum Failure: Error {
        /// The byte at `offset` starts no valid CP950 character (or an incomplete one at the end).
        case invalidByte(offset: Int)
        /// iconv does not know CP950 or BIG5 on this system.
        case unavailable
    }

    /// The UTF-8 bytes of `bytes` decoded from CP950.
    static func decode(_ bytes: [UInt8]) -> Result<[UInt8], Failure> {
        // Some minimal C libraries lack the CP950 name but have BIG5; that still decodes nearly every file.
        var descriptor = iconv_open("UTF-8", "CP950")
        if descriptor == invalidDescriptor { descriptor = iconv_open("UTF-8", "BIG5") }
        guard let cd = descriptor, cd != invalidDescriptor else { return .failure(.unavailable) }
        defer { iconv_close(cd) }

        // A two-byte CP950 character becomes three UTF-8 bytes, so 2× always suffices; E2BIG grows it anyway.
        var output = [UInt8](repeating: 0, count: bytes.count * 2 + 16)
        var consumed = 0
        var produced = 0
        while true {
            let inCount = bytes.count
            let outCount = output.count
            var inLeft = inCount - consumed
            var outLeft = outCount - produced
            let (status, errorNumber) = bytes.withUnsafeBytes { inRaw in
                output.withUnsafeMutableBytes { outRaw in
                    // iconv's prototype takes `char **` for the input but never writes through it.
                    var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(
                        mutating: inRaw.bindMemory(to: CChar.self).baseAddress.map { $0 + consumed })
                    var outPtr: UnsafeMutablePointer<CChar>? =
                        outRaw.bindMemory(to: CChar.self).baseAddress.map { $0 + produced }
                    let status = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    return (status, status == -1 ? errno : 0)
                }
            }
            consumed = inCount - inLeft
            produced = outCount - outLeft
            if status != -1 { break }
            if errorNumber == E2BIG {
                output.append(contentsOf: [UInt8](repeating: 0, count: output.count))
                continue
            }
            return .failure(.invalidByte(offset: consumed))
        }
        return .success(Array(output[0..<produced]))
    }

    /// The value iconv_open returns on failure, `(iconv_t)-1`.
    private static var invalidDescriptor: iconv_t? { iconv_t(bitPattern: -1) }
}
